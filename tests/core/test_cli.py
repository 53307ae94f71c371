"""The `counterpart` command line: init-db, create-user, create-token, demo-data; API tokens."""

from __future__ import annotations

import pytest
from core_support import sign_in
from sqlalchemy import select, text

from directory.extensions import db
from directory.models import ApiToken, AuditEntry, ContactPoint, User


def one_line_error(result) -> str:
    output = result.output.strip()
    assert result.exit_code != 0, output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = output.splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: ")
    return lines[0]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- init-db -------------------------------------------------------------------------------

def test_init_db_twice_is_harmless(runner, make, api):
    entry_id = make.entry(family_name="Zerhouni")
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Database ready." in result.output
    entry = api("admin").get(f"/api/v1/contact-points/{entry_id}")
    assert entry.status_code == 200 and entry.json["family_name"] == "Zerhouni"
    # The seeded vocabularies are there once, not twice.
    networks = api("admin").get("/api/v1/contact-points?network=emj").json
    assert networks["total"] == 1


def test_init_db_keeps_edited_vocabularies(app, runner):
    with app.app_context():
        db.session.execute(text("UPDATE network SET name = 'EMJ (edited)' WHERE slug = 'emj'"))
        db.session.commit()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(text("SELECT name FROM network WHERE slug = 'emj'")) == \
            "EMJ (edited)"


# --- create-user ---------------------------------------------------------------------------

def test_create_user_with_password_from_stdin_then_sign_in(app, runner):
    result = runner.invoke(args=["create-user", "Secretariat@CARIN.example", "--role",
                                 "secretariat", "--network", "carin", "--country", "NL",
                                 "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "Created secretariat secretariat@carin.example." in result.output
    assert "password" not in result.output.lower().replace("--password-stdin", "")
    browser = app.test_client()
    assert sign_in(browser, "secretariat@carin.example", "a long enough password"
                   ).status_code == 302
    account = browser.get("/account").get_data(as_text=True)
    assert "CARIN" in account and "Netherlands" in account


def test_create_user_without_stdin_prints_a_one_time_password(app, runner):
    result = runner.invoke(args=["create-user", "reporter@crimex.example", "--role", "reporter"])
    assert result.exit_code == 0, result.output
    password = result.output.split("One-time password: ", 1)[1].strip()
    assert len(password) >= 12
    assert sign_in(app.test_client(), "reporter@crimex.example", password).status_code == 302


@pytest.mark.parametrize(("arguments", "expected"), [
    (["x@users.example", "--role", "overlord"], "overlord"),
    (["x@users.example", "--role", "secretariat", "--network", "interpol"], "interpol"),
    (["x@users.example", "--role", "secretariat"], "network"),
    (["x@users.example", "--role", "prosecutor", "--country", "Atlantis"], "Atlantis"),
    (["not-an-address", "--role", "prosecutor"], "not-an-address"),
    (["x@users.example"], "--role"),
])
def test_create_user_refuses_bad_arguments_in_one_line(app, runner, arguments, expected):
    result = runner.invoke(args=["create-user", *arguments])
    assert expected in one_line_error(result)
    with app.app_context():
        assert db.session.scalars(select(User).where(User.email == "x@users.example")).first() \
            is None


def test_create_user_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-user", "x@users.example", "--role", "prosecutor",
                                 "--password-stdin"], input="short\n")
    assert "12 characters" in one_line_error(result)


def test_create_user_refuses_a_duplicate(runner, make):
    _, email = make.user("prosecutor")
    result = runner.invoke(args=["create-user", email.upper(), "--role", "admin"])
    assert "already exists" in one_line_error(result)


# --- create-token and API tokens -----------------------------------------------------------

def test_create_token_prints_a_working_bearer_token(app, runner, make, client):
    _, email = make.user("reporter")
    entry_id = make.entry()
    result = runner.invoke(args=["create-token", email])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert len(token.splitlines()) == 1 and len(token) >= 32
    response = client.get(f"/api/v1/contact-points/{entry_id}", headers=bearer(token))
    assert response.status_code == 200
    # A token is no session: the browser client holds no cookie afterwards.
    assert client.get_cookie("session") is None
    # And it needs no CSRF header for writes (the permissions still apply).
    write = client.patch(f"/api/v1/contact-points/{entry_id}", json={"city": "x"},
                         headers=bearer(token))
    assert write.status_code == 403


def test_create_token_for_an_unknown_user_is_one_line(runner):
    assert "nobody@users.example" in one_line_error(
        runner.invoke(args=["create-token", "nobody@users.example"]))


@pytest.mark.parametrize("header", ["Bearer not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz",
                                    "bearer"])
def test_a_wrong_token_is_a_json_401(client, make, header):
    make.token(make.user("admin")[1])
    response = client.get("/api/v1/contact-points", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.is_json
    assert response.json["error"]["code"] == "unauthorized"
    assert set(response.json["error"]) == {"code", "message", "fields"}


def test_a_deactivated_users_token_is_refused(app, client, make, runner):
    user_id, email = make.user("admin")
    token = make.token(email)
    assert client.get("/api/v1/contact-points", headers=bearer(token)).status_code == 200
    with app.app_context():
        from directory.services import commit, users

        admin = users.find_user("factory-admin@users.example") or users.create_user(
            None, {"email": "other-admin@users.example", "role": "admin"})
        users.update_user(admin, user_id, {"active": False})
        commit()
    response = client.get("/api/v1/contact-points", headers=bearer(token))
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert "deactivated" in one_line_error(runner.invoke(args=["create-token", email]))


def test_tokens_are_stored_hashed(app, runner, make):
    _, email = make.user("prosecutor")
    token = runner.invoke(args=["create-token", email]).output.strip()
    with app.app_context():
        rows = db.session.execute(select(ApiToken.__table__)).all()
        assert len(rows) == 1
        assert all(token not in str(value) for row in rows for value in row)
        dump = " ".join(str(value) for table in db.metadata.sorted_tables
                        for row in db.session.execute(select(table)) for value in row)
        assert token not in dump
        assert db.session.scalars(select(AuditEntry.action)).all().count("token.created") == 1


def test_a_token_does_not_open_the_pages(client, make):
    _, email = make.user("admin")
    token = make.token(email)
    response = client.get("/", headers=bearer(token))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- demo-data -----------------------------------------------------------------------------

def test_demo_data_loads_entries_that_search_finds(app, runner, api):
    result = runner.invoke(args=["demo-data", "--count", "50"])
    assert result.exit_code == 0, result.output
    assert "Loaded 50 demo entries" in result.output
    client = api("prosecutor")
    listing = client.get("/api/v1/contact-points?per_page=100").json
    assert listing["total"] == 50
    assert all("demo.example" in row["emails"][0] for row in listing["results"])
    assert all(row["phones"][0]["number"].startswith("+") for row in listing["results"])
    everything = client.get("/api/v1/search?per_page=100").json
    assert everything["total"] == 50
    someone = listing["results"][0]
    found = client.get("/api/v1/search", query_string={"q": someone["emails"][0]}).json
    assert someone["id"] in [row["id"] for row in found["results"]]
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ContactPoint.id))) == 50


def test_demo_data_refuses_a_bad_count(runner):
    result = runner.invoke(args=["demo-data", "--count", "zero"])
    assert "zero" in one_line_error(result)
