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

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """Counterpart: the contact-point directory of the cross-Mediterranean action plans."""


def fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


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
    for command in (init_db, create_user, create_token, reindex, demo_data, quickstart):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
@service_command
def init_db() -> None:
    """Create or upgrade the schema and seed the vocabularies (safe to run twice)."""
    from directory.services import schema, search

    schema.init_db()
    search.catch_up()
    click.echo("Database ready.")


@click.command("create-user")
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
    """Create a user; prints a one-time password unless --password-stdin is given."""
    from directory.services import commit, users

    generated = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = generated = users.generate_password()
    users.create_user(None, {"email": email, "role": role, "networks": list(networks),
                             "country": country, "organisation": organisation, "name": name,
                             "password": password})
    commit()
    click.echo(f"Created {role} {email.strip().lower()}.")
    if generated:
        click.echo(f"One-time password: {generated}")


@click.command("create-token")
@click.argument("email")
@with_appcontext
@service_command
def create_token(email) -> None:
    """Print a new API token for a user (shown once; stored hashed)."""
    from directory.services import commit, users

    user = users.find_user(email)
    if user is None:
        fail(f"there is no user {email}.")
    if not user.active:
        fail(f"the user {email} is deactivated.")
    token = users.create_token(None, user)
    commit()
    click.echo(token)


@click.command("reindex")
@with_appcontext
@service_command
def reindex() -> None:
    """Rebuild the search index from the database (into a new directory, then swapped in)."""
    import time

    from directory.services import search

    started = time.perf_counter()
    search.rebuild()
    click.echo(f"Search index rebuilt in {time.perf_counter() - started:.1f} s.")


@click.command("demo-data")
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


@click.command("quickstart")
@click.option("--count", default=300, show_default=True, type=click.IntRange(0, 100_000),
              help="Demo entries to load into an empty directory.")
@with_appcontext
@service_command
def quickstart(count) -> None:
    """First run: init-db, demo data if the directory is empty, a one-time admin password."""
    from sqlalchemy import func, select

    from directory.extensions import db
    from directory.models import ContactPoint, User
    from directory.services import commit, demo, schema, search, users

    schema.init_db()
    if not db.session.scalar(select(func.count(User.id)).where(User.role == "admin")):
        password = users.generate_password()
        users.create_user(None, {"email": "admin@counterpart.example", "role": "admin",
                                 "name": "Administrator", "password": password})
        commit()
        click.echo("Sign in as admin@counterpart.example with the one-time password "
                   f"{password}  (change it under 'My account').")
    if count and not db.session.scalar(select(func.count(ContactPoint.id))):
        made, logged = demo.load(count)
        click.echo(f"Loaded {made} synthetic demo entries and {logged} initial contacts.")
    search.catch_up()
