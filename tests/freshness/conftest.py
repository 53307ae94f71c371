"""Fixtures for the freshness tests: entries of EMJ and CARIN, some stale."""

from __future__ import annotations

import pytest


@pytest.fixture
def entries(make):
    """{"fresh": id (EMJ, verified today), "stale": id (EMJ, 2020), "carin": id (CARIN, 2020),
    "shared": id (EMJ and CARIN, never verified)}."""
    return {
        "fresh": make.entry(emails=["fresh@justice.example"], languages=["fr", "ar"]),
        "stale": make.entry(emails=["stale@justice.example"], last_verified_on="2020-01-01",
                            languages=["ar"]),
        "carin": make.entry(emails=["carin@justice.example"], last_verified_on="2020-01-01",
                            memberships=[{"network": "carin", "role": "judicial"}],
                            languages=["es"]),
        "shared": make.entry(emails=["shared@justice.example"], last_verified_on=None,
                             memberships=[{"network": "emj", "role": "contact-point"},
                                          {"network": "carin", "role": "judicial"}]),
    }
