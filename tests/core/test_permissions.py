"""SPEC section 2, role by role and action by action, through the API and through the pages.

"secretariat" maintains emj (the network of the entries made here); "other-secretariat"
maintains carin only.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from core_support import page_token

ROLES = {
    "prosecutor": {},
    "reporter": {},
    "secretariat": {"networks": ("emj",)},
    "other-secretariat": {"networks": ("carin",)},
    "admin": {},
}
MAINTAINERS = {"secretariat", "admin"}
LONG_AGO = (date.today() - timedelta(days=800)).isoformat()


def role_of(name: str) -> str:
    return "secretariat" if name.endswith("secretariat") else name


def new_entry_payload(**values):
    payload = {"given_name": "Nadia", "family_name": "Benali", "country": "MA",
               "emails": ["nadia.benali@justice.example"], "languages": ["ar"],
               "specialisms": ["thb"], "memberships": [{"network": "emj", "role": "contact-point"}]}
    payload.update(values)
    return payload


def entry_form(token: str, **values):
    form = {"csrf_token": token, "given_name": "Nadia", "family_name": "Benali", "country": "MA",
            "emails": "nadia.benali@justice.example", "office_phones": "05 37 12 34 56",
            "languages": ["ar"], "specialisms": ["thb"], "status": "active",
            "last_verified_on": date.today().isoformat(), "member-emj": "1",
            "role-emj": "contact-point", "external-emj": "", "organisation_name": "",
            "organisation_kind": ""}
    form.update(values)
    return {key: value for key, value in form.items() if value is not None}


# --- reading: every role -------------------------------------------------------------------

@pytest.mark.parametrize("name", ROLES)
def test_every_role_reads_entries_through_the_api(api, make, name):
    client = api(role_of(name), **ROLES[name])
    entry_id = make.entry(family_name="Zerhouni")
    listing = client.get("/api/v1/contact-points")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json["results"]] == [entry_id]
    one = client.get(f"/api/v1/contact-points/{entry_id}")
    assert one.status_code == 200 and one.json["family_name"] == "Zerhouni"
    card = client.get(f"/api/v1/contact-points/{entry_id}/vcard")
    assert card.status_code == 200 and "FN:Amina Zerhouni" in card.get_data(as_text=True)
    found = client.get("/api/v1/search?q=Zerhouni")
    assert found.status_code == 200
    assert [row["id"] for row in found.json["results"]] == [entry_id]


@pytest.mark.parametrize("name", ROLES)
def test_every_role_reads_entries_through_the_pages(login_as, make, name):
    browser = login_as(role_of(name), **ROLES[name])
    entry_id = make.entry(family_name="Zerhouni")
    search = browser.get("/?q=Zerhouni")
    assert search.status_code == 200 and "Zerhouni" in search.get_data(as_text=True)
    page = browser.get(f"/contact-points/{entry_id}")
    assert page.status_code == 200 and "Amina Zerhouni" in page.get_data(as_text=True)
    card = browser.get(f"/contact-points/{entry_id}/vcard")
    assert card.status_code == 200 and card.mimetype == "text/vcard"


@pytest.mark.parametrize("name", ROLES)
def test_edit_buttons_only_for_those_who_may_edit(login_as, make, name):
    browser = login_as(role_of(name), **ROLES[name])
    entry_id = make.entry()
    page = browser.get(f"/contact-points/{entry_id}").get_data(as_text=True)
    assert (f"/contact-points/{entry_id}/edit" in page) == (name in MAINTAINERS)
    assert (f"/contact-points/{entry_id}/archive" in page) == (name in MAINTAINERS)


# --- maintaining entries through the API ---------------------------------------------------

@pytest.mark.parametrize("name", ROLES)
def test_create_through_the_api(api, make, name):
    client = api(role_of(name), **ROLES[name])
    response = client.post("/api/v1/contact-points", json=new_entry_payload())
    listing = api("admin").get("/api/v1/contact-points").json
    if name in MAINTAINERS:
        assert response.status_code == 201, response.json
        assert listing["total"] == 1
    else:
        assert response.status_code == 403
        assert response.json["error"]["code"] == "forbidden"
        assert listing["total"] == 0


@pytest.mark.parametrize("name", ROLES)
def test_patch_through_the_api(api, make, name):
    client = api(role_of(name), **ROLES[name])
    entry_id = make.entry(city="Rabat")
    response = client.patch(f"/api/v1/contact-points/{entry_id}", json={"city": "Tanger"})
    city = api("admin").get(f"/api/v1/contact-points/{entry_id}").json["city"]
    if name in MAINTAINERS:
        assert response.status_code == 200 and response.json["city"] == "Tanger"
        assert city == "Tanger"
    else:
        assert response.status_code == 403
        assert response.json["error"]["code"] == "forbidden"
        assert city == "Rabat"


@pytest.mark.parametrize("name", ROLES)
def test_archive_through_the_api(api, make, name):
    client = api(role_of(name), **ROLES[name])
    entry_id = make.entry()
    response = client.delete(f"/api/v1/contact-points/{entry_id}")
    status = api("admin").get(f"/api/v1/contact-points/{entry_id}").json["status"]
    if name in MAINTAINERS:
        assert response.status_code == 200 and status == "archived"
    else:
        assert response.status_code == 403 and status == "active"


@pytest.mark.parametrize("name", ROLES)
def test_verify_through_the_api(api, make, name):
    client = api(role_of(name), **ROLES[name])
    entry_id = make.entry(last_verified_on=LONG_AGO)
    response = client.post(f"/api/v1/contact-points/{entry_id}/verify")
    verified = api("admin").get(f"/api/v1/contact-points/{entry_id}").json["last_verified_on"]
    if name in MAINTAINERS:
        assert response.status_code == 200 and verified == date.today().isoformat()
    else:
        assert response.status_code == 403 and verified == LONG_AGO


# --- maintaining entries through the pages -------------------------------------------------

@pytest.mark.parametrize("name", ROLES)
def test_create_through_the_pages(login_as, api, name):
    browser = login_as(role_of(name), **ROLES[name])
    form_page = browser.get("/contact-points/new")
    response = browser.post("/contact-points/new", data=entry_form(page_token(browser)))
    total = api("admin").get("/api/v1/contact-points").json["total"]
    if name == "admin" or name == "secretariat":
        assert form_page.status_code == 200
        assert response.status_code == 302, response.get_data(as_text=True)
        assert total == 1
    elif name == "other-secretariat":
        # The form offers carin only; an emj membership sent anyway is not taken.
        assert form_page.status_code == 200 and 'name="member-emj"' not in form_page.get_data(
            as_text=True)
        assert response.status_code == 422 and total == 0
    else:
        assert form_page.status_code == 403 and response.status_code == 403
        assert total == 0


@pytest.mark.parametrize("name", ROLES)
def test_edit_through_the_pages(login_as, api, make, name):
    browser = login_as(role_of(name), **ROLES[name])
    entry_id = make.entry(city="Rabat")
    form_page = browser.get(f"/contact-points/{entry_id}/edit")
    response = browser.post(f"/contact-points/{entry_id}/edit", data=entry_form(
        page_token(browser), city="Tanger", version="1",
        emails=f"entry{entry_id}@prosecution.example"))
    city = api("admin").get(f"/api/v1/contact-points/{entry_id}").json["city"]
    if name in MAINTAINERS:
        assert form_page.status_code == 200
        assert response.status_code == 302, response.get_data(as_text=True)
        assert city == "Tanger"
    else:
        assert form_page.status_code == 403 and response.status_code == 403
        assert city == "Rabat"


@pytest.mark.parametrize("action", ["archive", "verify"])
@pytest.mark.parametrize("name", ROLES)
def test_archive_and_verify_through_the_pages(login_as, api, make, name, action):
    browser = login_as(role_of(name), **ROLES[name])
    entry_id = make.entry(last_verified_on=LONG_AGO)
    response = browser.post(f"/contact-points/{entry_id}/{action}",
                            data={"csrf_token": page_token(browser), "version": "1"})
    entry = api("admin").get(f"/api/v1/contact-points/{entry_id}").json
    changed = entry["status"] == "archived" if action == "archive" else (
        entry["last_verified_on"] == date.today().isoformat())
    if name in MAINTAINERS:
        assert response.status_code == 302 and changed
    else:
        assert response.status_code == 403 and not changed
        assert "Not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ROLES)
def test_stale_list_only_for_maintainers(login_as, name):
    browser = login_as(role_of(name), **ROLES[name])
    expected = 200 if name in MAINTAINERS | {"other-secretariat"} else 403
    assert browser.get("/contact-points/stale").status_code == expected


# --- a secretariat and the networks it does not maintain -----------------------------------

def test_secretariat_cannot_create_in_another_network(api):
    client = api("secretariat", networks=("emj",))
    for memberships in ([{"network": "carin", "role": "judicial"}],
                        [{"network": "emj", "role": "contact-point"},
                         {"network": "carin", "role": "judicial"}]):
        response = client.post("/api/v1/contact-points",
                               json=new_entry_payload(memberships=memberships))
        assert response.status_code == 403
        assert "carin" in response.json["error"]["message"]
    assert api("admin").get("/api/v1/contact-points").json["total"] == 0


def test_secretariat_must_name_one_of_its_networks(api):
    client = api("secretariat", networks=("emj",))
    response = client.post("/api/v1/contact-points", json=new_entry_payload(memberships=[]))
    assert response.status_code == 422
    assert "memberships" in response.json["error"]["fields"]


def test_secretariat_cannot_touch_entries_of_other_networks_only(api, make):
    client = api("secretariat", networks=("emj",))
    entry_id = make.entry(memberships=[{"network": "carin", "role": "judicial"}],
                          last_verified_on=LONG_AGO)
    assert client.patch(f"/api/v1/contact-points/{entry_id}",
                        json={"city": "Oujda"}).status_code == 403
    assert client.delete(f"/api/v1/contact-points/{entry_id}").status_code == 403
    assert client.post(f"/api/v1/contact-points/{entry_id}/verify").status_code == 403
    entry = api("admin").get(f"/api/v1/contact-points/{entry_id}").json
    assert (entry["city"], entry["status"], entry["last_verified_on"]) == (
        None, "active", LONG_AGO)


def test_secretariat_edits_a_shared_entry_but_not_the_other_networks_membership(api, make):
    client = api("secretariat", networks=("emj",))
    both = [{"network": "emj", "role": "contact-point", "external_id": "E-1"},
            {"network": "carin", "role": "judicial", "external_id": "C-1"}]
    entry_id = make.entry(memberships=both)
    url = f"/api/v1/contact-points/{entry_id}"

    # Its details are shared with CARIN: EMJ proposes, CARIN decides (tests/proposals).
    assert client.patch(url, json={"city": "Fès"}).status_code == 202
    changed_own = [dict(both[0], role="anti-trafficking-subgroup"), both[1]]
    assert client.patch(url, json={"memberships": changed_own}).status_code == 200

    for memberships in (
        [changed_own[0]],  # drops carin
        [changed_own[0], dict(both[1], role="law-enforcement")],  # changes carin's role
        [changed_own[0], dict(both[1], external_id="C-2")],  # changes carin's id
        changed_own + [{"network": "eurojust", "role": "contact-point"}],  # adds eurojust
    ):
        response = client.patch(url, json={"memberships": memberships})
        assert response.status_code == 403, memberships
    entry = api("admin").get(url).json
    assert entry["memberships"] == [
        {"network": "emj", "role": "anti-trafficking-subgroup", "external_id": "E-1"},
        {"network": "carin", "role": "judicial", "external_id": "C-1"}]
    assert entry["city"] is None


def test_secretariat_cannot_bring_another_network_to_an_existing_person(
        api, make):
    """Bringing a new network to an existing person is allowed only for one's own networks."""
    client = api("secretariat", networks=("emj",))
    entry_id = make.entry(emails=["shared@justice.example"],
                          memberships=[{"network": "carin", "role": "judicial"}])
    response = client.post("/api/v1/contact-points", json=new_entry_payload(
        emails=["shared@justice.example"],
        memberships=[{"network": "eurojust", "role": "contact-point"}]))
    assert response.status_code == 403
    assert [m["network"] for m in api("admin").get(
        f"/api/v1/contact-points/{entry_id}").json["memberships"]] == ["carin"]


def test_secretariat_page_keeps_other_networks_locked(login_as, api, make):
    browser = login_as("secretariat", networks=("emj",))
    both = [{"network": "emj", "role": "contact-point"}, {"network": "carin", "role": "judicial"}]
    email = "nadia.benali@justice.example"
    entry_id = make.entry(memberships=both, city="Rabat", given_name="Nadia",
                          family_name="Benali", languages=["ar"], emails=[email])
    page = browser.get(f"/contact-points/{entry_id}/edit").get_data(as_text=True)
    assert 'id="member-carin" name="member-carin" value="1" checked disabled' in page

    # The page's own form, carin carried by its hidden fields: its own role is saved.
    saved = browser.post(f"/contact-points/{entry_id}/edit", data=entry_form(
        page_token(browser), version="1", city="Rabat", emails=email,
        **{"role-emj": "anti-trafficking-subgroup", "member-carin": "1",
           "role-carin": "judicial"}))
    assert saved.status_code == 302
    # A forged form that leaves carin out: refused, nothing changed.
    forged = browser.post(f"/contact-points/{entry_id}/edit", data=entry_form(
        page_token(browser), version="2", city="Rabat", emails=email))
    assert forged.status_code == 403
    entry = api("admin").get(f"/api/v1/contact-points/{entry_id}").json
    assert entry["memberships"][0]["role"] == "anti-trafficking-subgroup"
    assert [m["network"] for m in entry["memberships"]] == ["emj", "carin"]


# --- user administration: admins only ------------------------------------------------------

@pytest.mark.parametrize("name", ROLES)
def test_user_administration_is_for_admins_only(login_as, make, name):
    browser = login_as(role_of(name), **ROLES[name])
    other_id, other_email = make.user("prosecutor")
    token = page_token(browser)
    pages = [browser.get("/admin/users"), browser.get("/admin/users/new"),
             browser.get(f"/admin/users/{other_id}")]
    created = browser.post("/admin/users/new", data={
        "csrf_token": token, "email": "new.user@users.example", "role": "admin",
        "country": "", "password": "a long enough password"})
    if name == "admin":
        assert [page.status_code for page in pages] == [200, 200, 200]
        assert other_email in pages[0].get_data(as_text=True)
        assert created.status_code == 200
        assert "new.user@users.example" in browser.get("/admin/users").get_data(as_text=True)
    else:
        assert [page.status_code for page in pages] == [403, 403, 403]
        assert other_email not in pages[0].get_data(as_text=True)
        assert created.status_code == 403
        # The would-be admin cannot sign in: the account was never made.
        from core_support import sign_in

        stranger = browser.application.test_client()
        assert sign_in(stranger, "new.user@users.example",
                       "a long enough password").status_code == 200


@pytest.mark.parametrize("name", [n for n in ROLES if n != "admin"])
def test_only_admins_see_the_users_menu(login_as, name):
    browser = login_as(role_of(name), **ROLES[name])
    assert "/admin/users" not in browser.get("/").get_data(as_text=True)


def test_admins_see_the_users_menu(login_as):
    assert "/admin/users" in login_as("admin").get("/").get_data(as_text=True)
