"""The one module that sends mail (SPEC section 12): render, store in the outbox, deliver.

`queue()` renders a template in the recipient's language and adds an OutboxMessage to the
caller's transaction (a change that is rolled back sends nothing); `queue_many()` does the same
for many messages (a campaign's: rendered a language at a time, stored with one INSERT per
chunk), and `queue` is that for one message. Once that transaction commits, delivery is
arranged (`dispatch`): the outbox is drained by `deliver_due()`, which claims rows with one
UPDATE (queued → sending) so that two processes never take the same row, hands each message
to SMTP (`COUNTERPART_SMTP_URL`) or writes it as an `.eml` file (`COUNTERPART_MAIL_DIR`), and
records the outcome. A refusal (4xx/5xx) or a server that is down puts the message back with
a growing delay; after `MAIL_MAX_ATTEMPTS` it is marked failed.

What "never sent twice" means here:
- `.eml` files: exactly once. The file is named after the message's Message-ID and written
  whole (temporary file, then rename); a row delivered again after its process died finds
  its file and is only marked sent.
- SMTP: at most once. A row whose process died before the server was handed the message
  (`data_started_at` unset) is queued again; one that died while the server was receiving it
  cannot be told apart from one that arrived, so it is marked failed ("may have arrived"),
  never resent by itself. Its Message-ID stays the same, so a copy resent by hand is
  recognised as the same message by the recipient's mail software.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import headerregistry
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import force_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy import Row, and_, event, func, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from directory import vocabulary
from directory.extensions import db
from directory.models import OutboxMessage, User, utcnow
from directory.services import permissions

log = logging.getLogger(__name__)
# Rows claimed at once: one SMTP connection (or one commit of .eml files) serves them all.
BATCH = 100
MAX_DELAY = timedelta(hours=6)
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
INTERRUPTED = ("Interrupted while the mail server was receiving it: it may have arrived, so it "
               "is not sent again automatically.")


class MailError(Exception):
    """A message the server refused or could not take; `code` is the SMTP reply, if any."""

    def __init__(self, text: str, code: int | None = None, connection: bool = False):
        super().__init__(text)
        self.code = code
        # The connection itself failed: every other message of the batch waits as well.
        self.connection = connection


# --- composing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Message:
    """One message to queue: `mail/<template>` rendered with `context` in `locale`."""

    recipient: str
    template: str
    context: dict
    locale: str | None = None
    contact_point_id: int | None = None
    campaign_id: int | None = None


# Outbox rows written by one INSERT statement.
INSERT_CHUNK = 500


def queue(recipient: str, template: str, context: dict, locale: str | None = None, *,
          contact_point_id: int | None = None, campaign_id: int | None = None) -> OutboxMessage:
    """Render `mail/<template>.txt` and `.html` in `locale` (en when None or unknown) and
    store the message in the outbox, in the caller's transaction (flushed, not committed).
    It is delivered once that transaction commits. Raises ValueError when `recipient` is not
    one address (the caller validates addresses; this is the last guard against headers)."""
    [(message_id, values)] = _store([Message(recipient, template, context, locale,
                                             contact_point_id, campaign_id)])
    # The row as the session's object without reading it back (a third of queueing one).
    message = OutboxMessage(id=message_id, **values)
    make_transient_to_detached(message)
    db.session.add(message)
    return message


def queue_many(messages: Iterable[Message]) -> list[int]:
    """`queue` for many messages at once (a campaign's fan-out): the one write path of outbox
    rows. Rendered a language at a time (one `force_locale`, each template fetched once),
    stored with one INSERT per INSERT_CHUNK rows in the caller's transaction, delivered once
    it commits (nothing when it rolls back). The rows' ids, in the order given. Raises
    ValueError, before anything is stored, when a recipient is not one address."""
    return [message_id for message_id, _ in _store(messages)]


def _store(messages: Iterable[Message]) -> list[tuple[int, dict]]:
    """What `queue_many` does, returning each row's id with the values stored."""
    messages = list(messages)
    for message in messages:
        _check_recipient(message.recipient)
    if not messages:
        return []
    by_locale: dict[str, list[int]] = {}
    for position, message in enumerate(messages):
        locale = message.locale if message.locale in vocabulary.LOCALES else "en"
        by_locale.setdefault(locale, []).append(position)
    now = utcnow()
    rows: list[dict | None] = [None] * len(messages)
    for locale, positions in by_locale.items():
        with force_locale(locale):
            translations = _translations()
            templates: dict[str, tuple] = {}
            for position in positions:
                message = messages[position]
                if message.template not in templates:
                    templates[message.template] = _templates(message.template)
                subject, text, html = _render(templates[message.template], message.template,
                                              message.context, locale, translations)
                recipient = message.recipient.strip()
                rows[position] = {
                    "message_id": _new_message_id(), "recipient": recipient,
                    "recipient_hash": recipient_hash(recipient), "template": message.template,
                    "locale": locale, "subject": subject, "body_text": text, "body_html": html,
                    "status": "queued", "attempts": 0, "created_at": now,
                    "next_attempt_at": now, "contact_point_id": message.contact_point_id,
                    "campaign_id": message.campaign_id}
    db.session.flush()  # what the rows refer to (entries, campaigns) is written first
    table = OutboxMessage.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), INSERT_CHUNK):
        ids.extend(db.session.scalars(statement, rows[start:start + INSERT_CHUNK]))
    # Read by the commit's listener (below): delivery once the outermost transaction commits.
    db.session.info["mail_queued"] = True
    return list(zip(ids, rows, strict=True))


def _check_recipient(recipient: str) -> None:
    recipient = recipient.strip()
    if not recipient or "@" not in recipient or any(c in recipient for c in "\r\n<>,;"):
        raise ValueError(f"not one e-mail address: {recipient!r}")


def render(template: str, context: dict, locale: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of a mail template in a language. The subject is the
    template's `subject` block (of the .txt, else the .html), else `context["subject"]`."""
    with force_locale(locale):
        return _render(_templates(template), template, context, locale, _translations())


def _templates(template: str) -> tuple:
    environment = current_app.jinja_env
    return (environment.get_template(f"mail/{template}.txt"),
            environment.get_template(f"mail/{template}.html"))


def _translations() -> dict:
    """The templates' `gettext`/`ngettext` bound to the current language's catalogue, formatting
    and escaping as Jinja's i18n extension does (newstyle): Flask-Babel's own look the catalogue
    up again on every call, a third of rendering a mail."""
    catalogue = get_translations()

    @pass_context
    def gettext(context, string: str, **variables):
        translated = catalogue.ugettext(string)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, **variables):
        variables.setdefault("num", num)
        translated = catalogue.ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    return {"gettext": gettext, "ngettext": ngettext}


def _render(templates: tuple, name: str, context: dict, locale: str,
            translations: dict) -> tuple[str, str, str]:
    """`render` inside the caller's `force_locale(locale)`."""
    text_template, html_template = templates
    values = {**context, **translations, "locale": locale,
              "direction": "rtl" if locale == "ar" else "ltr", "absolute_url": absolute_url}
    text = text_template.render(values).strip() + "\n"
    html = html_template.render(values)
    subject = (_block(text_template, "subject", values)
               or _block(html_template, "subject", values)
               or str(context.get("subject", "")))
    subject = " ".join(subject.split())[:300]
    if not subject:
        raise ValueError(f"mail template {name!r} has no subject")
    return subject, text, html


def _block(template, name: str, values: dict) -> str:
    block = template.blocks.get(name)
    if block is None:
        return ""
    return "".join(block(template.new_context(values))).strip()


def absolute_url(endpoint: str, **values) -> str:
    """A link for a mail: the endpoint's path under `COUNTERPART_BASE_URL` (mails are read
    outside any request, so the request's own host means nothing there)."""
    base = urlsplit(str(current_app.config["BASE_URL"]).rstrip("/"))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def recipient_hash(address: str) -> str:
    """What stays of a recipient after the retention period: it still matches a person's
    address (subject report) without keeping it."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def _sender() -> str:
    return str(current_app.config["MAIL_FROM"])


def _new_message_id() -> str:
    domain = parseaddr(_sender())[1].rpartition("@")[2] or "localhost"
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    return f"<{stamp}.{secrets.token_hex(8)}@{domain}>"


class _HeaderClasses(headerregistry.HeaderRegistry):
    """The standard registry, with each header's class made once: the standard one makes a new
    class for every header of every message, about a fifth of writing an .eml file."""

    def __init__(self):
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


# email.policy.default, the same bytes, faster.
POLICY = email_policy.default.clone(header_factory=_HeaderClasses())


def build(row) -> EmailMessage:
    """The MIME message of an outbox row: plain text with an HTML alternative."""
    message = EmailMessage(policy=POLICY)
    message["From"] = _sender()
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at.replace(tzinfo=UTC))
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text or "")
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    # After the parts: making the alternative moves every Content-* header into the first.
    message["Content-Language"] = row.locale
    return message


# --- after the commit --------------------------------------------------------------------------

def _deliver_now() -> None:
    deliver_due()


# What the commit of a transaction that queued mail calls; services/jobs.py replaces it with
# "enqueue a delivery job".
dispatcher: Callable[[], None] = _deliver_now


def dispatch() -> None:
    """Arrange delivery of what is due; a failure here never fails the caller's commit (the
    messages wait in the outbox for the next delivery)."""
    try:
        dispatcher()
    except Exception:  # noqa: BLE001 - the outbox keeps the messages; logged
        log.exception("Mail delivery could not be arranged; the messages wait in the outbox")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # A savepoint's release fires this too, inside a transaction that may still roll back.
    if not session.in_nested_transaction() and session.info.pop("mail_queued", False):
        dispatch()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop("mail_queued", None)


# --- delivering ----------------------------------------------------------------------------------

@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}


def deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Send every message whose time has come; returns how many were sent, put back to wait,
    and given up. Safe to call from several processes at once."""
    now = now or utcnow()
    recover_interrupted(now)
    outcome = Delivery()
    transport = make_transport()
    while True:
        rows = _claim(now)
        if not rows:
            break
        transport.deliver(rows, _Recorder(now, outcome))
    return outcome.as_dict()


def _claim(now: datetime) -> list[Row]:
    """Take up to BATCH due rows for this process: queued → sending in one UPDATE, so a row
    claimed by another process is not returned here."""
    due = (select(OutboxMessage.id)
           .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
           .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH))
    table = OutboxMessage.__table__
    statement = (update(table)
                 .where(table.c.id.in_(due.scalar_subquery()), table.c.status == "queued")
                 .values(status="sending", claimed_at=now, data_started_at=None,
                         attempts=table.c.attempts + 1)
                 .returning(table.c.id, table.c.message_id, table.c.recipient,
                            table.c.subject, table.c.body_text, table.c.body_html,
                            table.c.locale, table.c.created_at, table.c.attempts))
    with db.engine.begin() as connection:
        rows = connection.execute(statement).all()
    return sorted(rows, key=lambda row: row.id)


class _Recorder:
    """Writes each outcome in its own short transaction: a message handed to the server is
    recorded as sent at once, before the next one is sent."""

    def __init__(self, now: datetime, outcome: Delivery):
        self.now = now
        self.outcome = outcome
        config = current_app.config
        self.max_attempts = max(1, int(config["MAIL_MAX_ATTEMPTS"]))
        self.first_delay = timedelta(seconds=int(config["MAIL_RETRY_SECONDS"]))

    def _set(self, ids: list[int], **values) -> None:
        if not ids:
            return
        table = OutboxMessage.__table__
        with db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id.in_(ids),
                                                   table.c.status == "sending").values(**values))

    def data_started(self, row: Row) -> None:
        self._set([row.id], data_started_at=utcnow())

    def sent(self, rows: list[Row]) -> None:
        self._set([row.id for row in rows], status="sent", sent_at=utcnow(), last_error=None)
        self.outcome.sent += len(rows)

    def failed(self, row: Row, error: str) -> None:
        """Try `row` again later, or give up after the last attempt."""
        error = error[:500]
        if row.attempts >= self.max_attempts:
            self._set([row.id], status="failed", last_error=error, claimed_at=None)
            self.outcome.failed += 1
            return
        delay = min(self.first_delay * 2 ** (row.attempts - 1), MAX_DELAY)
        self._set([row.id], status="queued", last_error=error, claimed_at=None,
                  data_started_at=None, next_attempt_at=self.now + delay)
        self.outcome.retrying += 1


def recover_interrupted(now: datetime | None = None) -> int:
    """Rows left "sending" by a process that died: queued again if the server had not been
    handed them yet, else failed with INTERRUPTED (see the module's docstring)."""
    now = now or utcnow()
    timeout = timedelta(seconds=int(current_app.config["MAIL_SENDING_TIMEOUT_SECONDS"]))
    table = OutboxMessage.__table__
    stalled = and_(table.c.status == "sending", table.c.claimed_at < now - timeout)
    with db.engine.begin() as connection:
        requeued = connection.execute(update(table).where(
            stalled, table.c.data_started_at.is_(None)).values(
            status="queued", claimed_at=None, next_attempt_at=now)).rowcount
        given_up = connection.execute(update(table).where(
            stalled, table.c.data_started_at.is_not(None)).values(
            status="failed", claimed_at=None, last_error=INTERRUPTED)).rowcount
    if requeued or given_up:
        log.warning("Outbox: %s interrupted message(s) queued again, %s marked failed",
                    requeued, given_up)
    return requeued + given_up


# --- transports -----------------------------------------------------------------------------------

def make_transport():
    url = str(current_app.config.get("SMTP_URL") or "").strip()
    if url:
        return SmtpTransport(url, float(current_app.config["SMTP_TIMEOUT"]))
    return FileTransport(mail_dir())


def mail_dir() -> Path:
    configured = str(current_app.config.get("MAIL_DIR") or "").strip()
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


class FileTransport:
    """One `.eml` file per message, readable by the owner only: the embedded default."""

    def __init__(self, folder: Path):
        self.folder = folder

    def deliver(self, rows: list[Row], record: _Recorder) -> None:
        written = []
        for row in rows:
            try:
                self.write(row)
            except OSError as error:
                record.failed(row, f"Could not write the .eml file: {error}")
            else:
                written.append(row)
        record.sent(written)

    def path(self, message_id: str) -> Path:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", message_id.strip("<>").partition("@")[0])
        return self.folder / f"{name}.eml"

    def write(self, row: Row) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.path(row.message_id)
        if path.exists():
            return  # delivered by a process that died before recording it
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(build(row).as_bytes())
        os.replace(temporary, path)


class SmtpTransport:
    """SMTP, plain, STARTTLS or TLS, one connection per batch."""

    def __init__(self, url: str, timeout: float):
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise MailError("COUNTERPART_SMTP_URL must look like smtp://user:password@host:port "
                            "(or smtp+starttls://, smtps://)", connection=True)
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or SCHEMES[parts.scheme]
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.timeout = timeout

    def connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.scheme == "smtps":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port,
                                                        timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            connection.ehlo_or_helo_if_needed()
            if self.scheme == "smtp+starttls":
                connection.starttls(context=context)
                connection.ehlo()
            if self.user:
                connection.login(self.user, self.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def deliver(self, rows: list[Row], record: _Recorder) -> None:
        try:
            connection = self.connect()
        except (OSError, smtplib.SMTPException) as error:
            for row in rows:
                record.failed(row, f"Mail server unreachable: {_describe(error)}")
            return
        try:
            for position, row in enumerate(rows):
                try:
                    self.send(connection, row, record)
                except MailError as error:
                    record.failed(row, str(error))
                    if error.connection:
                        for waiting in rows[position + 1:]:
                            record.failed(waiting, str(error))
                        return
                else:
                    record.sent([row])
        finally:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()

    def send(self, connection: smtplib.SMTP, row: Row, record: _Recorder) -> None:
        sender = parseaddr(_sender())[1]
        try:
            code, reply = connection.mail(sender)
            if code != 250:
                connection.rset()
                raise MailError(f"The server refused the sender: {code} {_text(reply)}", code)
            code, reply = connection.rcpt(row.recipient)
            if code not in (250, 251):
                connection.rset()
                raise MailError(f"The server refused the recipient: {code} {_text(reply)}",
                                code)
            record.data_started(row)
            message = build(row)
            # smtplib leaves the line ends of bytes as they are: SMTP wants CRLF.
            code, reply = connection.data(message.as_bytes(
                policy=message.policy.clone(linesep="\r\n")))
        except smtplib.SMTPResponseException as error:
            raise MailError(f"The server refused the message: {error.smtp_code} "
                            f"{_text(error.smtp_error)}", error.smtp_code) from None
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"The connection failed: {_describe(error)}",
                            connection=True) from None
        if code != 250:
            raise MailError(f"The server refused the message: {code} {_text(reply)}", code)


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


# --- for admins and the pages that count deliveries ---------------------------------------------

def erase(contact_point_id: int | None = None, recipient: str | None = None) -> int:
    """Remove a person's messages from the outbox, with their `.eml` copies (for the erasure
    of a person: by their entry, or by an address, matched by its hash). Flushes; returns
    how many rows went."""
    conditions = []
    if contact_point_id is not None:
        conditions.append(OutboxMessage.contact_point_id == contact_point_id)
    if recipient:
        conditions.append(OutboxMessage.recipient_hash == recipient_hash(recipient))
    if not conditions:
        return 0
    rows = list(db.session.scalars(select(OutboxMessage).where(or_(*conditions))))
    transport = FileTransport(mail_dir())
    for row in rows:
        transport.path(row.message_id).unlink(missing_ok=True)
        db.session.delete(row)
    db.session.flush()
    return len(rows)


def message_status(message_id: int) -> OutboxMessage:
    """One message's row as stored now (after a delivery made outside this session)."""
    db.session.expire_all()
    return db.session.get_one(OutboxMessage, message_id)


def describe_transport() -> str:
    url = str(current_app.config.get("SMTP_URL") or "").strip()
    if url:
        parts = urlsplit(url)
        return f"SMTP {parts.hostname}:{parts.port or SCHEMES.get(parts.scheme, 25)}"
    return f"written as an .eml file in {mail_dir()}"


def status_counts(campaign_id: int | None = None) -> dict[str, int]:
    """How many messages are in each status (of one campaign, when given)."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if campaign_id is not None:
        query = query.where(OutboxMessage.campaign_id == campaign_id)
    counts = dict.fromkeys(("queued", "sending", "sent", "failed"), 0)
    counts.update({status: count for status, count in db.session.execute(query).all()})
    return counts


@dataclass
class OutboxStatus:
    counts: dict[str, int]
    oldest_waiting: datetime | None
    problems: list[OutboxMessage]
    transport: str


def outbox_status(actor: User, problems: int = 50) -> OutboxStatus:
    """The outbox as admins see it: counts by status, the oldest waiting message, and the
    latest messages with an error (recipient, template, attempts, error; never the bodies)."""
    permissions.require_admin(actor)
    oldest = db.session.scalar(select(func.min(OutboxMessage.created_at)).where(
        OutboxMessage.status.in_(("queued", "sending"))))
    latest = list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.last_error.is_not(None),
                                    OutboxMessage.status != "sent")
        .order_by(OutboxMessage.id.desc()).limit(problems)))
    transport = "smtp" if str(current_app.config.get("SMTP_URL") or "").strip() else "files"
    return OutboxStatus(status_counts(), oldest, latest, transport)
