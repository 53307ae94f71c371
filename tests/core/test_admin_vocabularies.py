"""Admins add networks (with roles) and specialisms; nobody else may."""

from core_support import page_token as csrf_token


def test_admin_adds_a_network_that_entries_can_then_join(client, auth, make, api):
    make.user("admin", email="boss@users.example")
    auth.login("boss@users.example")
    response = client.post("/admin/networks", data={
        "csrf_token": csrf_token(client, "/admin/networks"), "slug": "ejn",
        "name": "European Judicial Network", "name_fr": "Réseau judiciaire européen",
        "name_ar": "", "description": "", "roles": "contact-point, tool-correspondent"})
    assert response.status_code == 302
    page = client.get("/admin/networks").get_data(as_text=True)
    assert "European Judicial Network" in page and "ejn" in page
    created = api("admin").post("/api/v1/contact-points", json={
        "family_name": "Borg", "country": "MT", "emails": ["borg@justice.example"],
        "memberships": [{"network": "ejn", "role": "tool-correspondent"}]})
    assert created.status_code == 201, created.json
    assert created.json["memberships"] == [
        {"network": "ejn", "role": "tool-correspondent", "external_id": None}]


def test_network_form_names_bad_fields_and_writes_nothing(client, auth, make):
    make.user("admin", email="boss@users.example")
    auth.login("boss@users.example")
    response = client.post("/admin/networks", data={
        "csrf_token": csrf_token(client, "/admin/networks"), "slug": "Not A Slug!",
        "name": "", "roles": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    assert "Use lower-case letters" in page and "at least one role" in page
    networks_page = client.get("/admin/networks").get_data(as_text=True)
    assert "Not A Slug" not in networks_page.split("<form")[0]


def test_admin_relabels_a_specialism(client, auth, make):
    make.user("admin", email="boss@users.example")
    auth.login("boss@users.example")
    response = client.post("/admin/specialisms/thb", data={
        "csrf_token": csrf_token(client, "/admin/specialisms/thb"),
        "label_en": "Human trafficking", "label_fr": "Traite des personnes",
        "label_ar": "الاتجار بالبشر"})
    assert response.status_code == 302
    assert "Traite des personnes" in client.get("/admin/specialisms").get_data(as_text=True)


def test_only_admins_reach_vocabularies(client, auth, make):
    for role in ("prosecutor", "secretariat", "reporter"):
        _, email = make.user(role)
        auth.login(email)
        assert client.get("/admin/networks").status_code == 403
        assert client.get("/admin/specialisms").status_code == 403
        auth.logout()
