"""The audit trail: every change with the fields changed, who, when; logins and tokens too."""

from __future__ import annotations

from datetime import date, timedelta

from core_support import page_token, sign_in
from sqlalchemy import select

from directory.extensions import db
from directory.models import AuditEntry


def trail(app, target_type: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if target_type:
            query = query.where(AuditEntry.target_type == target_type)
        entries = list(db.session.scalars(query))
        db.session.expunge_all()
        return entries


def test_every_entry_change_is_audited_with_its_fields(app, api, make):
    client = api("secretariat", networks=("emj", "carin"))
    created = client.post("/api/v1/contact-points", json={
        "given_name": "Omar", "family_name": "Saidi", "country": "DZ",
        "emails": ["omar.saidi@justice.example"], "specialisms": ["mla"],
        "last_verified_on": (date.today() - timedelta(days=3)).isoformat(),
        "memberships": [{"network": "emj", "role": "contact-point"}]}).json
    entry_id = created["id"]
    client.patch(f"/api/v1/contact-points/{entry_id}", json={"city": "Alger", "version": 1})
    client.post("/api/v1/contact-points", json={
        "family_name": "Saidi", "country": "DZ", "emails": ["OMAR.SAIDI@justice.example"],
        "memberships": [{"network": "carin", "role": "judicial"}]})
    client.post(f"/api/v1/contact-points/{entry_id}/verify")
    client.delete(f"/api/v1/contact-points/{entry_id}")

    entries = trail(app, "contact_point")
    assert [entry.action for entry in entries] == [
        "contact_point.created", "contact_point.updated", "contact_point.membership_added",
        "contact_point.verified", "contact_point.archived"]
    assert {entry.target_id for entry in entries} == {entry_id}
    assert all(entry.actor.startswith("secretariat") and entry.user_id for entry in entries)
    assert all(entry.at is not None and entry.address == "127.0.0.1" for entry in entries)
    created_changes = entries[0].changes
    assert created_changes["family_name"] == [None, "Saidi"]
    assert created_changes["emails"] == [None, ["omar.saidi@justice.example"]]
    assert entries[1].changes == {"city": [None, "Alger"]}
    assert list(entries[2].changes) == ["memberships"]
    assert entries[2].changes["memberships"][1][1]["network"] == "carin"
    assert entries[3].changes == {"last_verified_on": [
        (date.today() - timedelta(days=3)).isoformat(), date.today().isoformat()]}
    assert entries[4].changes == {"status": ["active", "archived"]}


def test_refused_changes_leave_no_audit_entry(app, api, make):
    entry_id = make.entry()
    prosecutor, admin = api("prosecutor"), api("admin")
    before = len(trail(app, "contact_point"))
    assert prosecutor.patch(f"/api/v1/contact-points/{entry_id}",
                            json={"city": "Fès"}).status_code == 403
    assert admin.patch(f"/api/v1/contact-points/{entry_id}",
                       json={"country": "XX"}).status_code == 422
    assert admin.patch(f"/api/v1/contact-points/{entry_id}",
                       json={"city": "Fès", "version": 7}).status_code == 409
    assert len(trail(app, "contact_point")) == before


def test_page_edits_are_audited_too(app, login_as, make):
    browser = login_as("admin")
    entry_id = make.entry(emails=["amina@justice.example"])
    response = browser.post(f"/contact-points/{entry_id}/archive",
                            data={"csrf_token": page_token(browser), "version": "1"})
    assert response.status_code == 302
    last = trail(app, "contact_point")[-1]
    assert (last.action, last.actor, last.changes) == (
        "contact_point.archived", browser.email, {"status": ["active", "archived"]})


def test_sign_ins_are_audited_success_and_failure(app, client, make):
    _, email = make.user("reporter")
    sign_in(client, email, "not the password at all", address="192.0.2.10")
    sign_in(client, email, address="192.0.2.10")
    entries = [entry for entry in trail(app) if entry.action.startswith("login")]
    assert [(entry.action, entry.actor, entry.address) for entry in entries] == [
        ("login.failed", email, "192.0.2.10"), ("login.succeeded", email, "192.0.2.10")]
    assert all(entry.changes.get("password") is None for entry in entries)


def test_user_administration_is_audited_without_passwords(app, login_as):
    admin = login_as("admin")
    response = admin.post("/admin/users/new", data={
        "csrf_token": page_token(admin, "/admin/users/new"), "email": "new@users.example",
        "name": "New User", "role": "secretariat", "networks": ["carin"], "country": "IT",
        "organisation": "", "password": "the very first password", "active": "y"})
    assert response.status_code == 200 and "User created" in response.get_data(as_text=True)
    created = [entry for entry in trail(app, "user") if entry.action == "user.created"][-1]
    assert created.actor == admin.email
    assert created.changes["networks"] == [None, ["carin"]]
    path = f"/admin/users/{created.target_id}"
    admin.post(path, data={
        "csrf_token": page_token(admin, path), "email": "new@users.example", "name": "New User",
        "role": "secretariat", "networks": ["carin", "emj"], "country": "IT",
        "organisation": "", "password": "a second long password"})
    updated = trail(app, "user")[-1]
    assert updated.action == "user.updated"
    assert updated.changes["networks"] == [["carin"], ["carin", "emj"]]
    assert updated.changes["active"] == [True, False]
    assert updated.changes["password"] == ["***", "***"]
    everything = " ".join(str(entry.changes) for entry in trail(app))
    assert "the very first password" not in everything
    assert "a second long password" not in everything
