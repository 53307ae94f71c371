"""Helpers for the campaign tests: start a campaign, see its fan-out through, read the mail
it wrote (the .eml files of the embedded default) and the links in it."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

from directory.services import campaigns, commit

LINK = re.compile(r"https?://[^\s\"<>]+/confirm/([A-Za-z0-9_-]{43})")


def finish_fan_out(app, campaign_id: int) -> None:
    """Run the campaign's fan-out to its end in this process (a no-op when background work
    has done it already), and let the outbox deliver."""
    with app.app_context():
        campaigns.fan_out(campaign_id)
        commit()


def eml_files(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "outbox").glob("*.eml"))


def read_mail(app) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in eml_files(app)]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_by_recipient(app) -> dict[str, list[str]]:
    """recipient → the confirmation tokens mailed to them, in the order sent."""
    found: dict[str, list[str]] = {}
    for message in read_mail(app):
        for token in LINK.findall(text_of(message)):
            found.setdefault(str(message["To"]), []).append(token)
    return found
