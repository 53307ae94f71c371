"""API tokens: named, expiring, listed with their last use, revoked by their owner, an admin
or the command line; a deactivated user's tokens are revoked for good."""

from __future__ import annotations

import re
from datetime import timedelta

from core_support import page_token
from support import bearer

from directory.services import tokens


def token_from(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output.strip()


def calls(client, token) -> int:
    return client.get("/api/v1/contact-points", headers=bearer(token)).status_code


def test_create_token_with_days_and_name(app, runner, make, client):
    _, email = make.user("prosecutor")
    token = token_from(runner.invoke(args=["create-token", email, "--days", "7",
                                           "--name", "nightly sync"]))
    assert calls(client, token) == 200
    browser = app.test_client()
    from support import sign_in

    sign_in(browser, email)
    page = browser.get("/account").get_data(as_text=True)
    assert "nightly sync" in page
    created, expires = re.findall(r'<time datetime="([0-9T:.-]+)Z"', page)[:2]
    from datetime import datetime

    lifetime = datetime.fromisoformat(expires) - datetime.fromisoformat(created)
    assert lifetime == timedelta(days=7)
    assert "never" not in page.split("nightly sync")[1].split("</tr>")[0]  # its last use shows


def test_a_token_expires(app, runner, make, client, monkeypatch):
    _, email = make.user("prosecutor")
    token = token_from(runner.invoke(args=["create-token", email]))  # 90 days by default
    assert calls(client, token) == 200
    later = tokens.utcnow() + timedelta(days=90, minutes=1)
    monkeypatch.setattr(tokens, "utcnow", lambda: later)
    response = client.get("/api/v1/contact-points", headers=bearer(token))
    assert response.status_code == 401 and "expired" in response.json["error"]["message"]


def test_create_token_refuses_bad_days(runner, make):
    _, email = make.user("prosecutor")
    for days in ("0", "-3", "x", "4000"):
        result = runner.invoke(args=["create-token", email, "--days", days])
        assert result.exit_code == 2 and "--days" in result.output
        assert "Traceback" not in result.output


def test_revoke_token_by_id_and_all(runner, make, client):
    _, email = make.user("prosecutor")
    first = token_from(runner.invoke(args=["create-token", email, "--name", "one"]))
    second = token_from(runner.invoke(args=["create-token", email, "--name", "two"]))
    third = token_from(runner.invoke(args=["create-token", email, "--name", "three"]))
    result = runner.invoke(args=["revoke-token", email, "--id", "1"])
    assert result.exit_code == 0 and "Revoked token 1" in result.output
    assert (calls(client, first), calls(client, second)) == (401, 200)
    result = runner.invoke(args=["revoke-token", email, "--all"])
    assert result.exit_code == 0 and "Revoked 2 token(s)" in result.output
    assert (calls(client, second), calls(client, third)) == (401, 401)


def test_revoke_token_refuses_what_it_cannot_do(runner, make):
    _, email = make.user("prosecutor")
    _, other = make.user("prosecutor")
    runner.invoke(args=["create-token", other])
    for args, message in [([email], "give either --all or --id N"),
                          ([email, "--all", "--id", "1"], "give either --all or --id N"),
                          ([email, "--id", "1"], "has no token 1"),
                          (["nobody@users.example", "--all"], "there is no user")]:
        result = runner.invoke(args=["revoke-token", *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)


def test_a_user_revokes_their_token_on_my_account(app, login_as, runner, client):
    browser = login_as("prosecutor")
    token = token_from(runner.invoke(args=["create-token", browser.email, "--name", "laptop"]))
    page = browser.get("/account").get_data(as_text=True)
    token_id = re.search(r'/account/tokens/(\d+)/revoke', page).group(1)
    response = browser.post(f"/account/tokens/{token_id}/revoke",
                            data={"csrf_token": page_token(browser, "/account")})
    assert response.status_code == 302
    assert calls(client, token) == 401
    assert "revoked" in browser.get("/account").get_data(as_text=True)


def test_nobody_revokes_anothers_token_from_my_account(app, login_as, runner, make, client):
    _, owner = make.user("prosecutor")
    token = token_from(runner.invoke(args=["create-token", owner]))
    thief = login_as("prosecutor")
    response = thief.post("/account/tokens/1/revoke", data={"csrf_token": page_token(thief)})
    assert response.status_code == 404
    assert calls(client, token) == 200


def test_an_admin_sees_and_revokes_a_users_tokens(app, login_as, runner, make, client):
    user_id, email = make.user("prosecutor")
    token = token_from(runner.invoke(args=["create-token", email, "--name", "reporting"]))
    calls(client, token)
    admin = login_as("admin")
    page = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "reporting" in page
    path = re.search(r'action="(/admin/users/\d+/tokens/\d+/revoke)"', page).group(1)
    assert admin.post(path, data={"csrf_token": page_token(admin)}).status_code == 302
    assert calls(client, token) == 401


def test_deactivation_revokes_tokens_for_good(app, login_as, runner, make, client):
    user_id, email = make.user("prosecutor")
    token = token_from(runner.invoke(args=["create-token", email]))
    admin = login_as("admin")
    path = f"/admin/users/{user_id}"
    form = {"email": email, "name": "", "role": "prosecutor", "country": "FR",
            "organisation": "", "password": ""}
    admin.post(path, data={**form, "csrf_token": page_token(admin, path)})  # inactive
    assert calls(client, token) == 401
    admin.post(path, data={**form, "active": "y", "csrf_token": page_token(admin, path)})
    assert calls(client, token) == 401  # reactivation does not bring it back
    assert calls(client, token_from(runner.invoke(args=["create-token", email]))) == 200
