"""Signing in and out: CSRF, no remember-me, session lifetime, ending sessions, throttling."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from core_support import PASSWORD, page_token, session_cookie, sign_in
from sqlalchemy import select

from directory.extensions import db
from directory.models import AuditEntry, User
from directory.web import security

NEW_PASSWORD = "another long passphrase"


def signed_in(browser) -> bool:
    """Whether this browser's session opens a page that needs signing in."""
    response = browser.get("/account")
    return response.status_code == 200 and "My account" in response.get_data(as_text=True)


def copy_session(app, browser):
    """A second browser holding the same session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(browser))
    return thief


def audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(entry.action, entry.actor) for entry in db.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]


# --- the login page ------------------------------------------------------------------------

def test_sign_in_and_reach_the_page_asked_for(client, make):
    _, email = make.user("prosecutor")
    first = client.get("/contact-points/stale")
    assert first.status_code == 302 and "/login?next=" in first.headers["Location"]
    token = page_token(client, "/login")
    response = client.post("/login?next=/account", data={
        "email": email.upper(), "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert signed_in(client)


# Redirects after signing in: tests/core/test_passwords.py


@pytest.mark.parametrize(("email", "password"), [
    ("known", "wrong password entirely"), ("nobody@users.example", PASSWORD), ("known", "")])
def test_a_wrong_password_says_so_and_signs_nobody_in(client, make, email, password):
    _, known = make.user("prosecutor")
    response = sign_in(client, known if email == "known" else email, password)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if password:
        assert "The e-mail or the password is not right." in text
    assert 'class="error-summary"' in text
    assert session_cookie(client) is None or not signed_in(client)


def test_a_deactivated_user_cannot_sign_in(app, client, make):
    user_id, email = make.user("prosecutor")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    response = sign_in(client, email)
    assert response.status_code == 200
    assert "The e-mail or the password is not right." in response.get_data(as_text=True)
    assert not signed_in(client)


def test_login_without_csrf_token_is_a_400_and_opens_no_session(client, make):
    _, email = make.user("prosecutor")
    client.get("/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert not signed_in(client)
    forged = client.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf_token": "forged"})
    assert forged.status_code == 400 and not signed_in(client)


def test_there_is_no_remember_me(client, make):
    _, email = make.user("prosecutor")
    page = client.get("/login").get_data(as_text=True)
    assert "remember" not in page.lower()
    token = page_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token, "remember": "y"})
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "remember_token" not in cookies
    assert client.get_cookie("remember_token") is None
    session = client.get_cookie("session")
    assert session.http_only and session.same_site == "Lax"


def test_login_is_audited(client, app, make):
    _, email = make.user("prosecutor")
    sign_in(client, email, "wrong password entirely")
    sign_in(client, "nobody@users.example", "wrong password entirely")
    sign_in(client, email)
    actions = audit_actions(app)
    assert ("login.failed", email) in actions
    # What was typed for an account that does not exist is personal data: only a hash of it.
    unknown = [actor for action, actor in actions if actor.startswith("unknown:")]
    assert unknown and "nobody" not in str(actions)
    assert actions[-1] == ("login.succeeded", email)
    with app.app_context():
        succeeded = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "login.succeeded")).one()
        assert succeeded.user_id is not None and succeeded.address == "127.0.0.1"


# --- the session lifetime ------------------------------------------------------------------

def test_a_session_ends_after_its_lifetime(app, login_as, monkeypatch):
    browser = login_as("prosecutor")
    assert signed_in(browser)
    lifetime = app.config["SESSION_MINUTES"] * 60
    clock = SimpleNamespace(time=time.time)
    monkeypatch.setattr(security, "time", clock)
    for minutes in range(20, lifetime // 60, 20):  # busy all day: never idle for long
        clock.time = lambda minutes=minutes: time.time() + minutes * 60
        assert signed_in(browser)  # activity does not extend it...
    clock.time = lambda: time.time() + lifetime + 30
    response = browser.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    clock.time = time.time  # ...and going back in time does not revive it
    assert not signed_in(browser)


def test_a_session_ends_when_idle(app, login_as, monkeypatch):
    browser = login_as("prosecutor")
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    assert idle == 30 * 60
    clock = SimpleNamespace(time=lambda: time.time() + idle - 60)
    monkeypatch.setattr(security, "time", clock)
    assert signed_in(browser)  # a request just before the idle time keeps it...
    clock.time = lambda: time.time() + 2 * idle - 120
    assert signed_in(browser)
    clock.time = lambda: time.time() + 3 * idle
    response = browser.get("/account")  # ...thirty minutes without any does not
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    clock.time = time.time
    assert not signed_in(browser)


def test_the_idle_timeout_is_configurable(make, second_app, monkeypatch):
    _, email = make.user("prosecutor")
    short = second_app(SESSION_IDLE_MINUTES=5)
    browser = short.test_client()
    assert sign_in(browser, email).status_code == 302
    monkeypatch.setattr(security, "time", SimpleNamespace(time=lambda: time.time() + 6 * 60))
    assert not signed_in(browser)


def test_the_session_cookie_ends_with_the_browser(client, make):
    _, email = make.user("prosecutor")
    response = sign_in(client, email)
    cookie = [value for value in response.headers.getlist("Set-Cookie")
              if value.startswith("session=")][-1]
    assert "expires=" not in cookie.lower() and "max-age" not in cookie.lower()


def test_a_session_lifetime_is_configurable(make, second_app, monkeypatch):
    _, email = make.user("prosecutor")
    short = second_app(SESSION_MINUTES=5)
    browser = short.test_client()
    assert sign_in(browser, email).status_code == 302
    clock = SimpleNamespace(time=lambda: time.time() + 4 * 60)
    monkeypatch.setattr(security, "time", clock)
    assert signed_in(browser)
    clock.time = lambda: time.time() + 6 * 60
    assert not signed_in(browser)


def test_session_api_calls_end_with_the_session(app, login_as, make, monkeypatch):
    browser = login_as("prosecutor")
    entry_id = make.entry()
    assert browser.get(f"/api/v1/contact-points/{entry_id}").status_code == 200
    lifetime = app.config["SESSION_MINUTES"] * 60
    monkeypatch.setattr(security, "time", SimpleNamespace(time=lambda: time.time() + lifetime + 1))
    response = browser.get(f"/api/v1/contact-points/{entry_id}")
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


# --- ending every session of a user --------------------------------------------------------

def test_logout_ends_the_session_and_a_copied_cookie(app, login_as, make):
    browser = login_as("prosecutor")
    entry_id = make.entry()
    thief = copy_session(app, browser)
    assert signed_in(thief)
    response = browser.post("/logout", data={"csrf_token": page_token(browser)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You are signed out." in browser.get("/login").get_data(as_text=True)
    assert not signed_in(browser)
    replay = thief.get("/account")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]
    api_replay = thief.get(f"/api/v1/contact-points/{entry_id}")
    assert api_replay.status_code == 401
    assert ("logout", browser.email) in audit_actions(app)


def test_logout_needs_a_csrf_token(login_as):
    browser = login_as("prosecutor")
    assert browser.post("/logout").status_code == 400
    assert signed_in(browser)


def test_logout_ends_the_users_other_sessions_too(app, make):
    _, email = make.user("prosecutor")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, email)
    sign_in(phone, email)
    laptop.post("/logout", data={"csrf_token": page_token(laptop)})
    assert not signed_in(phone)


def test_a_password_change_ends_every_other_session(app, login_as):
    browser = login_as("prosecutor")
    thief = copy_session(app, browser)
    token = page_token(browser, "/account")
    response = browser.post("/account", data={
        "password-csrf_token": token, "password-current_password": PASSWORD,
        "password-new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Your password is changed." in browser.get("/account").get_data(as_text=True)
    assert signed_in(browser)  # the session that changed it continues
    assert not signed_in(thief)
    # The new password works, the old one does not.
    assert sign_in(app.test_client(), browser.email, PASSWORD).status_code == 200
    assert sign_in(app.test_client(), browser.email, NEW_PASSWORD).status_code == 302


def test_a_password_change_needs_the_current_password(app, login_as):
    browser = login_as("prosecutor")
    thief = copy_session(app, browser)
    response = browser.post("/account", data={
        "password-csrf_token": page_token(browser, "/account"),
        "password-current_password": "not my password at all",
        "password-new_password": NEW_PASSWORD})
    assert response.status_code == 200
    assert "This is not your current password." in response.get_data(as_text=True)
    assert signed_in(thief)
    too_short = browser.post("/account", data={
        "password-csrf_token": page_token(browser, "/account"),
        "password-current_password": PASSWORD, "password-new_password": "short"})
    assert "at least 12 characters" in too_short.get_data(as_text=True)
    assert sign_in(app.test_client(), browser.email, PASSWORD).status_code == 302


def test_deactivation_by_an_admin_ends_every_session(app, login_as):
    victim = login_as("secretariat", networks=("emj",))
    thief = copy_session(app, victim)
    admin = login_as("admin")
    path = f"/admin/users/{victim.user_id}"
    response = admin.post(path, data={
        "csrf_token": page_token(admin, path), "email": victim.email, "name": "",
        "role": "secretariat", "networks": ["emj"], "country": "FR", "organisation": "",
        "password": ""})  # "active" left unticked
    assert response.status_code == 302, response.get_data(as_text=True)
    for browser in (victim, thief):
        replay = browser.get("/")
        assert replay.status_code == 302 and "/login" in replay.headers["Location"]
    assert sign_in(app.test_client(), victim.email).status_code == 200
    # Reactivated, the user signs in again; the old cookie stays dead.
    admin.post(path, data={
        "csrf_token": page_token(admin, path), "email": victim.email, "name": "",
        "role": "secretariat", "networks": ["emj"], "country": "FR", "organisation": "",
        "password": "", "active": "y"})
    assert sign_in(app.test_client(), victim.email).status_code == 302
    assert not signed_in(thief)


def test_a_new_password_set_by_an_admin_ends_every_session(app, login_as):
    victim = login_as("prosecutor")
    admin = login_as("admin")
    path = f"/admin/users/{victim.user_id}"
    admin.post(path, data={
        "csrf_token": page_token(admin, path), "email": victim.email, "name": "",
        "role": "prosecutor", "country": "FR", "organisation": "", "active": "y",
        "password": NEW_PASSWORD})
    assert not signed_in(victim)
    assert sign_in(app.test_client(), victim.email, NEW_PASSWORD).status_code == 302


# Throttling: tests/core/test_throttling.py


def test_an_expired_session_changes_nothing_on_public_pages(app, login_as, monkeypatch):
    browser = login_as("prosecutor")
    token = page_token(browser, "/account")
    lifetime = app.config["SESSION_MINUTES"] * 60
    monkeypatch.setattr(security, "time", SimpleNamespace(time=lambda: time.time() + lifetime + 1))
    browser.post("/language", data={"csrf_token": token, "code": "fr", "next": "/"})
    with app.app_context():
        assert db.session.get(User, browser.user_id).locale is None


def test_the_account_page_saves_the_profile(app, login_as):
    browser = login_as("prosecutor")
    response = browser.post("/account", data={
        "profile-csrf_token": page_token(browser, "/account"), "profile-name": "Rania",
        "profile-locale": "fr", "profile-languages": ["ar", "fr"]})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, browser.user_id)
        assert (user.name, user.locale, user.languages) == ("Rania", "fr", ["ar", "fr"])
    assert 'lang="fr"' in browser.get("/account").get_data(as_text=True)
