"""Fixtures for the shared-entry and proposal tests.

`people` makes three entries as an administrator: one of EMJ only ("own" for an EMJ
secretariat), one of EMJ and CARIN ("both"), one of CARIN only ("other").
"""

from __future__ import annotations

import pytest

MEMBERSHIPS = {
    "own": [{"network": "emj", "role": "contact-point", "external_id": "E-1"}],
    "both": [{"network": "emj", "role": "contact-point", "external_id": "E-2"},
             {"network": "carin", "role": "judicial", "external_id": "C-2"}],
    "other": [{"network": "carin", "role": "judicial", "external_id": "C-3"}],
}


@pytest.fixture
def people(make):
    """{"own": id, "both": id, "other": id}; e-mails kind@justice.example, title "Prosecutor"."""
    return {kind: make.entry(memberships=memberships, emails=[f"{kind}@justice.example"],
                             title="Prosecutor", city="Rabat",
                             last_verified_on="2020-01-01")
            for kind, memberships in MEMBERSHIPS.items()}


@pytest.fixture
def read(api):
    """An entry as an administrator reads it through the API."""
    admin = api("admin")

    def entry(entry_id: int) -> dict:
        response = admin.get(f"/api/v1/contact-points/{entry_id}")
        assert response.status_code == 200
        return response.json

    return entry
