"""The outbox: rendered in the recipient's language, stored before it is sent, delivered
through a real SMTP server or as .eml files, retried when refused, never sent twice."""

from __future__ import annotations

import stat
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from smtp_support import SmtpServer
from sqlalchemy import update
from support import free_port

from directory.extensions import db
from directory.models import OutboxMessage, utcnow
from directory.services import commit, mail, rollback


def queue_one(app, recipient="amina@prosecution.example", locale=None, **options) -> int:
    with app.app_context():
        message = mail.queue(recipient, "test", {}, locale, **options)
        message_id = message.id
        commit()
        return message_id


def eml_files(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "outbox").glob("*.eml"))


def parts(message):
    """(plain text, HTML) of a received or written message."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_without_a_server_each_message_is_an_eml_file_for_its_owner_only(app, outbox):
    queue_one(app, contact_point_id=None)
    [row] = outbox()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    [path] = eml_files(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "amina@prosecution.example"
    assert message["Subject"] == "Counterpart: a test message"
    assert message["Message-ID"] == row.message_id
    assert message["From"] == "Counterpart <counterpart@localhost>"
    text, html = parts(message)
    assert "Nothing needs to be done." in text
    assert "http://127.0.0.1:5000/login" in text
    assert '<html lang="en" dir="ltr">' in html and 'href="http://127.0.0.1:5000/login"' in html


def test_a_message_speaks_the_recipients_language_and_arabic_reads_right_to_left(app):
    queue_one(app, "nadia@prosecution.example", "ar")
    queue_one(app, "luc@prosecution.example", "fr")
    arabic, french = (message_from_bytes(path.read_bytes(), policy=policy.default)
                      for path in eml_files(app))
    if arabic["To"] != "nadia@prosecution.example":
        arabic, french = french, arabic
    text, html = parts(arabic)
    assert '<html lang="ar" dir="rtl">' in html
    assert arabic["Content-Language"] == "ar"
    assert arabic["Subject"] != "Counterpart: a test message"
    assert "Nothing needs to be done." not in text
    text, html = parts(french)
    assert '<html lang="fr" dir="ltr">' in html
    assert "Nothing needs to be done." not in text


def test_links_point_to_the_configured_address(app):
    app.config["BASE_URL"] = "https://directory.example/counterpart/"
    queue_one(app)
    [path] = eml_files(app)
    text, _ = parts(message_from_bytes(path.read_bytes(), policy=policy.default))
    assert "https://directory.example/counterpart/login" in text


def test_a_change_rolled_back_sends_nothing(app, outbox):
    with app.app_context():
        mail.queue("amina@prosecution.example", "test", {})
        rollback()
        commit()
    assert outbox() == [] and eml_files(app) == []


def test_through_a_real_smtp_server(app, outbox, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    queue_one(app, "amina@prosecution.example", "fr")
    [received] = smtp_server.messages
    [row] = outbox()
    assert row.status == "sent" and received["Message-ID"] == row.message_id
    assert received["To"] == "amina@prosecution.example"
    text, html = parts(received)
    assert '<html lang="fr" dir="ltr">' in html and "/login" in text
    assert eml_files(app) == []


def test_a_server_that_refuses_then_accepts_gets_the_message_once(app, outbox, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    smtp_server.mailbox.refuse = ["451 4.3.0 Try again later"]
    queue_one(app)
    [row] = outbox()
    assert row.status == "queued" and row.attempts == 1
    assert "451" in row.last_error and row.next_attempt_at > utcnow()
    assert smtp_server.messages == []
    with app.app_context():
        # Not due yet: nothing happens before the back-off has passed.
        assert mail.deliver_due() == {"sent": 0, "retrying": 0, "failed": 0}
        assert mail.deliver_due(utcnow() + timedelta(minutes=2))["sent"] == 1
        assert mail.deliver_due(utcnow() + timedelta(hours=1))["sent"] == 0
    [row] = outbox()
    assert row.status == "sent" and row.attempts == 2 and row.last_error is None
    assert len(smtp_server.messages) == 1


def test_a_server_that_is_down_loses_nothing(app, outbox):
    port = free_port()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    queue_one(app)
    queue_one(app, "luc@prosecution.example")
    rows = outbox()
    assert [row.status for row in rows] == ["queued", "queued"]
    assert all("unreachable" in row.last_error for row in rows)
    server = SmtpServer(port).start()
    try:
        with app.app_context():
            assert mail.deliver_due(utcnow() + timedelta(minutes=5))["sent"] == 2
        assert sorted(message["To"] for message in server.messages) == [
            "amina@prosecution.example", "luc@prosecution.example"]
    finally:
        server.stop()
    assert [row.status for row in outbox()] == ["sent", "sent"]


def test_the_back_off_grows_and_the_outbox_gives_up_at_last(app, outbox, smtp_server):
    app.config.update(SMTP_URL=smtp_server.url, MAIL_MAX_ATTEMPTS=3)
    smtp_server.mailbox.refuse = ["550 5.1.1 No such mailbox"] * 5
    queue_one(app)
    first = outbox()[0]
    with app.app_context():
        mail.deliver_due(first.next_attempt_at)
    second = outbox()[0]
    assert second.status == "queued" and second.attempts == 2
    assert second.next_attempt_at - first.next_attempt_at >= timedelta(minutes=2)
    with app.app_context():
        assert mail.deliver_due(second.next_attempt_at)["failed"] == 1
    [row] = outbox()
    assert row.status == "failed" and row.attempts == 3 and "550" in row.last_error
    assert smtp_server.messages == []


def test_a_claimed_message_is_not_taken_by_another_process(app, outbox):
    queue_id = None
    with app.app_context():
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # the first try fails
        queue_id = mail.queue("amina@prosecution.example", "test", {}).id
        commit()
        app.config["SMTP_URL"] = ""
        claimed = mail._claim(utcnow() + timedelta(hours=1))
        assert [row.id for row in claimed] == [queue_id]
        # Another process, now: the row is being sent by the first, so nothing is due.
        assert mail.deliver_due(utcnow() + timedelta(hours=1))["sent"] == 0
    assert outbox()[0].status == "sending"
    assert eml_files(app) == []


def interrupt(app, message_id: int, data_started: bool) -> None:
    """Leave a row as a process that died while sending it would have."""
    with app.app_context():
        long_ago = utcnow() - timedelta(hours=1)
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            status="sending", claimed_at=long_ago,
            data_started_at=long_ago if data_started else None))
        commit()


def test_a_file_written_by_a_process_that_died_is_not_written_twice(app, outbox):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    message_id = queue_one(app)
    app.config["SMTP_URL"] = ""
    with app.app_context():
        mail.FileTransport(mail.mail_dir()).write(db.session.get(OutboxMessage, message_id))
    interrupt(app, message_id, data_started=False)
    [written] = eml_files(app)
    before = written.stat().st_mtime_ns
    with app.app_context():
        assert mail.deliver_due(utcnow() + timedelta(hours=1))["sent"] == 1
    assert eml_files(app) == [written] and written.stat().st_mtime_ns == before
    assert outbox()[0].status == "sent"


def test_an_smtp_send_cut_before_the_server_had_it_is_sent_once(app, outbox, smtp_server):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    message_id = queue_one(app)
    interrupt(app, message_id, data_started=False)
    app.config["SMTP_URL"] = smtp_server.url
    with app.app_context():
        assert mail.deliver_due()["sent"] == 1
    assert len(smtp_server.messages) == 1 and outbox()[0].status == "sent"


def test_an_smtp_send_cut_while_the_server_received_it_is_not_sent_again(app, outbox,
                                                                        smtp_server):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    message_id = queue_one(app)
    interrupt(app, message_id, data_started=True)
    app.config["SMTP_URL"] = smtp_server.url
    with app.app_context():
        assert mail.deliver_due() == {"sent": 0, "retrying": 0, "failed": 0}
    [row] = outbox()
    assert row.status == "failed" and "may have arrived" in row.last_error
    assert smtp_server.messages == []


def test_admins_see_the_outbox_and_others_do_not(app, login_as):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    queue_one(app, "amina@prosecution.example")
    admin = login_as("admin")
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert "Waiting to be sent" in page and "amina@prosecution.example" in page
    assert "Mail server unreachable" in page
    assert "Nothing needs to be done" not in page  # no bodies, even for admins
    assert login_as("secretariat").get("/admin/outbox").status_code == 403
    assert login_as("prosecutor").get("/admin/outbox").status_code == 403


def test_the_command_line_sends_a_test_message(app, runner, smtp_server):
    result = runner.invoke(args=["mail-test", "luc@prosecution.example", "--language", "fr"])
    assert result.exit_code == 0, result.output
    assert "written as an .eml file" in result.output
    [path] = eml_files(app)
    assert "Counterpart" in message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"]
    app.config["SMTP_URL"] = smtp_server.url
    result = runner.invoke(args=["mail-test", "luc@prosecution.example"])
    assert result.exit_code == 0 and "SMTP 127.0.0.1" in result.output
    assert len(smtp_server.messages) == 1
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    result = runner.invoke(args=["mail-test", "luc@prosecution.example"])
    assert result.exit_code == 1 and "unreachable" in result.output
    result = runner.invoke(args=["mail-test", "not an address"])
    assert result.exit_code == 2 and "not one e-mail address" in result.output


def test_a_savepoint_inside_the_transaction_neither_sends_nor_forgets(app, outbox):
    with app.app_context():
        mail.queue("amina@prosecution.example", "test", {})
        with db.session.begin_nested():  # released: the transaction goes on
            mail.queue("luc@prosecution.example", "test", {})
        assert eml_files(app) == []  # not sent while the transaction goes on
        savepoint = db.session.begin_nested()
        savepoint.rollback()  # rolled back: the messages queued before it stay
        commit()
    assert [row.status for row in outbox()] == ["sent", "sent"]
    assert len(eml_files(app)) == 2


def test_a_persons_messages_are_erased_with_their_files(app, outbox, make):
    entry = make.entry()
    with app.app_context():
        mail.queue("amina@prosecution.example", "test", {}, contact_point_id=entry)
        mail.queue("Amina@Prosecution.example", "test", {})
        mail.queue("luc@prosecution.example", "test", {})
        commit()
    assert len(eml_files(app)) == 3
    with app.app_context():
        assert mail.erase(contact_point_id=entry, recipient="amina@prosecution.example") == 2
        commit()
    assert [row.recipient for row in outbox()] == ["luc@prosecution.example"]
    [left] = eml_files(app)
    assert "luc@prosecution.example" in left.read_text()


PEOPLE = [("nadia@prosecution.example", "ar"), ("luc@prosecution.example", "fr"),
          ("amina@prosecution.example", None), ("karim@prosecution.example", "ar"),
          ("chloe@prosecution.example", "fr")]
SUBJECTS = {"ar": "هل ما زالت بيانات الاتصال الخاصة بك صحيحة؟ (EMJ)",
            "fr": "Vos coordonnées sont-elles toujours exactes ? (EMJ)",
            "en": "Are your contact details still right? (EMJ)"}


def queue_campaign(app, *finish) -> None:
    """A campaign's messages, languages interleaved, each with its own link; then `finish`
    (commit, rollback) in the same transaction."""
    messages = [mail.Message(address, "campaign_request", {
        "name": address.partition("@")[0], "network": "EMJ",
        "url": f"https://directory.example/confirm/{address.partition('@')[0]}-token",
        "expires_on": utcnow().date(), "days": 30}, locale) for address, locale in PEOPLE]
    with app.app_context():
        ids = mail.queue_many(messages)
        assert len(ids) == len(PEOPLE)
        for step in finish:
            step()


def test_many_messages_at_once_each_in_its_own_language_with_its_own_link(app, outbox):
    queue_campaign(app, commit)
    assert [(row.recipient, row.status) for row in outbox()] == [
        (address, "sent") for address, _ in PEOPLE]
    written = {}
    for path in eml_files(app):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        written[message["To"]] = message
    assert sorted(written) == sorted(address for address, _ in PEOPLE)
    for address, locale in PEOPLE:
        message, name = written[address], address.partition("@")[0]
        assert message["Subject"] == SUBJECTS[locale or "en"]
        assert message["Content-Language"] == (locale or "en")
        text, html = parts(message)
        assert f"https://directory.example/confirm/{name}-token" in text
        assert f"https://directory.example/confirm/{name}-token" in html
        others = [other for other, _ in PEOPLE if other != address]
        assert not any(f"/confirm/{other.partition('@')[0]}-token" in text for other in others)


def test_many_messages_rolled_back_send_nothing(app, outbox):
    queue_campaign(app, rollback, commit)
    assert outbox() == [] and eml_files(app) == []


def test_one_bad_address_among_many_stores_none(app, outbox):
    with app.app_context():
        try:
            mail.queue_many([mail.Message("amina@prosecution.example", "test", {}),
                             mail.Message("luc@prosecution.example\r\nBcc: x@y", "test", {})])
        except ValueError:
            pass
        else:
            raise AssertionError("a header in an address was accepted")
        commit()
    assert outbox() == [] and eml_files(app) == []
