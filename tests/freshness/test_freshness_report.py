"""The freshness report (SPEC section 11): per network the reader maintains (every one for
administrators and reporters), as a page with an accessible chart and as JSON."""

from __future__ import annotations


def _by_network(body):
    return {row["network"]: row for row in body["networks"]}


def test_the_api_counts_each_network(api, entries):
    prosecutor = api("prosecutor")
    prosecutor.post(f"/api/v1/contact-points/{entries['stale']}/reports",
                    json={"reason": "wrong-email"})
    # a proposal on the shared entry: an EMJ secretariat edits what CARIN shares
    emj = api("secretariat", networks=["emj"])
    assert emj.patch(f"/api/v1/contact-points/{entries['shared']}",
                     json={"title": "Deputy prosecutor"}).status_code == 202
    rows = _by_network(api("admin").get("/api/v1/freshness").json)
    assert set(rows) >= {"emj", "carin", "eurojust"}
    assert rows["emj"]["active"] == 3
    assert rows["emj"]["verified_12m"] == 1
    assert rows["emj"]["never_verified"] == 1
    assert rows["emj"]["verified_12m_share"] == round(1 / 3, 4)
    assert rows["emj"]["open_reports"] == 1
    assert rows["emj"]["pending_proposals"] == 1
    assert rows["emj"]["median_days_since_verification"] > 365
    assert rows["emj"]["last_campaign"] is None
    assert rows["carin"]["active"] == 2 and rows["carin"]["verified_12m"] == 0
    assert rows["carin"]["pending_proposals"] == 1
    assert rows["eurojust"]["active"] == 0
    assert rows["eurojust"]["median_days_since_verification"] is None


def test_who_reads_which_networks(api, entries):
    assert set(_by_network(api("reporter").get("/api/v1/freshness").json)) >= {
        "emj", "carin", "eurojust"}
    assert set(_by_network(api("secretariat", networks=["carin"])
                           .get("/api/v1/freshness").json)) == {"carin"}
    refused = api("prosecutor").get("/api/v1/freshness")
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "forbidden"


def test_the_page_has_a_table_and_an_accessible_chart(login_as, entries):
    admin = login_as("admin")
    page = admin.get("/freshness").get_data(as_text=True)
    assert "Freshness by network" in page
    assert 'role="img"' in page and "<title id=\"freshness-chart-title\">" in page
    assert "Verified in the last 12 months" in page
    assert 'href="/freshness/networks/emj"' in page
    network = admin.get("/freshness/networks/emj").get_data(as_text=True)
    assert "Start a verification campaign" in network and "No campaign yet." in network


def test_the_menu_and_the_page_follow_the_role(login_as, entries):
    prosecutor = login_as("prosecutor")
    assert 'href="/freshness"' not in prosecutor.get("/").get_data(as_text=True)
    assert prosecutor.get("/freshness").status_code == 403
    assert prosecutor.get("/freshness/networks/emj").status_code == 403
    carin = login_as("secretariat", networks=["carin"])
    assert 'href="/freshness"' in carin.get("/").get_data(as_text=True)
    page = carin.get("/freshness").get_data(as_text=True)
    table = page.split("Freshness by network")[1].split("</table>")[0]
    assert "CARIN contact points" in table and "EMJ Directory" not in table
    assert carin.get("/freshness/networks/emj").status_code == 404
    reporter = login_as("reporter")
    assert reporter.get("/freshness").status_code == 200
    assert reporter.get("/freshness/networks/emj").status_code == 403


def test_the_page_in_arabic_draws_right_to_left(login_as, entries):
    admin = login_as("admin", locale="ar")
    page = admin.get("/freshness").get_data(as_text=True)
    assert 'dir="rtl"' in page and 'role="img"' in page
