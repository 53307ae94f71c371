"""The `counterpart` command line: thin wrappers over the services.

Errors are one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from directory.services.errors import ServiceError


def _create_app() -> Flask:
    from directory import create_app
    from directory.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        fail(str(error), 2)
        raise  # not reached: fail() exits


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """Counterpart: the contact-point directory of the cross-Mediterranean action plans."""


def fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


class OneLineErrors(click.Command):
    """Bad arguments are one line ("Error: ...") and exit 2, not click's usage text."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as error:
            message = " ".join(error.format_message().split())
            raise click.UsageError(f"{message} (see --help)") from None


def command(name: str, **attrs) -> Callable:
    return click.command(name, cls=OneLineErrors, **attrs)


def service_command(function: Callable) -> Callable:
    """Turn service refusals and database trouble into one clear line and exit 1."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from directory.services import rollback

        try:
            return function(*args, **kwargs)
        except ServiceError as error:
            rollback()
            details = "; ".join(f"{field}: {message}" for field, message in error.fields.items()
                                if field)
            fail(f"{error.message}{' (' + details + ')' if details else ''}")
        except (OperationalError, ProgrammingError) as error:
            rollback()
            fail("the database is not reachable or not initialised (run `counterpart init-db`): "
                 + str(error.orig).splitlines()[0])

    return wrapper


def register_commands(app: Flask) -> None:
    for command in (init_db, create_user, create_token, revoke_token, reindex, demo_data,
                    quickstart, indicators, import_list, export, backup, restore, mail_test,
                    worker, purge, campaign, subject_report, erase):
        app.cli.add_command(command)


@command("init-db")
@with_appcontext
@service_command
def init_db() -> None:
    """Create or upgrade the schema and seed the vocabularies (safe to run twice)."""
    from directory.services import schema, search

    schema.init_db()
    search.catch_up()
    click.echo("Database ready.")


@command("create-user")
@click.argument("email")
@click.option("--role", required=True,
              type=click.Choice(["prosecutor", "secretariat", "reporter", "admin"]))
@click.option("--network", "networks", multiple=True, help="A network the secretariat maintains.")
@click.option("--country", help="ISO country code of the user's office, e.g. MA.")
@click.option("--organisation", help="The user's organisation.")
@click.option("--name", default="", help="The user's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@service_command
def create_user(email, role, networks, country, organisation, name, password_stdin) -> None:
    """Create a user; prints a one-time password (to be changed at the first sign-in) unless
    --password-stdin is given."""
    from directory.services import commit, passwords, users

    generated = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = generated = passwords.generate()
    users.create_user(None, {"email": email, "role": role, "networks": list(networks),
                             "country": country, "organisation": organisation, "name": name,
                             "password": password}, one_time_password=generated is not None)
    commit()
    click.echo(f"Created {role} {email.strip().lower()}.")
    if generated:
        click.echo(f"One-time password: {generated}")


def _user_or_fail(email: str):
    from directory.services import users

    user = users.find_user(email)
    if user is None:
        fail(f"there is no user {email}.")
    return user


@command("create-token")
@click.argument("email")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3650),
              help="Days until the token expires.")
@click.option("--name", default="", help="What the token is for, shown in the token lists.")
@with_appcontext
@service_command
def create_token(email, days, name) -> None:
    """Print a new API token for a user (shown once; stored hashed); it expires after --days."""
    from directory.services import commit, tokens

    user = _user_or_fail(email)
    if not user.active:
        fail(f"the user {email} is deactivated.")
    _, token = tokens.create_token(None, user, days=days, name=name)
    commit()
    click.echo(token)


@command("revoke-token")
@click.argument("email")
@click.option("--all", "every", is_flag=True, help="Revoke every token of the user.")
@click.option("--id", "token_id", type=click.IntRange(1), help="Revoke the token with this id.")
@with_appcontext
@service_command
def revoke_token(email, every, token_id) -> None:
    """Revoke one token of a user (--id N, as listed on their account page) or all (--all)."""
    from directory.services import commit, tokens

    if every == (token_id is not None):
        fail("give either --all or --id N.", 2)
    user = _user_or_fail(email)
    if every:
        count = tokens.revoke_all(None, user, "command line")
        commit()
        click.echo(f"Revoked {count} token(s) of {user.email}.")
        return
    tokens.revoke(None, user, token_id)
    commit()
    click.echo(f"Revoked token {token_id} of {user.email}.")


@command("mail-test")
@click.argument("email")
@click.option("--language", default="en", show_default=True, type=click.Choice(["en", "fr", "ar"]))
@with_appcontext
@service_command
def mail_test(email, language) -> None:
    """Send a test message to EMAIL through the outbox, to check the mail settings."""
    from directory.services import commit, mail

    try:
        message_id = mail.queue(email, "test", {}, language).id
    except ValueError:
        fail(f"{email!r} is not one e-mail address.", 2)
    commit()
    mail.deliver_due()  # here and now, not by whichever process runs the jobs
    status = mail.message_status(message_id)
    if status.status == "sent":
        where = mail.describe_transport()
        click.echo(f"Sent ({where}).")
    else:
        fail(f"Not sent yet ({status.status}): {status.last_error or 'waiting'}")


@command("worker")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Jobs run at once by this process.")
@with_appcontext
def worker(threads) -> None:
    """Run background jobs (imports, mail, the daily purge) in this process until stopped;
    for deployments with COUNTERPART_REDIS_URL, on as many nodes as wanted."""
    import logging

    from flask import current_app

    from directory.services import jobs

    app = current_app._get_current_object()
    if app.config.get("JOBS_IMMEDIATE"):
        fail("COUNTERPART_JOBS_IMMEDIATE is set: jobs run where they are queued, not in a worker.",
             2)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    where = app.config.get("REDIS_URL") or jobs.jobs_file(app)
    click.echo(f"Worker started ({threads} thread(s)) on {_without_password(str(where))}.")
    jobs.run_worker(app, threads)


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


@command("purge")
@with_appcontext
@service_command
def purge() -> None:
    """Remove what has outlived its retention period (also done by a daily job)."""
    from directory.services import commit, retention

    removed = retention.purge()
    commit()
    labels = {"login_attempts": "sign-in attempts", "access_log": "access log reads",
              "mail_bodies": "mail bodies and addresses",
              "event_notes": "notes of initial contacts",
              "import_previews": "unconfirmed imports' files", "finished_jobs": "finished jobs"}
    for key, label in labels.items():
        click.echo(f"{removed.get(key, 0):>8}  {label}")


@command("reindex")
@with_appcontext
@service_command
def reindex() -> None:
    """Rebuild the search index from the database (into a new directory, then swapped in)."""
    import time

    from directory.services import search

    started = time.perf_counter()
    search.rebuild()
    click.echo(f"Search index rebuilt in {time.perf_counter() - started:.1f} s.")


@command("demo-data")
@click.option("--count", default=300, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--events", default=None, type=click.IntRange(0, 10_000_000),
              help="Initial contacts to generate (default: two per entry).")
@with_appcontext
@service_command
def demo_data(count, events) -> None:
    """Load synthetic demo entries and initial contacts (never real people)."""
    import time

    from directory.services import demo

    started = time.perf_counter()
    made, logged = demo.load(count, events)
    click.echo(f"Loaded {made} demo entries and {logged} initial contacts "
               f"in {time.perf_counter() - started:.1f} s.")


@command("quickstart")
@click.option("--count", default=300, show_default=True, type=click.IntRange(0, 100_000),
              help="Demo entries to load into an empty directory.")
@with_appcontext
@service_command
def quickstart(count) -> None:
    """First run: init-db, demo data if the directory is empty, a one-time admin password."""
    from sqlalchemy import func, select

    from directory.extensions import db
    from directory.models import ContactPoint, User
    from directory.services import commit, demo, passwords, schema, search, users

    schema.init_db()
    if not db.session.scalar(select(func.count(User.id)).where(User.role == "admin")):
        password = passwords.generate()
        users.create_user(None, {"email": "admin@counterpart.example", "role": "admin",
                                 "name": "Administrator", "password": password},
                          one_time_password=True)
        commit()
        click.echo("Sign in as admin@counterpart.example with the one-time password "
                   f"{password}  (you choose your own password and set up two-step sign-in "
                   "then).")
    if count and not db.session.scalar(select(func.count(ContactPoint.id))):
        made, logged = demo.load(count)
        click.echo(f"Loaded {made} synthetic demo entries and {logged} initial contacts.")
    search.catch_up()


@command("indicators")
@click.option("--from", "start", required=True, help="First day of the period, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day of the period (included), YYYY-MM-DD.")
@click.option("--by", default="quarter", show_default=True,
              type=click.Choice(["quarter", "month", "year", "country", "counterpart-country",
                                 "network", "matter", "channel", "country-pair"]))
@click.option("--format", "output", default="csv", show_default=True,
              type=click.Choice(["csv", "json"]))
@with_appcontext
@service_command
def indicators(start, end, by, output) -> None:
    """Print the direct-contacts indicators (the numbers of GET /api/v1/indicators)."""
    import json

    from directory.services import indicators as report_service

    start, end, by = report_service.parse_period(start, end, by)
    report = report_service.build_report(None, start, end, by)
    if output == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(report_service.to_csv(report), nl=False)


@command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--network", required=True, help="The network whose list this is, e.g. emj.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--sheet", help="The XLSX sheet to read (default: the first).")
@click.option("--archive-missing", is_flag=True,
              help="Archive the network's entries missing from the list (by default they are "
                   "only reported).")
@click.option("--as", "as_user", metavar="EMAIL",
              help="Record the import as this user's (and check their networks).")
@with_appcontext
@service_command
def import_list(file, network, dry_run, sheet, archive_missing, as_user) -> None:
    """Import a network's list (CSV or XLSX): exit 0 on success, 1 on validation errors
    (nothing written), 2 on unusable input."""
    from pathlib import Path

    from directory.services import commit, users
    from directory.services import imports as import_service

    actor = None
    if as_user:
        actor = users.find_user(as_user)
        if actor is None:
            fail(f"there is no user {as_user}.")
    path = Path(file)
    if not path.is_file():
        fail(f"{file}: no such file.", 2)
    run = import_service.preview if dry_run else import_service.apply
    with import_service.collector_paused():
        report = run(actor, path, network, sheet=sheet, filename=path.name,
                     archive_missing=archive_missing)
    if report.unusable:
        commit()  # the refused run is recorded
        fail(str(report.unusable), 2)
    if report.errors:
        commit()
        for error in report.errors:
            click.echo(str(error), err=True)
        fail(f"{len(report.errors)} error(s) in {path.name}; nothing was imported.", 1)
    if dry_run:
        for change in report.change_rows():
            where = f"line {change['line']}" if change["line"] else "not in the list"
            entry = f" entry {change['entry']}" if change["entry"] else ""
            click.echo(f"{where}: {change['action']}{entry} {change['name']}"
                       + (": " + "; ".join(map(str, change["changes"]))
                          if change["changes"] else ""))
        commit()
    else:
        import_service.commit_import(report)
    counts = report.counts
    missing = (f"{counts['missing']} missing from the list ({counts['archived']} archived, "
               f"{counts['memberships_removed']} memberships removed)"
               if archive_missing and not dry_run
               else f"{counts['missing']} missing from the list (kept; --archive-missing "
                    "archives them)")
    proposed = "".join(f", {number} changes proposed to entries shared with {other}"
                       for other, number in counts.get("proposed_to", {}).items())
    click.echo(("Dry run, nothing written: " if dry_run else "Imported: ")
               + f"{counts['rows']} rows of {network}: {counts['created']} created, "
               f"{counts['updated']} updated, {counts['memberships_added']} memberships added"
               f"{proposed}, {counts['unchanged']} unchanged, {missing}. "
               f"Import run {report.run_id}.")


@command("export")
@click.option("--format", "output_format", required=True,
              type=click.Choice(["csv", "xlsx", "vcard"]))
@click.option("--network", help="Only the entries of this network.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write.")
@click.option("--as", "as_user", metavar="EMAIL", help="Export as this user (their networks).")
@with_appcontext
@service_command
def export(output_format, network, output, as_user) -> None:
    """Export entries as CSV, XLSX (every cell text) or vCard."""
    from directory.services import access_log, commit, exports

    actor = _user_or_fail(as_user) if as_user else None
    result = exports.export(actor, output_format, network=network, channel="cli")
    with open(output, "wb") as handle:
        handle.write(result.content)
    access_log.flush()
    commit()
    click.echo(f"Exported {result.count} entries to {output}.")


@command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The new file to write (it must not exist).")
@with_appcontext
@service_command
def backup(output) -> None:
    """A consistent copy of the whole directory while it runs (SQLite: the online backup API;
    PostgreSQL: pg_dump)."""
    from pathlib import Path

    from directory.services import backups

    outcome = backups.backup(Path(output))
    click.echo(f"Backed up the {outcome.engine} database to {outcome.path} "
               f"({outcome.size:,} bytes).")


@command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
@service_command
def restore(file) -> None:
    """Fill this empty instance from a backup, then rebuild the search index."""
    from pathlib import Path

    from directory.services import backups

    outcome = backups.restore(Path(file))
    click.echo(f"Restored {outcome.path} ({outcome.entries} entries); search index rebuilt.")


@command("subject-report")
@click.argument("contact_point_id", metavar="ID", type=click.IntRange(1))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write (JSON).")
@with_appcontext
@service_command
def subject_report(contact_point_id, output) -> None:
    """Everything the directory holds about one person, as JSON (SPEC section 13)."""
    import os

    from directory.services import commit, personal_data

    report = personal_data.subject_report(None, contact_point_id)
    text = personal_data.report_text(report)
    # Personal data: readable by its owner only.
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    commit()
    click.echo(f"Wrote the subject report of entry {contact_point_id} to {output}.")


@command("erase")
@click.argument("contact_point_id", metavar="ID", type=click.IntRange(1))
@click.option("--reason", required=True, help="Why this person's data is erased (audited).")
@with_appcontext
@service_command
def erase(contact_point_id, reason) -> None:
    """Erase everything the directory holds about one person (SPEC section 13)."""
    from directory.services import commit, personal_data

    erasure = personal_data.erase(None, contact_point_id, reason)
    commit()
    personal_data.finish(erasure)
    done = ", ".join(f"{place} {count}" for place, count in erasure.counts.items() if count)
    click.echo(f"Erased entry {contact_point_id} ({done}).")
    if erasure.unfinished:
        fail(f"the database is erased, but not yet: {', '.join(erasure.unfinished)} (see the "
             "log; run `counterpart reindex` for the search index, or erase again the files).")


@command("campaign")
@click.option("--network", required=True, help="The network whose entries are asked.")
@click.option("--only-stale", is_flag=True,
              help="Only the entries not verified within the stale period (a year).")
@click.option("--as", "as_user", metavar="EMAIL",
              help="Start it as this user (their permissions apply).")
@with_appcontext
@service_command
def campaign(network, only_stale, as_user) -> None:
    """Start a verification campaign: every targeted person with an e-mail gets a personal
    link (SPEC section 11). The messages are prepared and sent by background work."""
    from directory.services import campaigns, commit

    actor = _user_or_fail(as_user) if as_user else None
    started = campaigns.start(actor, network, only_stale)
    campaign_id, targeted, without = started.id, started.targeted, started.without_email
    commit()
    click.echo(f"Campaign {campaign_id} started for {network}: {targeted} entries, "
               f"{targeted - without} with an e-mail address; their messages are being "
               f"prepared in the background.")
