"""Sign-in throttling: guessing is slowed per account from any number of addresses, and
nobody can lock colleagues out by failing on invented accounts from their shared address."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from core_support import PASSWORD, page_token, sign_in
from sqlalchemy import select
from support import totp_code

from directory.extensions import db
from directory.models import LoginAttempt, utcnow
from directory.services import throttling

WRONG = "wrong password entirely"


@pytest.fixture
def clock(monkeypatch):
    """Throttling's clock, moved by the test instead of waiting."""

    class Clock:
        moment = utcnow()

        def advance(self, **delta):
            self.moment += timedelta(**delta)

    fixed = Clock()
    monkeypatch.setattr(throttling, "now", lambda: fixed.moment)
    return fixed


def attempt(app, email, password=WRONG, address="203.0.113.7"):
    response = sign_in(app.test_client(), email, password, address)
    return response.status_code, response.get_data(as_text=True)


def test_failures_for_invented_accounts_do_not_lock_out_a_colleague(app, make, clock):
    _, colleague = make.user("prosecutor")
    answers = [attempt(app, f"guess{number}@users.example")[0] for number in range(21)]
    assert answers[:20] == [200] * 20
    assert answers[20] == 429  # the address is slowed for accounts that do not exist...
    status, text = attempt(app, "guess99@users.example")
    assert status == 429 and "Too many failed sign-ins from your network" in text
    # ...but a colleague behind the same address signs in with the right password,
    assert attempt(app, colleague, PASSWORD)[0] == 302
    # and a wrong password for a real account answers as for an invented one (no oracle).
    assert attempt(app, colleague)[0] == 429
    # Elsewhere, invented accounts are answered as usual.
    assert attempt(app, "guess100@users.example", address="198.51.100.9")[0] == 200


def test_guesses_at_one_account_from_many_addresses_are_slowed(app, make, clock):
    _, email = make.user("prosecutor")
    answers = [attempt(app, email, address=f"198.51.100.{number % 41 + 1}")
               for number in range(46)]
    checked = [status for status, _ in answers if status == 200]
    assert len(checked) == app.config["LOGIN_FAILURES_PER_ACCOUNT"] == 5
    assert all(status == 429 and "Wait 30 seconds" in text for status, text in answers[5:])
    # While the account is slowed even the right password waits: a lucky guess gets nothing.
    assert attempt(app, email, PASSWORD, address="192.0.2.55")[0] == 429
    clock.advance(seconds=31)
    assert attempt(app, email, PASSWORD, address="192.0.2.55")[0] == 302
    # Signing in cleared the count: the owner's next typo is answered at once.
    assert attempt(app, email)[0] == 200


def test_the_delay_grows_with_each_failure(app, make, clock):
    _, email = make.user("prosecutor")
    for _ in range(5):
        attempt(app, email)
    waits = []
    for _ in range(4):
        status, text = attempt(app, email)
        assert status == 429
        waits.append(int(text.split("Wait ")[1].split(" ")[0]))
        clock.advance(seconds=waits[-1])
        assert attempt(app, email)[0] == 200  # the delay has passed: one more guess
    assert waits == [30, 60, 120, 240]


def test_many_failures_hold_the_account_until_the_day_is_over(app, make, clock):
    _, email = make.user("prosecutor")
    for _ in range(app.config["LOGIN_HOLD_AFTER"]):
        clock.advance(minutes=16)  # past every delay
        assert attempt(app, email, address="198.51.100.1")[0] == 200
    clock.advance(hours=2)
    status, text = attempt(app, email, PASSWORD, address="192.0.2.1")
    assert status == 429 and "This account is held" in text
    clock.advance(hours=24)
    assert attempt(app, email, PASSWORD, address="192.0.2.1")[0] == 302


def test_a_new_password_lifts_the_hold(app, make, login_as, clock):
    user_id, email = make.user("prosecutor")
    for _ in range(app.config["LOGIN_HOLD_AFTER"]):
        clock.advance(minutes=16)
        attempt(app, email, address="198.51.100.1")
    assert "This account is held" in attempt(app, email, PASSWORD)[1]
    admin = login_as("admin")
    path = f"/admin/users/{user_id}"
    admin.post(path, data={"csrf_token": page_token(admin, path), "email": email, "name": "",
                           "role": "prosecutor", "country": "FR", "organisation": "",
                           "active": "y", "password": "a brand new passphrase"})
    assert attempt(app, email, "a brand new passphrase")[0] == 302


def test_ipv6_addresses_count_by_their_64_prefix(app, make, clock):
    for number in range(20):
        assert attempt(app, f"guess{number}@users.example",
                       address=f"2001:db8:1:2::{number + 1:x}")[0] == 200
    assert attempt(app, "other@users.example", address="2001:db8:1:2:ffff::1")[0] == 429
    assert attempt(app, "other@users.example", address="2001:db8:1:3::1")[0] == 200
    assert throttling.address_group("::ffff:192.0.2.7") == "192.0.2.7"


def test_what_was_typed_for_unknown_accounts_is_not_stored(app, make, clock):
    _, email = make.user("prosecutor")
    attempt(app, "mistyped.colleague@users.example")
    attempt(app, email)
    with app.app_context():
        accounts = [row.account for row in db.session.scalars(select(LoginAttempt))]
    assert email in accounts
    assert not any("mistyped" in account for account in accounts)


def test_throttling_is_kept_in_the_database(app, make, second_app, clock):
    _, email = make.user("prosecutor")
    for number in range(5):
        attempt(app, email, address=f"198.51.100.{number}")
    other = second_app()  # another worker on the same database
    assert sign_in(other.test_client(), email, address="192.0.2.200").status_code == 429


def test_wrong_codes_count_as_failed_sign_ins(app, login_as, clock):
    browser = login_as("admin")  # enrolled by the sign-in helper
    email = browser.email
    client = app.test_client()
    token = page_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.headers["Location"] == "/login/code"
    for _ in range(5):
        wrong = client.post("/login/code", data={"code": "000000",
                                                 "csrf_token": page_token(client, "/login/code")})
        assert "This code is not right" in wrong.get_data(as_text=True)
    refused = client.post("/login/code", data={"code": totp_code(email),
                                               "csrf_token": page_token(client, "/login/code")})
    assert refused.status_code == 429


def test_wrong_current_passwords_on_my_account_count_as_failed_sign_ins(app, login_as, clock):
    browser = login_as("prosecutor")
    for _ in range(5):
        response = browser.post("/account", data={
            "password-csrf_token": page_token(browser, "/account"),
            "password-current_password": "not my password at all",
            "password-new_password": "another long passphrase"})
        assert "This is not your current password." in response.get_data(as_text=True)
    response = browser.post("/account", data={
        "password-csrf_token": page_token(browser, "/account"),
        "password-current_password": PASSWORD,
        "password-new_password": "another long passphrase"})
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert sign_in(app.test_client(), browser.email).status_code == 429


def test_a_warning_when_a_proxy_is_not_trusted(app, client, caplog):
    with caplog.at_level(logging.WARNING, logger="directory.web.security"):
        client.get("/login", headers={"X-Forwarded-For": "192.0.2.1"})
        client.get("/login", headers={"X-Forwarded-For": "192.0.2.2"})
    warnings = [r for r in caplog.records if "COUNTERPART_PROXY_COUNT" in r.getMessage()]
    assert len(warnings) == 1


def test_no_warning_when_the_proxy_is_trusted(make, second_app, caplog):
    trusted = second_app(PROXY_COUNT=1)
    with caplog.at_level(logging.WARNING, logger="directory.web.security"):
        trusted.test_client().get("/login", headers={"X-Forwarded-For": "192.0.2.1"})
    assert not [r for r in caplog.records if "COUNTERPART_PROXY_COUNT" in r.getMessage()]
