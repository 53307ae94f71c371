"""Password rules, one-time passwords that must be changed, changes that end sessions and
revoke tokens, passwords never in a flash message, and the one safe redirect."""

from __future__ import annotations

import re

import pytest
from core_support import PASSWORD, page_token, sign_in
from support import bearer

NEW_PASSWORD = "another long passphrase"


def change(browser, current, new):
    return browser.post("/account", data={
        "password-csrf_token": page_token(browser, "/account"),
        "password-current_password": current, "password-new_password": new})


@pytest.mark.parametrize(("password", "message"), [
    ("short words", "at least 12 characters"),
    ("password1234", "one of the most common passwords"),
    ("Password2024!", "one of the most common passwords"),
    ("qwertyqwerty", "one of the most common passwords"),
    ("123456789012", "one of the most common passwords"),
    ("iloveyou iloveyou", "one of the most common passwords"),
    ("{local}-is-my-password", "Do not use your e-mail address"),
])
def test_weak_passwords_are_refused_on_my_account(app, login_as, password, message):
    browser = login_as("prosecutor")
    response = change(browser, PASSWORD, password.format(local=browser.email.split("@")[0]))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert sign_in(app.test_client(), browser.email).status_code == 302  # unchanged


def test_weak_passwords_are_refused_on_the_command_line(runner):
    result = runner.invoke(args=["create-user", "weak@users.example", "--role", "prosecutor",
                                 "--password-stdin"], input="qwerty123456\n")
    assert result.exit_code == 1
    assert "password: This is one of the most common passwords" in result.output


def test_the_command_lines_one_time_password_must_be_changed(app, runner, make):
    entry = make.entry()
    result = runner.invoke(args=["create-user", "first@users.example", "--role", "prosecutor"])
    password = re.search(r"One-time password: (\S+)", result.output).group(1)
    browser = app.test_client()
    assert sign_in(browser, "first@users.example", password).status_code == 302
    for path in ("/", f"/contact-points/{entry}", "/my-contacts"):
        response = browser.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = browser.get("/account").get_data(as_text=True)
    assert "Choose your own before you continue" in page
    api = browser.get(f"/api/v1/contact-points/{entry}")
    assert api.status_code == 403
    same = change(browser, password, password)
    assert "different from the current one" in same.get_data(as_text=True)
    assert change(browser, password, NEW_PASSWORD).status_code == 302
    assert browser.get(f"/contact-points/{entry}").status_code == 200


def test_a_password_change_revokes_every_token(app, login_as, make):
    browser = login_as("prosecutor")
    token = make.token(browser.email)
    client = app.test_client()
    assert client.get("/api/v1/contact-points", headers=bearer(token)).status_code == 200
    response = change(browser, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "API tokens are revoked" in browser.get("/account").get_data(as_text=True)
    assert client.get("/api/v1/contact-points", headers=bearer(token)).status_code == 401


EVIL = ["/\t/evil.example", "//evil.example/x", "/\\evil.example", "https://evil.example/",
        "/\n/evil.example", " //evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", EVIL)
def test_verify_never_redirects_to_another_site(login_as, make, target):
    entry = make.entry()
    browser = login_as("admin")
    response = browser.post(f"/contact-points/{entry}/verify", data={
        "csrf_token": page_token(browser, f"/contact-points/{entry}"), "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/contact-points/{entry}"


@pytest.mark.parametrize("target", EVIL)
def test_the_language_switch_never_redirects_to_another_site(client, target):
    response = client.post("/language", data={"csrf_token": page_token(client, "/login"),
                                              "code": "fr", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_never_redirects_to_another_site(client, make, target):
    _, email = make.user("prosecutor")
    token = page_token(client, "/login")
    response = client.post("/login", query_string={"next": target},
                           data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_same_site_targets_are_kept(client, login_as, make):
    entry = make.entry()
    browser = login_as("admin")
    response = browser.post(f"/contact-points/{entry}/verify", data={
        "csrf_token": page_token(browser), "next": "/contact-points/stale?page=2"})
    assert response.headers["Location"] == "/contact-points/stale?page=2"
