"""Passwords by mail (SPEC section 13): "Forgot your password?" and invitations. Mails go
through the real outbox and are read back from their .eml files (or from an SMTP server the
test starts); links are followed as a person would."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from core_support import PASSWORD, page_token, sign_in
from support import bearer

from directory.models import utcnow
from directory.services import password_links, throttling

NEW = "a passphrase of my very own"
LINK = re.compile(r"https?://[^\s\"<>]+/(?:password/reset|invitation)/[A-Za-z0-9._-]+")


def mails(app) -> list:
    """Every message written to the outbox folder, oldest first."""
    folder = Path(app.instance_path) / "outbox"
    files = sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message) -> str:
    """The link's path (the test client speaks to the app, not to BASE_URL's host)."""
    url = LINK.search(text_of(message)).group(0)
    return "/" + url.split("/", 3)[3]


def ask_reset(client, email: str):
    token = page_token(client, "/password/forgot")
    response = client.post("/password/forgot", data={"csrf_token": token, "email": email})
    response.close()  # the link is mailed once the response is done with
    return response


def choose(client, path: str, password: str = NEW, confirmation: str | None = None):
    return client.post(path, data={"csrf_token": page_token(client, path), "password": password,
                                   "confirmation": password if confirmation is None
                                   else confirmation})


def answer_of(response) -> str:
    """The page without its CSRF tokens (which differ per session)."""
    return re.sub(r'(name="csrf_token"|name="csrf-token")[^>]*', "",
                  response.get_data(as_text=True))


def test_the_sign_in_page_offers_a_reset(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page


def test_a_reset_link_works_once_and_ends_sessions_and_tokens(app, make, client):
    _, email = make.user("prosecutor", email="known@users.example")
    token = make.token(email)
    signed_in = app.test_client()
    assert sign_in(signed_in, email).status_code == 302
    known = ask_reset(app.test_client(), email)
    unknown = ask_reset(app.test_client(), "nobody@users.example")
    assert known.status_code == unknown.status_code == 200
    assert answer_of(known) == answer_of(unknown)
    assert "If an account uses this address" in known.get_data(as_text=True)
    [message] = mails(app)
    assert message["To"] == email and "new password" in message["Subject"]
    assert "30 minutes" in text_of(message)
    assert message.get_body(preferencelist=("html",)) is not None
    path = link_in(message)
    assert path.startswith("/password/reset/")
    form = client.get(path)
    assert form.status_code == 200 and 'id="password"' in form.get_data(as_text=True)
    weak = choose(client, path, "password1234")
    assert weak.status_code == 422 and "most common passwords" in weak.get_data(as_text=True)
    different = choose(client, path, NEW, "another passphrase entirely")
    assert different.status_code == 422
    assert "The two passwords are not the same." in different.get_data(as_text=True)
    done = choose(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    # Single use.
    again = client.get(path)
    assert again.status_code == 410 and "expired or was used" in again.get_data(as_text=True)
    assert choose(client, path, "yet another long passphrase").status_code == 410
    # Every session ended, every token revoked; the new password works, the old does not.
    assert signed_in.get("/").status_code == 302
    assert client.get("/api/v1/contact-points", headers=bearer(token)).status_code == 401
    assert sign_in(app.test_client(), email, PASSWORD).status_code == 200
    assert sign_in(app.test_client(), email, NEW).status_code == 302


def test_a_reset_link_expires_after_30_minutes(app, make, client, monkeypatch):
    _, email = make.user("prosecutor")
    moment = [password_links.now()]
    monkeypatch.setattr(password_links, "now", lambda: moment[0])
    ask_reset(app.test_client(), email)
    path = link_in(mails(app)[0])
    moment[0] += 29 * 60
    assert client.get(path).status_code == 200
    moment[0] += 2 * 60
    assert client.get(path).status_code == 410
    assert choose(client, path).status_code == 410
    assert sign_in(app.test_client(), email, PASSWORD).status_code == 302
    # A forged or damaged link is refused the same way.
    assert client.get(path[:-3] + "xyz").status_code == 410


def test_a_reset_lifts_a_sign_in_hold(app, make, client, monkeypatch):
    _, email = make.user("prosecutor")
    moment = [utcnow()]
    monkeypatch.setattr(throttling, "now", lambda: moment[0])
    for _ in range(app.config["LOGIN_HOLD_AFTER"]):
        moment[0] += timedelta(minutes=16)
        sign_in(app.test_client(), email, "wrong password entirely", "198.51.100.1")
    held = sign_in(app.test_client(), email, PASSWORD)
    assert held.status_code == 429 and "This account is held" in held.get_data(as_text=True)
    ask_reset(app.test_client(), email)
    assert choose(client, link_in(mails(app)[0])).status_code == 302
    assert sign_in(app.test_client(), email, NEW).status_code == 302


def test_a_colleague_cannot_flood_a_mailbox_with_reset_links(app, make):
    _, email = make.user("prosecutor")
    for _ in range(5):
        assert ask_reset(app.test_client(), email).status_code == 200
    assert len(mails(app)) == password_links.RESETS_PER_HOUR


def test_reset_mails_speak_the_recipient_language(app, make):
    _, french = make.user("prosecutor", locale="fr")
    _, arabic = make.user("prosecutor", locale="ar")
    ask_reset(app.test_client(), french)
    ask_reset(app.test_client(), arabic)
    by_recipient = {message["To"]: message for message in mails(app)}
    assert "mot de passe" in by_recipient[french]["Subject"]
    assert by_recipient[french]["Content-Language"] == "fr"
    html = by_recipient[arabic].get_body(preferencelist=("html",)).get_content()
    assert 'dir="rtl"' in html and by_recipient[arabic]["Content-Language"] == "ar"
    assert re.search(r"[\u0600-\u06ff]", by_recipient[arabic]["Subject"])


def test_an_admin_created_user_is_invited_to_choose_their_password(app, login_as, client):
    admin = login_as("admin")
    response = admin.post("/admin/users/new", data={
        "csrf_token": page_token(admin, "/admin/users/new"), "email": "newcomer@users.example",
        "name": "Nadia Newcomer", "role": "prosecutor", "country": "TN"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "An invitation is on its way" in page
    assert "<code" not in page  # no password shown to the admin
    [message] = [m for m in mails(app) if m["To"] == "newcomer@users.example"]
    assert "Nadia Newcomer" in text_of(message) and "7 days" in text_of(message)
    path = link_in(message)
    assert path.startswith("/invitation/")
    # Nobody can sign in before the invitation is accepted.
    assert sign_in(app.test_client(), "newcomer@users.example", "").status_code == 200
    welcome = client.get(path)
    assert welcome.status_code == 200 and "Welcome to Counterpart" in welcome.get_data(
        as_text=True)
    assert choose(client, path).status_code == 302
    assert client.get(path).status_code == 410
    newcomer = app.test_client()
    assert sign_in(newcomer, "newcomer@users.example", NEW).status_code == 302
    assert newcomer.get("/").status_code == 200  # no password to change first


def test_an_invitation_expires_and_an_admin_sends_another(app, login_as, make, client,
                                                         monkeypatch):
    user_id, email = make.user("prosecutor")
    admin = login_as("admin")
    moment = [password_links.now()]
    monkeypatch.setattr(password_links, "now", lambda: moment[0])
    path = f"/admin/users/{user_id}"
    sent = admin.post(f"{path}/invite", data={"csrf_token": page_token(admin, path)})
    assert sent.status_code == 302
    first = link_in(mails(app)[-1])
    moment[0] += 8 * 86400
    assert client.get(first).status_code == 410
    admin.post(f"{path}/invite", data={"csrf_token": page_token(admin, path)})
    second = link_in(mails(app)[-1])
    assert choose(client, second).status_code == 302
    assert sign_in(app.test_client(), email, NEW).status_code == 302


@pytest.fixture
def smtp_app(app, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    return app


def test_a_reset_link_through_an_smtp_server(smtp_app, smtp_server, make, client):
    _, email = make.user("prosecutor")
    ask_reset(smtp_app.test_client(), email)
    [message] = smtp_server.messages
    assert message["To"] == email
    assert choose(client, link_in(message)).status_code == 302
    assert sign_in(smtp_app.test_client(), email, NEW).status_code == 302
