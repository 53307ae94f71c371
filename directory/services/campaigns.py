"""Verification campaigns (SPEC section 11): the people listed confirm or correct their own
entries from a personal link.

`start` records a campaign for one network (all its active entries, or only the stale ones)
and hands the fan-out to background work; `fan_out` makes one `ConfirmationLink` per entry with
an e-mail and puts its message in the outbox, a chunk per transaction, so that the campaign's
page reads the progress while it runs and a restarted job carries on where it stopped.
`send_reminders` sends the one reminder, 14 days on, to those who have not answered (the daily
background work calls it).

A link's token is random (256 bits), mailed and never stored: the database keeps its SHA-256.
It is bound to one entry and one campaign, expires after COUNTERPART_CONFIRM_DAYS, and stops
working once the entry is archived (and, the row going with the entry, once it is erased).
Unknown links are throttled per address, refused corrections per link.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import bindparam, exists, func, insert, or_, select, update

from directory.extensions import db
from directory.models import (
    Campaign,
    ConfirmationLink,
    ContactPoint,
    Email,
    LoginAttempt,
    Membership,
    Network,
    User,
    utcnow,
)
from directory.services import audit, contacts, jobs, proposals
from directory.services.contact_queries import get_contact_point, stale_cutoff
from directory.services.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    TooManyAttempts,
    ValidationFailed,
)
from directory.services.permissions import maintained_networks, require_campaign
from directory.services.throttling import address_group

CHUNK = 500
REMINDER_AFTER_DAYS = 14
MAIL_LOCALES = ("en", "fr", "ar")
ANSWERS = ("confirmed", "corrected", "left")
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
THROTTLE_KEY = "confirm-link"
MAX_REFUSALS_PER_HOUR = 20
MAX_LISTED = 200
log = logging.getLogger(__name__)


class LinkGone(ServiceError):
    """A link that was valid and no longer is: expired, or its entry archived."""

    status = 410
    code = "gone"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its digest."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def mail_locale(languages: list[str] | None) -> str:
    """The person's language for mail: the first of the entry's languages among en, fr, ar."""
    return next((code for code in languages or [] if code in MAIL_LOCALES), "en")


def confirm_days() -> int:
    return int(current_app.config["CONFIRM_DAYS"])


# --- starting --------------------------------------------------------------------------------

def _network(slug: Any) -> Network:
    if not isinstance(slug, str) or not slug.strip():
        raise ValidationFailed({"network": gettext("Name the network (its slug, e.g. emj).")})
    network = db.session.scalars(select(Network).where(Network.slug == slug.strip())).first()
    if network is None:
        raise ValidationFailed({"network": gettext("There is no network '%(network)s'.",
                                                   network=slug[:60])})
    return network


def _targets(campaign: Campaign, today: date | None = None):
    """The entries a campaign aims at: active members of its network (stale ones only, if
    asked)."""
    query = select(ContactPoint.id).where(
        ContactPoint.status == "active",
        ContactPoint.id.in_(select(Membership.contact_point_id)
                            .where(Membership.network_id == campaign.network_id)))
    if campaign.only_stale:
        query = query.where(or_(ContactPoint.last_verified_on.is_(None),
                                ContactPoint.last_verified_on < stale_cutoff(today)))
    return query


def _with_email(query):
    return query.where(exists().where(Email.contact_point_id == ContactPoint.id))


def start(actor: User | None, network: Any, only_stale: Any = False) -> Campaign:
    """Record a campaign for `network` and queue its fan-out (run after the commit).
    `actor` None: the operator at the command line."""
    if not isinstance(only_stale, bool):
        raise ValidationFailed({"only_stale": gettext("Must be true or false.")})
    target = _network(network)
    require_campaign(actor, target.slug)
    campaign = Campaign(network_id=target.id, only_stale=only_stale, status="queued",
                        started_by_id=actor.id if actor is not None else None,
                        starter=actor.email if actor is not None else "operator")
    db.session.add(campaign)
    db.session.flush()
    count = func.count()
    campaign.targeted = db.session.scalar(
        select(count).select_from(_targets(campaign).subquery())) or 0
    reachable = db.session.scalar(
        select(count).select_from(_with_email(_targets(campaign)).subquery())) or 0
    campaign.without_email = campaign.targeted - reachable
    audit.record(actor, "campaign.started", "campaign", campaign.id,
                 {"network": [None, target.slug], "only_stale": [None, only_stale],
                  "targeted": [None, campaign.targeted]},
                 actor_label=None if actor is not None else "operator")
    _enqueue_fan_out(campaign.id)
    return campaign


def _enqueue_fan_out(campaign_id: int) -> None:
    """Background work: handed to the jobs' queue once the campaign is committed."""
    jobs.enqueue("campaigns.fan_out", campaign_id=campaign_id)


# --- fan-out ---------------------------------------------------------------------------------

def _stopped(campaign_id: int, reason: str, **_arguments) -> None:
    """The fan-out was given up (its process died too often): the campaign says so, with
    what was sent, and the log says why; the caller commits."""
    log.warning("Campaign %s stopped: %s", campaign_id, reason)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is not None and campaign.status != "sent":
        campaign.status, campaign.finished_at = "stopped", utcnow()


@jobs.job("campaigns.fan_out", gave_up=_stopped)
def fan_out(campaign_id: int, chunk: int = CHUNK) -> int:
    """Make the campaign's links and queue their messages, `chunk` entries a transaction
    (committed here: the campaign's page reads the progress, and a job restarted after a
    crash skips the entries already done). How many of its messages are in the outbox."""
    from directory.services import mail

    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status in ("sent", "stopped"):
        return 0
    campaign.status = "sending"
    db.session.commit()
    queued = db.session.scalar(select(func.count()).where(
        ConfirmationLink.campaign_id == campaign_id)) or 0
    reachable = campaign.targeted - campaign.without_email
    while True:
        jobs.progress("messages", queued, reachable)
        done = select(ConfirmationLink.contact_point_id).where(
            ConfirmationLink.campaign_id == campaign_id)
        ids = list(db.session.scalars(_with_email(_targets(campaign))
                                      .where(ContactPoint.id.not_in(done))
                                      .order_by(ContactPoint.id).limit(chunk)))
        if not ids:
            break
        queued += _send_chunk(campaign, ids)
        # Delivery is arranged once, at the end: the embedded default delivers in the
        # committing process, which would otherwise hold up the rest of the fan-out.
        db.session.info.pop("mail_queued", None)
        db.session.commit()
    campaign = db.session.get(Campaign, campaign_id)
    campaign.status, campaign.finished_at = "sent", utcnow()
    db.session.commit()
    mail.dispatch()
    return queued


def _recipients(ids: list[int]) -> list[tuple[int, str, str, list[str]]]:
    """(entry id, first e-mail, display name, languages) of these entries."""
    names = {entry_id: (" ".join(part for part in (given, family) if part), languages)
             for entry_id, given, family, languages in db.session.execute(
                 select(ContactPoint.id, ContactPoint.given_name, ContactPoint.family_name,
                        ContactPoint.languages).where(ContactPoint.id.in_(ids)))}
    first: dict[int, str] = {}
    for entry_id, address in db.session.execute(
            select(Email.contact_point_id, Email.address).where(Email.contact_point_id.in_(ids))
            .order_by(Email.contact_point_id, Email.position, Email.id)):
        first.setdefault(entry_id, address)
    return [(entry_id, first[entry_id], *names[entry_id]) for entry_id in ids
            if entry_id in first]


def _send_chunk(campaign: Campaign, ids: list[int]) -> int:
    from directory.services import mail

    now = utcnow()
    expires = now + timedelta(days=confirm_days())
    rows, messages = [], []
    for entry_id, address, name, languages in _recipients(ids):
        token, token_digest = new_token()
        locale = mail_locale(languages)
        rows.append({"campaign_id": campaign.id, "contact_point_id": entry_id,
                     "token_digest": token_digest, "locale": locale, "created_at": now,
                     "expires_at": expires, "sent_at": now, "refusals": 0})
        messages.append(mail.Message(address, "campaign_request", {
            "name": name, "network": campaign.network.label(locale),
            "url": mail.absolute_url("confirm.page", token=token),
            "expires_on": expires.date(), "days": confirm_days()}, locale,
            contact_point_id=entry_id, campaign_id=campaign.id))
    db.session.execute(insert(ConfirmationLink.__table__), rows)
    mail.queue_many(messages)
    return len(messages)


@jobs.job("campaigns.send_reminders")
def send_reminders_job() -> int:
    """The daily reminders as a job of their own (the daily work may queue it)."""
    sent = send_reminders()
    db.session.commit()
    return sent


def send_reminders(now: datetime | None = None) -> int:
    """The one reminder, REMINDER_AFTER_DAYS after a campaign, to those who have not answered
    and whose link still works; each gets a fresh link to the same answer (the first keeps
    working too). Flushes; the caller (the daily job) commits. How many were sent."""
    from directory.services import mail

    now = now or utcnow()
    due = list(db.session.scalars(select(Campaign).where(
        Campaign.status == "sent", Campaign.reminded_at.is_(None),
        Campaign.created_at <= now - timedelta(days=REMINDER_AFTER_DAYS))))
    sent = 0
    for campaign in due:
        links = list(db.session.execute(
            select(ConfirmationLink.id, ConfirmationLink.contact_point_id,
                   ConfirmationLink.locale, ConfirmationLink.expires_at)
            .join(ContactPoint, ContactPoint.id == ConfirmationLink.contact_point_id)
            .where(ConfirmationLink.campaign_id == campaign.id,
                   ConfirmationLink.answer.is_(None), ConfirmationLink.reminded_at.is_(None),
                   ConfirmationLink.expires_at > now, ContactPoint.status == "active")))
        people = {row[0]: row for row in _recipients([link.contact_point_id for link in links])}
        digests, messages = [], []
        for link in links:
            if link.contact_point_id not in people:
                continue
            _, address, name, _ = people[link.contact_point_id]
            token, token_digest = new_token()
            digests.append({"link_id": link.id, "digest": token_digest})
            messages.append(mail.Message(address, "campaign_reminder", {
                "name": name, "network": campaign.network.label(link.locale),
                "url": mail.absolute_url("confirm.page", token=token),
                "expires_on": link.expires_at.date()}, link.locale,
                contact_point_id=link.contact_point_id, campaign_id=campaign.id))
        if digests:
            table = ConfirmationLink.__table__
            db.session.execute(update(table).where(table.c.id == bindparam("link_id"))
                               .values(reminder_digest=bindparam("digest"), reminded_at=now),
                               digests)
        mail.queue_many(messages)
        sent += len(messages)
        campaign.reminded_at = now
    db.session.flush()
    return sent


# --- reading ---------------------------------------------------------------------------------

def _may_read(actor: User, campaign: Campaign) -> bool:
    allowed = maintained_networks(actor)
    return allowed is None or campaign.network.slug in allowed


def get_campaign(actor: User, campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not _may_read(actor, campaign):
        raise NotFound(gettext("There is no campaign %(id)s.", id=campaign_id))
    return campaign


def list_campaigns(actor: User, network: str) -> list[Campaign]:
    """The network's campaigns, the newest first, for its secretariats and administrators."""
    target = _network(network)
    allowed = maintained_networks(actor)
    if allowed is not None and target.slug not in allowed:
        raise PermissionDenied(gettext("You do not maintain the network '%(network)s'.",
                                       network=target.slug))
    return list(db.session.scalars(select(Campaign).where(Campaign.network_id == target.id)
                                   .order_by(Campaign.id.desc()).limit(MAX_LISTED)))


def _deliveries(campaign_id: int) -> dict[str, int]:
    """The campaign's messages by outbox status."""
    from directory.services import mail

    return mail.status_counts(campaign_id=campaign_id)


def counts(campaign: Campaign) -> dict[str, int]:
    """sent, confirmed, corrected, left, no_answer; failed and waiting deliveries."""
    answers = dict(db.session.execute(
        select(ConfirmationLink.answer, func.count()).where(
            ConfirmationLink.campaign_id == campaign.id).group_by(ConfirmationLink.answer)).all())
    sent = sum(answers.values())
    deliveries = _deliveries(campaign.id)
    result = {"sent": sent, **{answer: answers.get(answer, 0) for answer in ANSWERS}}
    result["no_answer"] = answers.get(None, 0)
    result["failed"] = deliveries.get("failed", 0)
    result["waiting"] = sum(count for status, count in deliveries.items()
                            if status not in ("sent", "failed"))
    return result


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id, "network": campaign.network.slug, "only_stale": campaign.only_stale,
        "status": campaign.status, "started_by": campaign.starter,
        "created_at": campaign.created_at.isoformat() + "Z",
        "finished_at": campaign.finished_at.isoformat() + "Z" if campaign.finished_at else None,
        "reminded_at": campaign.reminded_at.isoformat() + "Z" if campaign.reminded_at else None,
        "targeted": campaign.targeted, "without_email": campaign.without_email,
        **counts(campaign),
    }


# --- the person's link -----------------------------------------------------------------------

def _throttled(address: str, now: datetime) -> bool:
    window = now - timedelta(minutes=float(current_app.config["LOGIN_WINDOW_MINUTES"]))
    failures = db.session.scalar(select(func.count()).where(
        LoginAttempt.account == THROTTLE_KEY, LoginAttempt.address == address,
        LoginAttempt.at >= window, LoginAttempt.succeeded.is_(False))) or 0
    return failures >= int(current_app.config["LOGIN_FAILURES_PER_ADDRESS"])


def open_link(token: str, address: str | None) -> tuple[ConfirmationLink | None,
                                                         ServiceError | None]:
    """The link a token names, or why there is none: 404 (unknown, tampered, or its entry
    erased), 410 (expired, or its entry archived), 429 (too many unknown links from this
    address). Unknown tokens are counted (the caller commits even then)."""
    now = utcnow()
    group = address_group(address)
    if _throttled(group, now):
        return None, TooManyAttempts(ngettext(
            "Too many links that do not work were opened from your network. Wait %(num)s "
            "minute and try again.", "Too many links that do not work were opened from your "
            "network. Wait %(num)s minutes and try again.",
            int(current_app.config["LOGIN_WINDOW_MINUTES"])))
    link = None
    if TOKEN.fullmatch(token or ""):
        token_digest = digest(token)
        link = db.session.scalars(select(ConfirmationLink).where(or_(
            ConfirmationLink.token_digest == token_digest,
            ConfirmationLink.reminder_digest == token_digest))).first()
    if link is None:
        db.session.add(LoginAttempt(at=now, account=THROTTLE_KEY, address=group,
                                    succeeded=False, known=True))
        return None, NotFound(gettext(
            "This link does not work. Check that you copied the whole address from the "
            "e-mail; if it still does not work, write to your network's secretariat."))
    if link.expires_at <= now:
        return None, LinkGone(gettext(
            "This link has expired. Your network's secretariat can send you a new one."))
    if link.contact_point.status == "archived":
        return None, LinkGone(gettext("This link no longer works: the entry it was for is "
                                      "no longer in the directory."))
    return link, None


def _label(link: ConfirmationLink) -> str:
    """Who answered, as proposals and the audit show it."""
    return f"contact point (campaign {link.campaign_id})"


def _require_unanswered(link: ConfirmationLink) -> None:
    if link.answer is not None:
        raise Conflict(gettext("You have already answered; thank you."))


def _answered(link: ConfirmationLink, answer: str, proposal_id: int | None = None) -> None:
    link.answer, link.answered_at, link.proposal_id = answer, utcnow(), proposal_id
    db.session.flush()


def still_correct(link: ConfirmationLink) -> None:
    """The person says their entry is right: last verified today."""
    _require_unanswered(link)
    contacts.confirm_by_person(link.contact_point_id, _label(link), link.campaign_id)
    _answered(link, "confirmed")


def correct(link: ConfirmationLink, payload: Any) -> None:
    """The person's corrections: a proposal the network's secretariats decide. Invalid
    values: ValidationFailed naming the fields, nothing stored (the caller rolls back and
    counts the refusal with `refused`)."""
    _require_unanswered(link)
    recent = link.refusals_since is not None and link.refusals_since >= utcnow() - timedelta(
        hours=1)
    if recent and link.refusals >= MAX_REFUSALS_PER_HOUR:
        raise TooManyAttempts(gettext("Too many attempts with this link. Try again in an "
                                      "hour."))
    proposal = contacts.propose_correction(link.contact_point_id, payload, _label(link),
                                           campaign_id=link.campaign_id)
    if proposal is None:
        raise ValidationFailed({"": gettext(
            "You changed nothing. If your details are right, choose “Still correct”.")})
    _answered(link, "corrected", proposal.id)


def refused(link_id: int) -> None:
    """Count a refused correction (after the rollback of what it tried)."""
    link = db.session.get(ConfirmationLink, link_id)
    if link is not None:
        now = utcnow()
        if link.refusals_since is None or link.refusals_since < now - timedelta(hours=1):
            link.refusals, link.refusals_since = 0, now
        link.refusals += 1
        db.session.flush()


def leave(link: ConfirmationLink) -> None:
    """The person is no longer in this post: a proposal that they leave the network."""
    _require_unanswered(link)
    contact_point = get_contact_point(link.contact_point_id)
    network = link.campaign.network
    if network.slug not in contact_point.network_slugs:
        raise LinkGone(gettext("This link no longer works: the entry has left %(network)s.",
                               network=network.label()))
    proposal = proposals.propose_leave(contact_point, network, _label(link),
                                       campaign_id=link.campaign_id)
    _answered(link, "left", proposal.id)
