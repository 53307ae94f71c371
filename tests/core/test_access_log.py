"""The access log: every read of an entry, every listing and search page and every export,
with who, when and how; shown to admins per entry and per user."""

from __future__ import annotations

from core_support import page_token
from sqlalchemy import func, select
from support import download

from directory.extensions import db
from directory.models import AccessLogEntry


def reads(api_client, entry) -> list[tuple[str, str, str]]:
    body = api_client.get(f"/api/v1/contact-points/{entry}/access-log").json
    return [(row["user"], row["how"], row["channel"]) for row in body["results"]]


def test_every_way_of_reading_an_entry_is_logged(app, login_as, make, api, runner, tmp_path):
    entry = make.entry(family_name="Lahlou")
    reader = login_as("prosecutor")
    assert reader.get(f"/contact-points/{entry}").status_code == 200
    assert reader.get(f"/contact-points/{entry}/vcard").status_code == 200
    assert reader.get("/?q=Lahlou").status_code == 200
    assert reader.get(f"/api/v1/contact-points/{entry}").status_code == 200
    assert reader.get(f"/api/v1/contact-points/{entry}/vcard").status_code == 200
    assert reader.get("/api/v1/contact-points").status_code == 200
    assert reader.get("/api/v1/search?q=Lahlou").status_code == 200
    assert reader.get("/api/v1/suggest?q=Lahl").status_code == 200
    secretariat = login_as("secretariat")
    assert download(secretariat, "/exports?format=csv&network=emj").status_code == 200
    result = runner.invoke(args=["export", "--format", "csv", "-o", str(tmp_path / "all.csv")])
    assert result.exit_code == 0, result.output
    logged = reads(api("admin"), entry)
    who = reader.email
    for expected in [(who, "page", "web"), (who, "vcard", "web"), (who, "search", "web"),
                     (who, "api", "api"), (who, "vcard", "api"), (who, "listing", "api"),
                     (who, "search", "api"), (who, "suggest", "api"),
                     (secretariat.email, "export", "web"), ("operator", "export", "cli")]:
        assert expected in logged, (expected, logged)
    body = api("admin").get(f"/api/v1/contact-points/{entry}/access-log").json
    assert body["total"] == len(logged) and body["results"][0]["at"].endswith("Z")


def test_a_listing_page_logs_every_entry_it_shows(app, login_as, make, api):
    entries = [make.entry() for _ in range(3)]
    reader = login_as("prosecutor")
    reader.get("/api/v1/contact-points?per_page=2")
    admin = api("admin")
    assert [len(reads(admin, entry)) for entry in entries] == [1, 1, 0]


def test_only_admins_see_the_access_log(login_as, make, api):
    entry = make.entry()
    for role in ("prosecutor", "secretariat", "reporter"):
        response = api(role).get(f"/api/v1/contact-points/{entry}/access-log")
        assert response.status_code == 403, role
        browser = login_as(role)
        assert browser.get(f"/contact-points/{entry}/access-log").status_code == 403
    assert api("admin").get("/api/v1/contact-points/999999/access-log").status_code == 404


def test_admins_see_what_one_user_read(login_as, make, api):
    first, second = make.entry(family_name="Gharbi"), make.entry(family_name="Kettani")
    reader = login_as("prosecutor")
    reader.get(f"/contact-points/{first}")
    reader.get(f"/api/v1/contact-points/{second}")
    admin = login_as("admin")
    body = admin.get(f"/api/v1/users/{reader.user_id}/access-log").json
    assert [(row["contact_point_id"], row["how"]) for row in body["results"]] == [
        (second, "api"), (first, "page")]
    page = admin.get(f"/admin/users/{reader.user_id}/access-log").get_data(as_text=True)
    assert f"/contact-points/{first}" in page and f"/contact-points/{second}" in page
    entry_page = admin.get(f"/contact-points/{first}").get_data(as_text=True)
    assert f"/contact-points/{first}/access-log" in entry_page
    log_page = admin.get(f"/contact-points/{first}/access-log").get_data(as_text=True)
    assert reader.email in log_page and "its page" in log_page
    assert page_token(admin)  # the pages render for admins


def test_reads_are_written_once_the_response_has_gone(app, login_as, make):
    entry = make.entry()
    reader = login_as("prosecutor")

    def stored() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(AccessLogEntry).where(
                AccessLogEntry.contact_point_id == entry))

    response = reader.get(f"/contact-points/{entry}")
    assert stored() == 0  # not while the page is being answered...
    response.close()  # ...but as soon as the server has sent it
    assert stored() == 1
