"""Reports of outdated details (SPEC section 11): anyone signed in reports from an entry or a
search result; the entry's secretariats see open reports on the entry and in their queue, and
resolve them saying how."""

from __future__ import annotations

from support import page_token


def _report_page(browser, entry_id):
    return browser.get(f"/contact-points/{entry_id}/report")


def test_a_prosecutor_reports_from_the_entry_and_the_secretariat_resolves(login_as, entries):
    prosecutor = login_as("prosecutor")
    page = prosecutor.get(f"/contact-points/{entries['stale']}").get_data(as_text=True)
    assert "Report outdated details" in page
    form = _report_page(prosecutor, entries["stale"]).get_data(as_text=True)
    assert "The phone number is wrong" in form
    response = prosecutor.post(f"/contact-points/{entries['stale']}/report", data={
        "csrf_token": page_token(prosecutor, f"/contact-points/{entries['stale']}/report"),
        "reason": "wrong-phone", "note": "The number rings out: a fax now."})
    assert response.status_code == 302
    shown = prosecutor.get(response.headers["Location"]).get_data(as_text=True)
    assert "the network&#39;s secretariat will check this entry" in shown
    # the prosecutor does not see open reports on the entry; the EMJ secretariat does
    assert "a fax now" not in shown
    secretariat = login_as("secretariat", networks=["emj"])
    entry_page = secretariat.get(f"/contact-points/{entries['stale']}").get_data(as_text=True)
    assert "Open reports of outdated details (1)" in entry_page
    assert "a fax now" in entry_page
    queue = secretariat.get("/proposals").get_data(as_text=True)
    assert "Reports of outdated details (1)" in queue and "a fax now" in queue
    # another network's secretariat sees nothing of it
    carin = login_as("secretariat", networks=["carin"])
    assert "a fax now" not in carin.get("/proposals").get_data(as_text=True)
    report_id = int(queue.split('action="/outdated-reports/')[1].split("/")[0])
    response = secretariat.post(f"/outdated-reports/{report_id}/resolve", data={
        "csrf_token": page_token(secretariat, "/proposals"), "resolution": "corrected",
        "next": "/proposals"})
    assert response.status_code == 302
    queue = secretariat.get("/proposals").get_data(as_text=True)
    assert "The report is resolved." in queue and "No open report." in queue
    history = secretariat.get(f"/contact-points/{entries['stale']}").get_data(as_text=True)
    assert "Outdated details reported" in history
    assert "Report of outdated details resolved" in history


def test_every_search_result_offers_a_report(login_as, entries):
    prosecutor = login_as("prosecutor")
    page = prosecutor.get("/?q=Amina").get_data(as_text=True)
    assert page.count("Report outdated details") >= 3
    assert f"/contact-points/{entries['fresh']}/report" in page


def test_a_report_without_a_reason_shows_the_error_summary_and_stores_nothing(
        login_as, entries, api):
    prosecutor = login_as("prosecutor")
    path = f"/contact-points/{entries['stale']}/report"
    response = prosecutor.post(path, data={"csrf_token": page_token(prosecutor, path),
                                           "note": "x" * 501})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert api("admin").get("/api/v1/reports").json["results"] == []


def test_reports_through_the_api(api, entries):
    prosecutor = api("prosecutor")
    response = prosecutor.post(f"/api/v1/contact-points/{entries['shared']}/reports",
                               json={"reason": "left-post", "note": "Retired in June."})
    assert response.status_code == 201
    body = response.json
    assert body["reason"] == "left-post" and body["status"] == "open"
    again = prosecutor.post(f"/api/v1/contact-points/{entries['shared']}/reports",
                            json={"reason": "left-post"})
    assert again.status_code == 200 and again.json["id"] == body["id"]
    bad = prosecutor.post(f"/api/v1/contact-points/{entries['shared']}/reports",
                          json={"reason": "wrong-fax", "note": 3})
    assert bad.status_code == 422
    assert "reason" in bad.json["error"]["fields"]
    for odd in ({}, ["other"], 3, None):  # JSON that is not a reason's name: named, not a 500
        odd_answer = prosecutor.post(f"/api/v1/contact-points/{entries['shared']}/reports",
                                     json={"reason": odd})
        assert odd_answer.status_code == 422 and "reason" in odd_answer.json["error"]["fields"]
    assert prosecutor.post("/api/v1/contact-points/999999/reports",
                           json={"reason": "other"}).status_code == 404
    # a prosecutor resolves nothing; a CARIN secretariat (one of the entry's networks) may
    assert prosecutor.post(f"/api/v1/reports/{body['id']}/resolve",
                           json={"resolution": "archived"}).status_code in (403, 404)
    carin = api("secretariat", networks=["carin"])
    listed = carin.get("/api/v1/reports").json["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    for odd in ("sideways", {}, ["archived"]):
        assert carin.post(f"/api/v1/reports/{body['id']}/resolve",
                          json={"resolution": odd}).status_code == 422
    done = carin.post(f"/api/v1/reports/{body['id']}/resolve", json={"resolution": "archived"})
    assert done.status_code == 200
    assert done.json["resolution"] == "archived" and done.json["status"] == "resolved"
    assert carin.post(f"/api/v1/reports/{body['id']}/resolve",
                      json={"resolution": "archived"}).status_code == 409
    # a secretariat of another network does not see the report
    other = api("secretariat", networks=["emj"])
    assert other.post(f"/api/v1/reports/{body['id']}/resolve",
                      json={"resolution": "confirmed"}).status_code in (404, 409)
