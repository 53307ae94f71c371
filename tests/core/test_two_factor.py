"""The second factor: enrolment with a real authenticator secret, codes that work once, one
step of clock drift, recovery codes, the admin's reset, and tokens that need no code."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pyotp
from core_support import PASSWORD, page_token
from sqlalchemy import select
from support import AUTHENTICATORS, bearer, remember_authenticator, token_in, totp_code

from directory.extensions import db
from directory.models import AuditEntry, RecoveryCode
from directory.services import two_factor


def post_password(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": page_token(client, "/login"), **extra})


def post_code(client, code):
    return client.post("/login/code", data={"code": code,
                                            "csrf_token": page_token(client, "/login/code")})


def enrolled_admin(app, runner, email="chief@users.example"):
    """An admin made on the command line who enrols in the browser; their recovery codes."""
    result = runner.invoke(args=["create-user", email, "--role", "admin", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert post_password(client, email).headers["Location"] == "/"
    page = client.get("/account/two-factor").get_data(as_text=True)
    remember_authenticator(email, page)
    done = client.post("/account/two-factor", data={"csrf_token": token_in(page),
                                                    "code": totp_code(email)})
    assert done.status_code == 200
    return re.findall(r"<code>([a-z0-9-]{19})</code>", done.get_data(as_text=True))


def audit(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_until_enrolled_an_admin_reaches_only_the_enrolment_page(app, runner, make):
    runner.invoke(args=["create-user", "new.admin@users.example", "--role", "admin",
                        "--password-stdin"], input=PASSWORD + "\n")
    entry = make.entry()
    client = app.test_client()
    assert post_password(client, "new.admin@users.example").status_code == 302
    for path in ("/", f"/contact-points/{entry}", "/admin/users", "/account"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/two-factor", path
    api = client.get(f"/api/v1/contact-points/{entry}")
    assert api.status_code == 403 and api.json["error"]["code"] == "account_setup_required"
    page = client.get("/account/two-factor").get_data(as_text=True)
    uri = re.search(r"otpauth://[^<]+", page).group(0)
    assert "issuer=Counterpart" in uri and "new.admin%40users.example" in uri
    assert "<svg" in page and 'class="qr-code"' in page  # drawn here, not fetched
    assert 'name="code"' in page


def test_enrolment_with_a_real_code_then_signing_in_asks_for_it(app, runner):
    codes = enrolled_admin(app, runner)
    assert len(codes) == 10 and len(set(codes)) == 10
    client = app.test_client()
    response = post_password(client, "chief@users.example")
    assert response.headers["Location"] == "/login/code"
    page = client.get("/login/code").get_data(as_text=True)
    assert 'name="code"' in page and 'autocomplete="one-time-code"' in page
    assert client.get("/").status_code == 302  # not signed in before the code
    signed = post_code(client, totp_code("chief@users.example"))
    assert signed.status_code == 302 and signed.headers["Location"] == "/"
    assert client.get("/admin/users").status_code == 200
    assert audit(app, "two_factor.enrolled")
    assert audit(app, "login.succeeded")[-1].changes["second_factor"] == [None, "totp"]


def test_a_code_works_once(app, runner):
    enrolled_admin(app, runner)
    code = totp_code("chief@users.example")
    first, second = app.test_client(), app.test_client()
    post_password(first, "chief@users.example")
    assert post_code(first, code).status_code == 302
    post_password(second, "chief@users.example")
    replay = post_code(second, code)
    assert replay.status_code == 200
    assert "This code is not right, or it was used already." in replay.get_data(as_text=True)
    assert second.get("/").status_code == 302


def test_one_step_of_clock_drift_is_allowed_not_two(app, runner, monkeypatch):
    enrolled_admin(app, runner)
    totp = pyotp.TOTP(AUTHENTICATORS["chief@users.example"]["secret"])
    server = time.time() + 300  # five minutes after enrolment, by the server's clock
    monkeypatch.setattr(two_factor, "time", SimpleNamespace(time=lambda: server))
    late = app.test_client()
    post_password(late, "chief@users.example")
    assert post_code(late, totp.at(server - 60)).status_code == 200  # two steps late: refused
    assert post_code(late, totp.at(server + 60)).status_code == 200  # two steps ahead: refused
    assert post_code(late, totp.at(server - 30)).status_code == 302  # one step late: accepted


def test_the_code_can_come_with_the_password(app, runner):
    enrolled_admin(app, runner)
    client = app.test_client()
    response = post_password(client, "chief@users.example", code=totp_code("chief@users.example"))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/admin/users").status_code == 200


def test_a_recovery_code_signs_in_once(app, runner):
    codes = enrolled_admin(app, runner)
    client = app.test_client()
    post_password(client, "chief@users.example")
    assert post_code(client, codes[0].upper()).status_code == 302
    again = app.test_client()
    post_password(again, "chief@users.example")
    assert post_code(again, codes[0]).status_code == 200
    assert post_code(again, codes[1]).status_code == 302
    with app.app_context():
        stored = [row.code_hash for row in db.session.scalars(select(RecoveryCode))]
    assert len(stored) == 10 and not set(stored) & {code.replace("-", "") for code in codes}
    assert audit(app, "login.succeeded")[-1].changes["second_factor"] == [None, "recovery-code"]


def test_wrong_codes_are_audited(app, runner):
    enrolled_admin(app, runner)
    client = app.test_client()
    post_password(client, "chief@users.example")
    post_code(client, "123456")
    failed = audit(app, "login.failed")
    assert failed[-1].changes["stage"] == [None, "code"]
    assert failed[-1].actor == "chief@users.example"


def test_an_admin_resets_a_lost_second_factor(app, runner, login_as):
    enrolled_admin(app, runner)
    victim = app.test_client()
    post_password(victim, "chief@users.example")
    post_code(victim, totp_code("chief@users.example"))
    admin = login_as("admin")
    with app.app_context():
        from directory.services import users

        chief = users.find_user("chief@users.example").id
    path = f"/admin/users/{chief}"
    assert "Reset the second factor" in admin.get(path).get_data(as_text=True)
    response = admin.post(f"{path}/two-factor/reset", data={"csrf_token": page_token(admin, path)})
    assert response.status_code == 302
    assert victim.get("/").status_code == 302  # their sessions ended
    reset = audit(app, "two_factor.reset")
    assert reset and reset[0].actor == admin.email and reset[0].target_id == chief
    client = app.test_client()
    assert post_password(client, "chief@users.example").headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/account/two-factor"


def test_only_admins_reset_a_second_factor(app, login_as, make):
    user_id, _ = make.user("secretariat")
    browser = login_as("secretariat")
    response = browser.post(f"/admin/users/{user_id}/two-factor/reset",
                            data={"csrf_token": page_token(browser)})
    assert response.status_code == 403


def test_api_tokens_are_not_asked_for_codes(app, runner, make):
    runner.invoke(args=["create-user", "robot@users.example", "--role", "admin",
                        "--password-stdin"], input=PASSWORD + "\n")
    token = make.token("robot@users.example")
    response = app.test_client().get("/api/v1/contact-points", headers=bearer(token))
    assert response.status_code == 200


def test_a_prosecutor_may_turn_it_on_and_off(app, login_as):
    browser = login_as("prosecutor")
    assert "Set up two-step sign-in" in browser.get("/account").get_data(as_text=True)
    assert browser.get("/").status_code == 200  # not required for this role
    page = browser.get("/account/two-factor").get_data(as_text=True)
    remember_authenticator(browser.email, page)
    browser.post("/account/two-factor", data={"csrf_token": token_in(page),
                                              "code": totp_code(browser.email)})
    client = app.test_client()
    assert post_password(client, browser.email).headers["Location"] == "/login/code"
    account = browser.get("/account").get_data(as_text=True)
    assert "10 recovery codes left." in account
    off = browser.post("/account/two-factor/off", data={
        "factor-csrf_token": token_in(account, "factor-"), "factor-code": totp_code(browser.email)})
    assert off.status_code == 302
    assert post_password(app.test_client(), browser.email).headers["Location"] == "/"


def test_a_secretariat_cannot_turn_it_off(app, login_as):
    browser = login_as("secretariat")
    account = browser.get("/account").get_data(as_text=True)
    assert "Turn two-step sign-in off" not in account
    browser.post("/account/two-factor/off", data={
        "factor-csrf_token": token_in(account, "factor-"), "factor-code": totp_code(browser.email)})
    client = app.test_client()
    assert post_password(client, browser.email).headers["Location"] == "/login/code"
