"""The entry pages: view, create, edit, archive, verify, the stale badge and the history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from core_support import page_token

TODAY = date.today()


def form_of(browser, path: str, **values):
    form = {"csrf_token": page_token(browser, path), "given_name": "Leila", "family_name": "Khoury",
            "country": "LB", "emails": "leila.khoury@justice.example",
            "office_phones": "01 123 456", "languages": ["ar", "en"], "specialisms": ["som"],
            "status": "active", "last_verified_on": TODAY.isoformat(), "organisation_name": "",
            "organisation_kind": "", "member-emj": "1", "role-emj": "contact-point",
            "external-emj": ""}
    form.update(values)
    return {key: value for key, value in form.items() if value is not None}


def test_create_an_entry_through_the_form(login_as, api):
    browser = login_as("secretariat", networks=("emj",))
    response = browser.post("/contact-points/new", data=form_of(
        browser, "/contact-points/new", organisation_name="Parquet de Beyrouth",
        organisation_kind="prosecution-office", native_name="ليلى خوري",
        mobile_phones="+961 3 123 456"))
    assert response.status_code == 302
    page = browser.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert "Leila Khoury" in text and "ليلى خوري" in text and "Parquet de Beyrouth" in text
    assert "The entry is saved." in text
    entry = api("admin").get("/api/v1/contact-points").json["results"][0]
    assert entry["phones"] == [{"number": "+9611123456", "kind": "office"},
                               {"number": "+9613123456", "kind": "mobile"}]
    assert entry["memberships"] == [
        {"network": "emj", "role": "contact-point", "external_id": None}]


def test_the_form_adds_a_network_to_a_person_already_in_the_directory(login_as, api, make):
    entry_id = make.entry(emails=["leila.khoury@justice.example"])
    browser = login_as("secretariat", networks=("carin",))
    response = browser.post("/contact-points/new", data=form_of(
        browser, "/contact-points/new", **{"member-emj": None, "member-carin": "1",
                                           "role-carin": "judicial"}))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contact-points/{entry_id}")
    text = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "already in the directory" in text
    entry = api("admin").get(f"/api/v1/contact-points/{entry_id}").json
    assert [m["network"] for m in entry["memberships"]] == ["emj", "carin"]
    assert api("admin").get("/api/v1/contact-points").json["total"] == 1


def test_the_form_refuses_a_duplicate_person_and_says_which_entry(login_as, api, make):
    entry_id = make.entry(emails=["leila.khoury@justice.example"])
    browser = login_as("admin")
    response = browser.post("/contact-points/new", data=form_of(browser, "/contact-points/new"))
    assert response.status_code == 422
    assert f"entry {entry_id}" in response.get_data(as_text=True)
    assert api("admin").get("/api/v1/contact-points").json["total"] == 1


def test_edit_with_a_stale_version_changes_nothing(login_as, api, make):
    browser = login_as("admin")
    entry_id = make.entry(emails=["leila.khoury@justice.example"], country="LB",
                          phones=[], city="Beirut")
    path = f"/contact-points/{entry_id}/edit"
    form = form_of(browser, path, version="1", city="Tripoli")
    api("admin").patch(f"/api/v1/contact-points/{entry_id}", json={"city": "Saida"})
    response = browser.post(path, data=form)
    assert response.status_code == 422
    assert "changed by someone else" in response.get_data(as_text=True)
    assert api("admin").get(f"/api/v1/contact-points/{entry_id}").json["city"] == "Saida"


def test_edit_shows_the_entry_and_saves_changes(login_as, api, make):
    browser = login_as("admin")
    entry_id = make.entry(emails=["leila.khoury@justice.example"], city="Rabat")
    path = f"/contact-points/{entry_id}/edit"
    page = browser.get(path).get_data(as_text=True)
    assert 'value="Rabat"' in page and "+212537123456" in page
    response = browser.post(path, data=form_of(browser, path, version="1", country="MA",
                                               city="Salé", office_phones="+212537123456"))
    assert response.status_code == 302
    entry = api("admin").get(f"/api/v1/contact-points/{entry_id}").json
    assert (entry["city"], entry["version"], entry["given_name"]) == ("Salé", 2, "Leila")


def test_archive_through_the_page_hides_the_entry(login_as, make):
    admin = login_as("admin")
    prosecutor = login_as("prosecutor")
    entry_id = make.entry(family_name="Zerhouni")
    response = admin.post(f"/contact-points/{entry_id}/archive",
                          data={"csrf_token": page_token(admin), "version": "1"})
    assert response.status_code == 302
    assert "The entry is archived." in admin.get(response.headers["Location"]).get_data(
        as_text=True)
    assert prosecutor.get(f"/contact-points/{entry_id}").status_code == 404
    assert f"/contact-points/{entry_id}" not in prosecutor.get("/?q=Zerhouni").get_data(
        as_text=True)
    # Those who may restore it still see it, marked archived.
    page = admin.get(f"/contact-points/{entry_id}").get_data(as_text=True)
    assert "Archived" in page


def test_a_post_without_csrf_token_changes_nothing(login_as, api, make):
    browser = login_as("admin")
    entry_id = make.entry()
    assert browser.post(f"/contact-points/{entry_id}/archive",
                        data={"version": "1"}).status_code == 400
    assert browser.post(f"/contact-points/{entry_id}/edit",
                        data={"family_name": "X", "country": "MA"}).status_code == 400
    entry = api("admin").get(f"/api/v1/contact-points/{entry_id}").json
    assert (entry["status"], entry["version"]) == ("active", 1)


# --- stale ---------------------------------------------------------------------------------

def badge(page: str) -> bool:
    return 'class="badge badge-stale"' in page


def test_stale_badge_on_an_entry_verified_over_a_year_ago(login_as, make):
    browser = login_as("prosecutor")
    old = make.entry(last_verified_on=(TODAY - timedelta(days=400)).isoformat())
    fresh = make.entry(last_verified_on=(TODAY - timedelta(days=30)).isoformat())
    never = make.entry(last_verified_on=None)
    assert badge(browser.get(f"/contact-points/{old}").get_data(as_text=True))
    assert badge(browser.get(f"/contact-points/{never}").get_data(as_text=True))
    assert not badge(browser.get(f"/contact-points/{fresh}").get_data(as_text=True))


def test_verify_through_the_page_removes_the_badge(login_as, make):
    browser = login_as("admin")
    entry_id = make.entry(last_verified_on=(TODAY - timedelta(days=400)).isoformat())
    stale_list = browser.get("/contact-points/stale").get_data(as_text=True)
    assert f"/contact-points/{entry_id}" in stale_list
    response = browser.post(f"/contact-points/{entry_id}/verify",
                            data={"csrf_token": page_token(browser), "version": "1"})
    assert response.status_code == 302
    page = browser.get(f"/contact-points/{entry_id}").get_data(as_text=True)
    assert not badge(page) and "marked verified today" in page
    assert f"/contact-points/{entry_id}" not in browser.get("/contact-points/stale").get_data(
        as_text=True)


def test_stale_list_shows_only_the_secretariats_networks(login_as, make):
    old = (TODAY - timedelta(days=400)).isoformat()
    ours = make.entry(last_verified_on=old)
    theirs = make.entry(last_verified_on=old,
                        memberships=[{"network": "carin", "role": "judicial"}])
    page = login_as("secretariat", networks=("emj",)).get("/contact-points/stale").get_data(
        as_text=True)
    assert f"/contact-points/{ours}" in page and f"/contact-points/{theirs}\"" not in page


@pytest.fixture
def app_with_env(second_app, monkeypatch):
    """A second instance on the same database, configured through COUNTERPART_* variables."""

    def build(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(f"COUNTERPART_{name}", value)
        return second_app()

    return build


def test_stale_after_days_is_configurable(app, make, app_with_env):
    _, email = make.user("prosecutor")
    token = make.token(email)
    entry_id = make.entry(last_verified_on=(TODAY - timedelta(days=45)).isoformat())
    headers = {"Authorization": f"Bearer {token}"}
    default = app.test_client().get(f"/api/v1/contact-points/{entry_id}", headers=headers)
    assert default.json["stale"] is False
    strict = app_with_env(STALE_AFTER_DAYS="30")
    assert strict.config["STALE_AFTER_DAYS"] == 30
    response = strict.test_client().get(f"/api/v1/contact-points/{entry_id}", headers=headers)
    assert response.json["stale"] is True


# --- history -------------------------------------------------------------------------------

def test_the_entry_page_shows_its_history(login_as, api, make):
    admin_api = api("admin")
    entry_id = make.entry(city="Rabat", last_verified_on=(TODAY - timedelta(days=9)).isoformat())
    admin_api.patch(f"/api/v1/contact-points/{entry_id}", json={"city": "Salé", "title": "Juge"})
    admin_api.post(f"/api/v1/contact-points/{entry_id}/verify")
    page = login_as("prosecutor").get(f"/contact-points/{entry_id}").get_data(as_text=True)
    history = page.split('id="history-title"', 1)[1]
    rows = history.split("<tr>")[2:]
    assert len(rows) == 3
    # Plain words, never the codes of the audit trail.
    assert "Marked verified" in rows[0] and "Last verified on" in rows[0]
    assert "Entry changed" in rows[1] and "City · Title or function" in rows[1]
    assert "admin" in rows[1]
    assert "Entry created" in rows[2] and "factory-admin@users.example" in rows[2]
    assert "contact_point." not in history and "last_verified_on" not in history
