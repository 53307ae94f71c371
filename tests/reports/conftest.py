"""Fixtures for the indicators tests: browsers signed in as a role, and a known set of events."""

from __future__ import annotations

import pytest
from reports_support import logged


@pytest.fixture
def scenario(api, make):
    """Events with known answers, in 2025-01-01..2025-06-30 and just outside it.

    In the period, not voided: plan A: 2 initiated (one established); plan B: 2 initiated
    (one established). Expected A-4.1 = 2, B-4.1 = 1.
    """
    thb_entry = make.entry(country="MA")  # emj
    carin_entry = make.entry(country="TN", phones=[], specialisms=["asset-recovery"],
                             memberships=[{"network": "carin", "role": "judicial"}])
    french = api("prosecutor", country="FR")
    spanish = api("prosecutor", country="ES")
    events = {
        "first-day": logged(french, thb_entry, occurred_on="2025-01-01", idempotency_key="k1"),
        "q1-established": logged(spanish, thb_entry, occurred_on="2025-03-31", matter="som",
                                 channel="phone", established=True,
                                 established_on="2025-04-02"),
        "b-established": logged(french, carin_entry, occurred_on="2025-02-15",
                                matter="asset-recovery", established=True),
        "last-day": logged(spanish, carin_entry, occurred_on="2025-06-30",
                           matter="freezing-confiscation", channel="video"),
        "voided": logged(french, carin_entry, occurred_on="2025-04-10",
                         matter="asset-recovery", established=True),
        "day-before": logged(french, thb_entry, occurred_on="2024-12-31"),
        "day-after": logged(french, thb_entry, occurred_on="2025-07-01"),
    }
    # A double submission: the same key again is the same event.
    assert logged(french, thb_entry, occurred_on="2025-01-01", idempotency_key="k1")["id"] == \
        events["first-day"]["id"]
    french.post(f"/api/v1/contact-events/{events['voided']['id']}/void",
                json={"reason": "Logged twice."})
    return {"events": events, "french": french, "spanish": spanish, "thb_entry": thb_entry,
            "carin_entry": carin_entry}
