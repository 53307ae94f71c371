"""GET /api/v1/indicators: the numbers of SPEC section 8, checked against known events."""

from __future__ import annotations

import pytest
from reports_support import logged

PERIOD = "from=2025-01-01&to=2025-06-30"


def groups(report) -> dict:
    return {row["group"]: row for row in report["breakdown"]}


def test_the_indicators_count_what_the_action_plans_define(api, scenario):
    report = api("reporter").get(f"/api/v1/indicators?{PERIOD}&by=quarter").json
    assert report["from"] == "2025-01-01" and report["to"] == "2025-06-30"
    assert report["indicators"] == {
        "A-4.1": {"label": "Number of initial contacts", "value": 2},
        "B-4.1": {"label": "Contacts established", "value": 1},
    }
    assert report["plans"] == {"A": {"initiated": 2, "established": 1, "rate": 0.5},
                               "B": {"initiated": 2, "established": 1, "rate": 0.5}}
    assert report["totals"] == {"initiated": 4, "established": 2, "rate": 0.5}
    quarters = groups(report)
    assert list(quarters) == ["2025-Q1", "2025-Q2"]
    q1, q2 = quarters["2025-Q1"], quarters["2025-Q2"]
    assert (q1["A-4.1"], q1["B-4.1"], q1["initiated"], q1["established"]) == (2, 1, 3, 2)
    assert (q2["A-4.1"], q2["B-4.1"], q2["initiated"], q2["established"]) == (0, 0, 1, 0)
    assert q2["plans"]["B"] == {"initiated": 1, "established": 0, "rate": 0.0}


def test_months_years_and_every_dimension(api, scenario):
    reporter = api("reporter")
    months = groups(reporter.get(f"/api/v1/indicators?{PERIOD}&by=month").json)
    assert list(months) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert [months[m]["initiated"] for m in months] == [1, 1, 1, 0, 0, 1]
    years = groups(reporter.get(f"/api/v1/indicators?{PERIOD}&by=year").json)
    assert years["2025"]["A-4.1"] == 2 and years["2025"]["B-4.1"] == 1
    requesting = groups(reporter.get(f"/api/v1/indicators?{PERIOD}&by=country").json)
    assert {k: v["initiated"] for k, v in requesting.items()} == {"FR": 2, "ES": 2}
    assert requesting["FR"]["label"] == "France"
    counterpart = groups(reporter.get(
        f"/api/v1/indicators?{PERIOD}&by=counterpart-country").json)
    assert {k: (v["A-4.1"], v["B-4.1"]) for k, v in counterpart.items()} == {
        "MA": (2, 0), "TN": (0, 1)}
    networks = groups(reporter.get(f"/api/v1/indicators?{PERIOD}&by=network").json)
    assert {k: v["initiated"] for k, v in networks.items()} == {"emj": 2, "carin": 2}
    matters = groups(reporter.get(f"/api/v1/indicators?{PERIOD}&by=matter").json)
    assert {k: v["initiated"] for k, v in matters.items()} == {
        "thb": 1, "som": 1, "asset-recovery": 1, "freezing-confiscation": 1}
    channels = groups(reporter.get(f"/api/v1/indicators?{PERIOD}&by=channel").json)
    assert {k: v["initiated"] for k, v in channels.items()} == {
        "email": 2, "phone": 1, "video": 1}
    pairs = groups(reporter.get(f"/api/v1/indicators?{PERIOD}&by=country-pair").json)
    assert {k: v["initiated"] for k, v in pairs.items()} == {
        "FR-MA": 1, "ES-MA": 1, "FR-TN": 1, "ES-TN": 1}
    assert pairs["FR-MA"]["label"] == "France → Morocco"
    assert (pairs["ES-TN"]["requesting_country"], pairs["ES-TN"]["counterpart_country"]) == (
        "ES", "TN")
    assert (pairs["ES-TN"]["A-4.1"], pairs["ES-TN"]["B-4.1"]) == (0, 0)
    assert (pairs["FR-TN"]["A-4.1"], pairs["FR-TN"]["B-4.1"]) == (0, 1)


def test_period_bounds_are_inclusive(api, scenario):
    reporter = api("reporter")
    one_day = reporter.get("/api/v1/indicators?from=2025-01-01&to=2025-01-01").json
    assert one_day["indicators"]["A-4.1"]["value"] == 1
    last_day = reporter.get("/api/v1/indicators?from=2025-06-30&to=2025-06-30").json
    assert last_day["plans"]["B"]["initiated"] == 1
    wider = reporter.get("/api/v1/indicators?from=2024-12-31&to=2025-07-01").json
    assert wider["indicators"]["A-4.1"]["value"] == 4  # the days before and after too


def test_voiding_removes_an_event_from_the_counts(api, scenario):
    french = scenario["french"]
    reporter = api("reporter")
    before = reporter.get(f"/api/v1/indicators?{PERIOD}").json["indicators"]["A-4.1"]["value"]
    french.post(f"/api/v1/contact-events/{scenario['events']['first-day']['id']}/void",
                json={"reason": "Wrong counterpart."})
    after = reporter.get(f"/api/v1/indicators?{PERIOD}").json["indicators"]["A-4.1"]["value"]
    assert (before, after) == (2, 1)


def test_a_period_without_events_shows_zeros(api, scenario):
    report = api("reporter").get("/api/v1/indicators?from=2010-01-01&to=2010-12-31").json
    assert report["indicators"]["A-4.1"]["value"] == 0
    assert report["indicators"]["B-4.1"]["value"] == 0
    assert report["plans"]["A"] == {"initiated": 0, "established": 0, "rate": None}
    assert [row["group"] for row in report["breakdown"]] == [
        "2010-Q1", "2010-Q2", "2010-Q3", "2010-Q4"]
    assert all(row["initiated"] == 0 for row in report["breakdown"])
    pairs = api("reporter").get("/api/v1/indicators?from=2010-01-01&to=2010-12-31"
                                "&by=country-pair").json
    assert pairs["breakdown"] == [] and pairs["totals"]["initiated"] == 0


@pytest.mark.parametrize(("query", "field"), [
    ("from=2025-13-01&to=2025-12-31", "from"),
    ("from=01/01/2025&to=2025-12-31", "from"),
    ("from=2025-01-01&to=tomorrow", "to"),
    ("from=2025-06-01&to=2025-05-31", "to"),
    ("from=2025-01-01&to=2025-12-31&by=week", "by"),
    ("from=1900-01-01&to=2025-12-31", "to"),
])
def test_bad_periods_are_a_clear_400(api, query, field):
    response = api("reporter").get(f"/api/v1/indicators?{query}")
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "bad_request" and field in error["fields"]
    assert error["message"]


def test_visibility_follows_the_role(api, make, scenario):
    def initiated(client) -> int:
        return client.get(f"/api/v1/indicators?{PERIOD}").json["totals"]["initiated"]

    assert initiated(api("reporter")) == 4
    assert initiated(api("admin")) == 4
    assert initiated(scenario["french"]) == 2  # own events: first-day, b-established
    assert initiated(scenario["spanish"]) == 2
    assert initiated(api("prosecutor")) == 0  # has logged nothing
    emj = api("secretariat", networks=("emj",))
    carin = api("secretariat", networks=("carin",))
    assert initiated(emj) == 2 and initiated(carin) == 2
    assert emj.get(f"/api/v1/indicators?{PERIOD}").json["scope"] == {
        "kind": "networks", "networks": ["emj"]}
    both = api("secretariat", networks=("emj", "carin"))
    assert initiated(both) == 4
    assert initiated(api("secretariat", networks=("eurojust",))) == 0


def test_the_counterpart_country_is_the_one_at_logging_time(api, make, scenario):
    admin = api("admin")
    entry = scenario["thb_entry"]
    version = admin.get(f"/api/v1/contact-points/{entry}").json["version"]
    response = admin.patch(f"/api/v1/contact-points/{entry}",
                           json={"country": "DZ", "version": version, "phones": []})
    assert response.status_code == 200, response.json
    report = api("reporter").get(f"/api/v1/indicators?{PERIOD}&by=counterpart-country").json
    assert {row["group"] for row in report["breakdown"]} == {"MA", "TN"}
    # A contact logged after the edit carries the new country.
    logged(scenario["french"], entry, occurred_on="2025-05-05")
    report = api("reporter").get(f"/api/v1/indicators?{PERIOD}&by=counterpart-country").json
    assert groups(report)["DZ"]["initiated"] == 1


def test_use_of_the_directory(api, login_as, make):
    entry = make.entry()
    reporter = api("reporter")
    assert reporter.get("/api/v1/search?q=Haddad").status_code == 200
    assert reporter.get("/api/v1/search?q=Haddad&network=emj").status_code == 200
    browser = login_as("prosecutor")
    assert browser.get(f"/contact-points/{entry}").status_code == 200
    use = reporter.get("/api/v1/indicators").json["use"]
    assert use["searches"] == 2 and use["views"] == 1
    assert {row["network"]: (row["searches"], row["views"]) for row in use["by_network"]} == {
        None: (1, 0), "emj": (1, 1)}
    assert sum(row["searches"] for row in use["by_period"]) == 2
    secretariat = api("secretariat", networks=("carin",))
    assert secretariat.get("/api/v1/indicators").json["use"]["searches"] == 0
    assert api("prosecutor").get("/api/v1/indicators").json["use"] is None


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/indicators").status_code == 401
