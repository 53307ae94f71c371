"""Hostile input gets a clear 400 or 404, never a 500: huge ids and page numbers, digits that
are not ASCII, JSON nested thousands deep, NUL characters, and query arguments that would
steer `url_for` (`_external`, `_anchor`) or collide with a link's own arguments."""

from __future__ import annotations

import re

import pytest
from support import csrf_token

HUGE = "99999999999999999999999"
PAST_INTEGER = str(2**31)  # one past what an INTEGER column holds on PostgreSQL

ID_PAGES = [
    "/contact-points/{id}", "/contact-points/{id}/edit", "/contact-points/{id}/vcard",
    "/contact-points/{id}/log-contact", "/imports/{id}", "/imports/{id}/errors.csv",
    "/imports/{id}/changes.csv", "/admin/users/{id}",
]
ID_API = [
    "/api/v1/contact-points/{id}", "/api/v1/contact-points/{id}/vcard",
    "/api/v1/contact-events/{id}",
]
ID_POSTS = [
    "/contact-points/{id}/archive", "/contact-points/{id}/verify",
    "/my-contacts/{id}/established", "/my-contacts/{id}/void", "/imports/{id}/confirm",
    "/imports/{id}/cancel",
]
ID_API_WRITES = [
    ("patch", "/api/v1/contact-points/{id}"), ("delete", "/api/v1/contact-points/{id}"),
    ("post", "/api/v1/contact-points/{id}/verify"), ("post", "/api/v1/contact-events/{id}/void"),
    ("post", "/api/v1/contact-events/{id}/established"),
]


@pytest.mark.parametrize("number", [HUGE, PAST_INTEGER])
def test_an_id_too_large_for_the_database_is_not_found_on_every_page(login_as, number):
    admin = login_as("admin")
    for path in ID_PAGES:
        response = admin.get(path.format(id=number))
        assert response.status_code == 404, path
        assert "Something went wrong" not in response.get_data(as_text=True)
    token = csrf_token(admin, "/")
    for path in ID_POSTS:
        response = admin.post(path.format(id=number), data={"csrf_token": token})
        assert response.status_code == 404, path


@pytest.mark.parametrize("number", [HUGE, PAST_INTEGER])
def test_an_id_too_large_for_the_database_is_a_json_404_in_the_api(api, number):
    admin = api("admin")
    for path in ID_API:
        response = admin.get(path.format(id=number))
        assert response.status_code == 404, path
        assert response.json["error"]["code"] == "not_found"
    for method, path in ID_API_WRITES:
        response = getattr(admin, method)(path.format(id=number), json={"reason": "test"})
        assert response.status_code == 404, (method, path)
        assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("page", [HUGE, PAST_INTEGER, "²", "١٢", "-1", "0", "1.5", "x"])
def test_a_page_number_that_is_no_page_is_a_400_naming_it(api, make, page):
    make.entry()
    admin = api("admin")
    for path in ("/api/v1/contact-points", "/api/v1/search", "/api/v1/contact-events"):
        response = admin.get(path, query_string={"page": page})
        assert response.status_code == 400, (path, response.json)
        assert response.json["error"]["fields"] == {"page": response.json["error"]["fields"]
                                                    ["page"]}
        assert "page" in response.json["error"]["message"]
    response = admin.get("/api/v1/contact-points", query_string={"per_page": page})
    assert response.status_code == 400
    assert "per_page" in response.json["error"]["fields"]


def test_the_largest_page_number_answers_an_empty_page(api, make):
    make.entry()
    response = api("admin").get("/api/v1/contact-points", query_string={"page": 2**31 - 1})
    assert response.status_code == 200
    assert response.json["results"] == [] and response.json["total"] == 1


@pytest.mark.parametrize("page", [HUGE, "²", "x"])
def test_a_page_number_that_is_no_page_never_breaks_a_page(login_as, make, page):
    make.entry()
    admin = login_as("admin")
    search = admin.get("/", query_string={"q": "Amina", "page": page})
    assert search.status_code == 400
    assert "page" in search.get_data(as_text=True)
    # My contacts and an import's report show their first page.
    assert admin.get("/my-contacts", query_string={"page": page}).status_code == 200


@pytest.mark.parametrize("version", ["²", HUGE, "x"])
def test_a_version_that_is_no_number_is_never_a_500(api, make, version):
    entry = make.entry()
    admin = api("admin")
    response = admin.patch(f"/api/v1/contact-points/{entry}", json={"city": "Rabat"},
                           headers={"If-Match": version})
    assert response.status_code == 200  # an If-Match that is no version is ignored
    response = admin.post(f"/api/v1/contact-points/{entry}/verify",
                          query_string={"version": version})
    assert response.status_code == 200


def test_a_version_field_that_is_no_number_on_the_edit_form_is_never_a_500(login_as, make):
    entry = make.entry()
    admin = login_as("admin")
    token = csrf_token(admin, f"/contact-points/{entry}")
    response = admin.post(f"/contact-points/{entry}/verify",
                          data={"csrf_token": token, "version": "²"})
    assert response.status_code == 302


@pytest.mark.parametrize("value", [int(HUGE), HUGE, 2**31, "²", 10**30])
def test_an_entry_id_too_large_in_a_json_body_names_the_field(api, make, value):
    make.entry()
    response = api("admin").post("/api/v1/contact-events", json={
        "contact_point_id": value, "matter": "thb", "channel": "email",
        "purpose": "pre-mla-advice"})
    assert response.status_code == 422
    assert "contact_point_id" in response.json["error"]["fields"]


def test_an_organisation_id_too_large_names_the_field(api):
    response = api("admin").post("/api/v1/contact-points", json={
        "given_name": "Amina", "family_name": "Haddad", "country": "MA",
        "organisation": {"id": int(HUGE)},
        "memberships": [{"network": "emj", "role": "contact-point"}]})
    assert response.status_code == 422
    assert "organisation" in response.json["error"]["fields"]


@pytest.mark.parametrize("depth", [40, 100_000])
def test_json_nested_deep_is_refused_as_malformed(api, make, depth):
    entry = make.entry()
    admin = api("admin")
    body = "[" * depth + "]" * depth
    nested_value = '{"city": ' + body + "}"
    for method, path, data in [
        ("post", "/api/v1/contact-points", body),
        ("patch", f"/api/v1/contact-points/{entry}", nested_value),
        ("post", "/api/v1/contact-events", body),
        ("post", f"/api/v1/contact-events/{entry}/void", nested_value),
    ]:
        response = getattr(admin, method)(path, data=data,
                                          headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (path, response.json)
        assert response.json["error"]["message"] == "The request body must be valid JSON."


def test_a_nul_character_is_refused_everywhere_with_the_field_named(api, login_as, make):
    entry = make.entry()
    admin = api("admin")
    response = admin.patch(f"/api/v1/contact-points/{entry}", json={"city": "Ra\x00bat"})
    assert response.status_code == 422
    assert "U+0000" in response.json["error"]["fields"]["city"]
    response = admin.post("/api/v1/contact-events", json={"contact_point_id": entry,
                                                         "note": ["ok", {"deep": "a\x00"}]})
    assert response.status_code == 422 and "note" in response.json["error"]["fields"]
    assert admin.get(f"/api/v1/contact-points/{entry}").json["city"] != "Ra\x00bat"
    for path, argument in [("/api/v1/search", "q"), ("/api/v1/search", "country"),
                           ("/api/v1/contact-points", "country")]:
        response = admin.get(path, query_string={argument: "M\x00A"})
        assert response.status_code == 400
        assert response.json["error"]["fields"] == {argument: "Not valid."}
    browser = login_as("admin")
    assert browser.get("/", query_string={"q": "a\x00b"}).status_code == 400
    token = csrf_token(browser, f"/contact-points/{entry}/edit")
    response = browser.post(f"/contact-points/{entry}/edit",
                            data={"csrf_token": token, "given_name": "Am\x00ina"})
    assert response.status_code == 400
    assert "given_name contains a NUL character" in response.get_data(as_text=True)


def _links(page: str) -> list[str]:
    """Where the page's links and forms lead (exports are forms: a POST with its CSRF token)."""
    return re.findall(r'(?:href|action)="([^"]+)"', page)


@pytest.mark.parametrize("argument", ["_anchor", "_external", "_scheme", "_method", "endpoint",
                                      "format", "search"])
def test_query_arguments_never_steer_the_links_of_a_page(login_as, make, argument):
    for number in range(25):  # more than one page of results: the page has paging links
        make.entry(family_name=f"Haddad{number}")
    admin = login_as("admin")
    response = admin.get("/", query_string={"q": "Amina", argument: "https"})
    assert response.status_code == 200
    links = _links(response.get_data(as_text=True))
    paging = [link for link in links if "page=2" in link]
    exports = [link for link in links if "/exports" in link]
    assert paging and len(exports) == 3
    assert all(link.startswith("/") and "#" not in link for link in paging + exports)
    assert {re.search(r"format=(\w+)", link).group(1) for link in exports} == {
        "csv", "xlsx", "vcard"}
    # The next page still carries the search and its own arguments.
    assert admin.get(paging[0].replace("&amp;", "&")).status_code == 200


def test_after_sign_in_a_backslash_path_never_leaves_the_site(client, make):
    _, email = make.user("prosecutor")
    token = csrf_token(client, "/login")
    response = client.post("/login?next=/%5Cevil.example", data={
        "email": email, "password": "correct horse battery staple", "csrf_token": token})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
