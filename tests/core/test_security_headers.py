"""Strict headers on every response, nothing visible anonymously, CSRF on session API writes."""

from __future__ import annotations

import pytest
from core_support import page_token

# Public by SPEC: signing in, choosing a password through a link sent by mail (section 13),
# and the confirmation pages of a campaign's link (section 2; the token admits);
# tests/freshness/test_confirm.py checks that they show nothing but that one entry.
PUBLIC = {"auth.login", "auth.login_code", "auth.forgot_password", "auth.reset_password",
          "auth.accept_invitation", "static", "language", "confirm.page", "confirm.correct"}
# The directory core's views; other features' pages are only checked for their headers here.
CORE_MODULES = {f"directory.web.{name}.routes" for name in ("auth", "search", "contacts",
                                                             "admin", "api")}


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict(response, authenticated: bool):
    directives = csp_directives(response)
    script = directives.get("script-src", directives.get("default-src"))
    assert script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "'unsafe-inline'" not in directives.get("default-src", [])
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer",
                                                   "strict-origin-when-cross-origin")
    if authenticated:
        assert "no-store" in response.headers["Cache-Control"]


def example_path(app, rule) -> str:
    values = {name: 1 for name in rule.arguments}
    if "filename" in rule.arguments:
        values["filename"] = "css/app.css"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def get_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]


def test_every_get_route_needs_signing_in(app, client):
    checked = 0
    for rule in get_rules(app):
        if rule.endpoint in PUBLIC:
            continue
        path = example_path(app, rule)
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
            assert response.json["error"]["code"] == "unauthorized"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        else:
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/login"), path
        checked += 1
    assert checked >= 15


def test_anonymous_writes_are_refused(app, client, make):
    entry_id = make.entry()
    token = page_token(client, "/login")
    for method, path in [("post", "/contact-points/new"),
                         ("post", f"/contact-points/{entry_id}/edit"),
                         ("post", f"/contact-points/{entry_id}/archive"),
                         ("post", "/admin/users/new"), ("post", "/account")]:
        response = getattr(client, method)(path, data={"csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    for method, path in [("post", "/api/v1/contact-points"),
                         ("patch", f"/api/v1/contact-points/{entry_id}"),
                         ("delete", f"/api/v1/contact-points/{entry_id}"),
                         ("post", f"/api/v1/contact-points/{entry_id}/verify")]:
        response = getattr(client, method)(path, json={"city": "x"},
                                           headers={"X-CSRFToken": token})
        assert response.status_code == 401
    assert client.get("/login").status_code == 200


def test_unknown_paths_are_not_revealed_anonymously(client):
    response = client.get("/no/such/page")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/api/v1/no-such-thing").status_code == 401


def test_the_login_page_and_static_assets_are_public_with_strict_headers(client):
    login = client.get("/login")
    assert login.status_code == 200
    assert_strict(login, authenticated=True)
    with client.get("/static/css/app.css") as css:
        assert css.status_code == 200
        assert_strict(css, authenticated=False)


def test_the_login_page_has_no_inline_script(client):
    page = client.get("/login").get_data(as_text=True)
    for script in page.split("<script")[1:]:
        assert "src=" in script.split(">", 1)[0]
        assert script.split(">", 1)[1].startswith("</script")
    assert " onclick=" not in page and " onload=" not in page


def test_every_signed_in_page_has_strict_headers(app, login_as, make):
    browser = login_as("admin")
    entry_id = make.entry()
    checked = 0
    for rule in get_rules(app):
        if rule.endpoint in PUBLIC:
            continue
        values = {name: entry_id for name in rule.arguments}
        if "user_id" in rule.arguments:
            values["user_id"] = browser.user_id
        with app.test_request_context():
            from flask import url_for

            path = url_for(rule.endpoint, **values)
        with browser.get(path) as response:
            module = app.view_functions[rule.endpoint].__module__
            # An enrolled user asking for the enrolment page is sent to My account.
            if (module in CORE_MODULES and rule.arguments <= {"contact_point_id", "user_id"}
                    and rule.endpoint != "auth.two_factor"):
                assert response.status_code in (200, 400), (path, response.status_code)
            assert_strict(response, authenticated=True)
        checked += 1
    assert checked >= 15


def test_error_pages_have_strict_headers(login_as, api):
    browser = login_as("prosecutor")
    for response in (browser.get("/contact-points/999"), browser.get("/admin/users"),
                     api("prosecutor").get("/api/v1/contact-points/999")):
        assert response.status_code in (403, 404)
        assert_strict(response, authenticated=True)


# --- the session-authenticated API ---------------------------------------------------------

def meta_token(browser) -> str:
    page = browser.get("/").get_data(as_text=True)
    return page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]


def test_session_api_writes_need_the_csrf_header(login_as, api, make):
    browser = login_as("admin")
    entry_id = make.entry()
    path = f"/api/v1/contact-points/{entry_id}"
    refused = browser.patch(path, json={"city": "Oujda"})
    assert refused.status_code == 400
    assert "X-CSRFToken" in refused.json["error"]["message"]
    wrong = browser.patch(path, json={"city": "Oujda"}, headers={"X-CSRFToken": "forged"})
    assert wrong.status_code == 400
    assert browser.post("/api/v1/contact-points", json={"family_name": "X"}).status_code == 400
    assert browser.delete(path).status_code == 400
    assert browser.post(f"{path}/verify").status_code == 400
    entry = api("admin").get(path).json
    assert (entry["city"], entry["status"], entry["version"]) == (None, "active", 1)

    accepted = browser.patch(path, json={"city": "Oujda"},
                             headers={"X-CSRFToken": meta_token(browser)})
    assert accepted.status_code == 200 and accepted.json["city"] == "Oujda"


def test_session_api_reads_need_no_csrf_header(login_as, make):
    browser = login_as("prosecutor")
    entry_id = make.entry()
    assert browser.get(f"/api/v1/contact-points/{entry_id}").status_code == 200


def test_a_csrf_header_does_not_lift_permissions(login_as, make):
    browser = login_as("prosecutor")
    entry_id = make.entry()
    response = browser.patch(f"/api/v1/contact-points/{entry_id}", json={"city": "Oujda"},
                             headers={"X-CSRFToken": meta_token(browser)})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/contact-points", "/api/v1/openapi.json"])
def test_api_answers_are_not_cached(api, path):
    response = api("prosecutor").get(path)
    assert response.status_code == 200
    assert_strict(response, authenticated=True)
