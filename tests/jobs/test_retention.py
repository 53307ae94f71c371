"""Retention (SPEC section 13): `counterpart purge` and the daily job remove what has outlived
its period, on real rows and files, and keep the rest."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from samples import SAMPLES
from sqlalchemy import func, select, update
from support import contact_payload

from directory.extensions import db
from directory.models import (
    AccessLogEntry,
    AuditEntry,
    BackgroundJob,
    ImportRun,
    InitialContact,
    LoginAttempt,
    OutboxMessage,
    utcnow,
)
from directory.services import commit, events, import_jobs, jobs, mail, retention, users
from directory.services import imports as import_service


def ago(**delta):
    return utcnow() - timedelta(**delta)


def fill(app, make) -> dict:
    """Two of each kind: one past its period, one within it. Returns their ids."""
    entry = make.entry()
    _, email = make.user("secretariat", networks=("emj",))
    ids: dict = {}
    with app.app_context():
        actor = users.find_user(email)
        db.session.add_all([
            LoginAttempt(at=ago(days=91), account="old@users.example", address="192.0.2.1"),
            LoginAttempt(at=ago(days=89), account="new@users.example", address="192.0.2.1"),
            AccessLogEntry(at=ago(days=366), actor=email, contact_point_id=entry, how="page",
                           channel="web"),
            AccessLogEntry(at=ago(days=364), actor=email, contact_point_id=entry, how="page",
                           channel="web"),
        ])
        old_mail = mail.queue("old@prosecution.example", "test", {}, "fr",
                              contact_point_id=entry)
        new_mail = mail.queue("new@prosecution.example", "test", {}, "fr")
        ids["mail"] = (old_mail.id, new_mail.id)
        notes = []
        for days in (731, 700):
            event, _ = events.log_contact(actor, contact_payload(entry, note=f"note {days}"))
            notes.append(event.id)
        ids["events"] = notes
        commit()  # the two messages are sent (written as .eml files)
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == old_mail.id)
                           .values(created_at=ago(days=31)))
        for event_id, days in zip(notes, (731, 700), strict=True):
            db.session.execute(update(InitialContact).where(InitialContact.id == event_id)
                               .values(occurred_on=date.today() - timedelta(days=days)))
        runs = []
        for hours in (25, 23):
            run = import_service.start_run(actor, "emj", "emj.csv", status="checking")
            db.session.flush()
            path = import_jobs.folder() / f"{run.id}.csv"
            shutil.copy(SAMPLES["emj"], path)
            runs.append(run.id)
            commit()
            import_jobs.run_preview(run.id, actor.id, path)
            db.session.execute(update(ImportRun).where(ImportRun.id == run.id)
                               .values(at=ago(hours=hours)))
            commit()
        ids["runs"] = runs
    return ids


def test_purge_removes_what_outlived_its_period_and_keeps_the_rest(app, make):
    ids = fill(app, make)
    folder = Path(app.instance_path) / "imports"
    old_run, new_run = ids["runs"]
    assert (folder / f"{old_run}.csv").exists() and (folder / f"{old_run}-changes.jsonl").exists()
    assert len(list((Path(app.instance_path) / "outbox").glob("*.eml"))) == 2
    with app.app_context():
        removed = retention.purge()
        commit()
        assert removed == {"login_attempts": 1, "access_log": 1, "mail_bodies": 1,
                           "event_notes": 1, "import_previews": 1, "finished_jobs": 0}
        assert db.session.scalars(select(LoginAttempt.account)).all() == ["new@users.example"]
        assert db.session.scalar(select(func.count()).select_from(AccessLogEntry)) == 1
        old_mail, new_mail = (db.session.get(OutboxMessage, message_id)
                              for message_id in ids["mail"])
        # The old message keeps its status, dates and recipient hash; nothing else.
        assert old_mail.status == "sent" and old_mail.sent_at is not None
        assert old_mail.recipient == "" and old_mail.subject == ""
        assert old_mail.body_text is None and old_mail.body_html is None
        assert old_mail.recipient_hash == mail.recipient_hash("old@prosecution.example")
        assert new_mail.recipient == "new@prosecution.example" and new_mail.body_text
        old_event, new_event = (db.session.get(InitialContact, event_id)
                                for event_id in ids["events"])
        assert old_event.note is None and old_event.matter == "thb"
        assert new_event.note == "note 700"
        assert db.session.get(ImportRun, old_run).status == "cancelled"
        assert db.session.get(ImportRun, new_run).status == "previewed"
        audit = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "retention.purged")).one()
        assert audit.changes["removed"]["login_attempts"] == 1
    [eml] = (Path(app.instance_path) / "outbox").glob("*.eml")
    assert "new@prosecution.example" in eml.read_text()
    assert not list(folder.glob(f"{old_run}.*")) and not list(folder.glob(f"{old_run}-*"))
    assert (folder / f"{new_run}.csv").exists()
    with app.app_context():
        assert sum(retention.purge().values()) == 0  # nothing left to remove


def test_the_command_prints_what_it_removed(app, make, runner):
    fill(app, make)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "1  sign-in attempts" in result.output
    assert "1  mail bodies and addresses" in result.output
    assert "1  unconfirmed imports' files" in result.output
    again = runner.invoke(args=["purge"])
    assert again.exit_code == 0 and "1  " not in again.output


def test_the_periods_are_settings(app, make):
    fill(app, make)
    app.config.update(LOGIN_ATTEMPT_DAYS=30, ACCESS_LOG_DAYS=30, NOTE_RETENTION_DAYS=30)
    with app.app_context():
        removed = retention.purge()
        commit()
    assert removed["login_attempts"] == 2 and removed["access_log"] == 2
    assert removed["event_notes"] == 2


def test_the_daily_job_purges(app, make):
    fill(app, make)
    with app.app_context():
        job = jobs.enqueue("retention.purge", unique_key="purge:test")
        commit()  # run at once in the tests (JOBS_IMMEDIATE)
        db.session.refresh(job)
        assert job.status == "done"
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 1
        db.session.execute(update(BackgroundJob).values(finished_at=ago(days=31)))
        commit()
        assert retention.purge()["finished_jobs"] == 1
