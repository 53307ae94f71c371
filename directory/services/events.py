"""Initial contacts: logging one, marking it established later, voiding it, listing one's own.

Events are append-only. A mistake is corrected by voiding the event with a reason: the event
stays (and is audited) but no longer counts. The counterpart's country and the network used are
copied onto the event when it is logged, so a later edit of the entry does not rewrite history.
The same (user, idempotency_key) twice gives back the first event: a retried request or a
double click logs one contact.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from directory import vocabulary
from directory.extensions import current_locale, db
from directory.models import (
    ContactPoint,
    InitialContact,
    Membership,
    Network,
    Specialism,
    User,
    utcnow,
)
from directory.services import audit
from directory.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from directory.services.numbers import as_whole_number, parse_whole_number
from directory.services.permissions import require_log_contacts
from imports.messages import N_

PLANS = tuple(vocabulary.PLANS)
NOTE_LIMIT = 500
REASON_LIMIT = 500
KEY_LIMIT = 100
# The fields a client sends; the answer adds id, voided and what was captured at logging time.
FIELDS = ("contact_point_id", "network", "plan", "occurred_on", "matter", "channel", "purpose",
          "established", "established_on", "note", "idempotency_key")


# --- JSON shape ------------------------------------------------------------------------------

def event_json(event: InitialContact) -> dict[str, Any]:
    return {
        "id": event.id,
        "contact_point_id": event.contact_point_id,
        "network": event.network,
        "plan": event.plan,
        "occurred_on": event.occurred_on.isoformat(),
        "matter": event.matter,
        "channel": event.channel,
        "purpose": event.purpose,
        "established": event.established,
        "established_on": event.established_on.isoformat() if event.established_on else None,
        "note": event.note,
        "idempotency_key": event.idempotency_key,
        "counterpart_country": event.counterpart_country,
        "requesting_country": event.requesting_country,
        "requesting_organisation": event.requesting_organisation,
        "voided": event.voided,
        "voided_at": event.voided_at.isoformat(timespec="seconds") + "Z"
        if event.voided_at else None,
        "void_reason": event.void_reason,
        "created_at": event.created_at.isoformat(timespec="seconds") + "Z",
    }


def _audited_state(event: InitialContact) -> dict[str, Any]:
    state = event_json(event)
    for key in ("id", "created_at", "voided_at"):
        state.pop(key)
    return state


# --- validation ------------------------------------------------------------------------------

def _date(value: Any, field: str, errors: dict[str, str], today: date) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            errors[field] = gettext("'%(value)s' is not a date (use YYYY-MM-DD).", value=value)
            return None
    else:
        errors[field] = gettext("Must be a date written YYYY-MM-DD.")
        return None
    if parsed > today:
        errors[field] = gettext("Cannot be in the future.")
        return None
    return parsed


# What a missing choice asks for, in plain words: the form's own list offers the values.
CHOOSE = {"matter": N_("Choose the matter of the contact."),
          "channel": N_("Choose how you made the contact."),
          "purpose": N_("Choose the purpose of the contact.")}


def _choice(value: Any, field: str, allowed: dict[str, Any] | set[str] | tuple,
            errors: dict[str, str], required: bool = True) -> str | None:
    if value in (None, ""):
        if required:
            errors[field] = gettext(CHOOSE[field])
        return None
    if not isinstance(value, str) or value not in allowed:
        # Only a client of the API sends a value that is not on the form: name the codes.
        errors[field] = gettext("'%(value)s' is not one of %(choices)s.", value=value,
                                choices=", ".join(allowed))
        return None
    return value


def _text(value: Any, field: str, limit: int, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors[field] = gettext("Must be text.")
        return None
    value = value.strip()
    if len(value) > limit:
        errors[field] = ngettext("At most %(num)s character (this one has %(length)s).",
                                  "At most %(num)s characters (this one has %(length)s).",
                                  limit, length=len(value))
        return None
    return value or None


def _boolean(value: Any, field: str, errors: dict[str, str]) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes", "on", "1", "false", "no",
                                                    "off", "0"):
        return value.lower() in ("true", "yes", "on", "1")
    errors[field] = gettext("Must be true or false.")
    return None


def fitting_network(networks: list[str], matter: str | None, first: bool = False) -> str | None:
    """The network to pre-select: the entry's only one, or its only one that fits the matter;
    with `first`, when several fit, the one the matter prefers (the form suggests it, the API
    never guesses)."""
    if len(networks) == 1:
        return networks[0]
    fitting = [slug for slug in vocabulary.NETWORKS_FOR_MATTER.get(matter or "", ())
               if slug in networks]
    return fitting[0] if len(fitting) == 1 or (first and fitting) else None


def network_slugs(contact_point_id: int) -> list[str]:
    """The entry's networks, in one small query (logging must stay fast)."""
    return list(db.session.scalars(
        select(Network.slug).join(Membership, Membership.network_id == Network.id)
        .where(Membership.contact_point_id == contact_point_id).order_by(Membership.id)))


def network_labels(slugs: list[str]) -> list[str]:
    """The networks' names in the reader's language, in the order given."""
    names = {network.slug: network for network in db.session.scalars(
        select(Network).where(Network.slug.in_(slugs)))}
    locale = current_locale()
    return [names[slug].label(locale) if slug in names else slug for slug in slugs]


def matters() -> dict[str, Specialism]:
    """The matters a contact can be about: the specialism vocabulary (admins may extend it)."""
    return {s.slug: s for s in db.session.scalars(select(Specialism).order_by(Specialism.position))}


def _network(value: Any, contact_point: ContactPoint | None, matter: str | None,
             errors: dict[str, str]) -> str | None:
    """The network used: one of the entry's, the one that fits the matter when not given."""
    if contact_point is None:
        if value not in (None, "") and not isinstance(value, str):
            errors["network"] = gettext("Must be a network slug.")
        return None
    networks = network_slugs(contact_point.id)
    network = value or fitting_network(networks, matter)
    if network in (None, ""):
        errors["network"] = gettext("Choose the network you used: %(choices)s.",
                                    choices=" / ".join(network_labels(networks)))
    elif network not in networks:
        errors["network"] = gettext(
            "'%(value)s' is not one of this entry's networks (%(choices)s).",
            value=network, choices=", ".join(networks))
    else:
        return network
    return None


def _counterpart(raw_id: Any, errors: dict[str, str]) -> ContactPoint | None:
    """The entry a contact is logged with: an existing one, not archived."""
    if raw_id in (None, ""):
        errors["contact_point_id"] = gettext(
            "This field is required: the id of the counterpart's entry.")
        return None
    if as_whole_number(raw_id) is None:
        errors["contact_point_id"] = gettext("Must be the id (a whole number) of an entry.")
        return None
    number = parse_whole_number(raw_id)  # None past MAX_ID: no such entry
    contact_point = db.session.get(ContactPoint, number) if number else None
    if contact_point is None:
        errors["contact_point_id"] = gettext("There is no entry %(id)s.", id=raw_id)
        return None
    if contact_point.status == "archived":
        errors["contact_point_id"] = gettext(
            "Entry %(id)s is archived: find the counterpart's current entry.", id=raw_id)
        return None
    return contact_point


def validate(payload: Any, today: date | None = None) -> tuple[dict[str, Any], ContactPoint | None]:
    """Check every field at once; raise ValidationFailed naming each bad one."""
    today = today or date.today()
    if not isinstance(payload, dict):
        raise ValidationFailed({"": gettext("The contact must be a JSON object.")})
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    contact_point = _counterpart(payload.get("contact_point_id"), errors)

    known_matters = matters()
    clean["matter"] = _choice(payload.get("matter"), "matter", known_matters, errors)

    plan = payload.get("plan")
    if plan in (None, ""):
        plan = vocabulary.PLAN_OF_MATTER.get(clean["matter"] or "")
        if plan is None and clean["matter"]:
            errors["plan"] = gettext("This matter belongs to neither action plan by default: "
                                     "choose A or B.")
        elif plan is None and "matter" not in errors:
            errors["plan"] = gettext("Choose action plan A or B.")
    clean["plan"] = _choice(plan, "plan", PLANS, errors) if plan else None

    network = _network(payload.get("network"), contact_point, clean["matter"], errors)
    if network is not None:
        clean["network"] = network

    occurred_on = _date(payload.get("occurred_on"), "occurred_on", errors, today)
    clean["occurred_on"] = occurred_on or (None if "occurred_on" in errors else today)
    clean["channel"] = _choice(payload.get("channel"), "channel", vocabulary.CHANNELS, errors)
    clean["purpose"] = _choice(payload.get("purpose"), "purpose", vocabulary.PURPOSES, errors)

    established = _boolean(payload.get("established"), "established", errors)
    established_on = _date(payload.get("established_on"), "established_on", errors, today)
    if established is None and established_on is not None:
        established = True  # a date of the answer says the contact was established
    if established is False and established_on is not None:
        errors["established_on"] = gettext("Leave empty when the contact was not established.")
    established = bool(established)
    if established and established_on is None and "established_on" not in errors:
        established_on = clean["occurred_on"]  # the same day, unless said otherwise
    if (established_on is not None and clean["occurred_on"] is not None
            and established_on < clean["occurred_on"]):
        errors["established_on"] = gettext("Cannot be before the date of the contact.")
    clean["established"] = established
    clean["established_on"] = established_on

    clean["note"] = _text(payload.get("note"), "note", NOTE_LIMIT, errors)
    clean["idempotency_key"] = _text(payload.get("idempotency_key"), "idempotency_key",
                                     KEY_LIMIT, errors)
    if errors:
        raise ValidationFailed(errors)
    return clean, contact_point


# --- operations ------------------------------------------------------------------------------

def _existing(actor: User, key: str | None) -> InitialContact | None:
    if not key:
        return None
    return db.session.scalars(select(InitialContact).where(
        InitialContact.user_id == actor.id, InitialContact.idempotency_key == key)).first()


def log_contact(actor: User, payload: Any) -> tuple[InitialContact, bool]:
    """Log an initial contact. Returns (event, created): created is False for a repeated key."""
    require_log_contacts(actor)
    key = payload.get("idempotency_key") if isinstance(payload, dict) else None
    existing = _existing(actor, key.strip() if isinstance(key, str) else None)
    if existing is not None:
        return existing, False
    clean, contact_point = validate(payload)
    event = InitialContact(
        user_id=actor.id, contact_point_id=contact_point.id,
        counterpart_country=contact_point.country,
        requesting_country=actor.country, requesting_organisation=actor.organisation,
        voided=False, **clean)
    try:
        with db.session.begin_nested():
            db.session.add(event)
            db.session.flush()
    except IntegrityError:
        # The same key arrived twice at once: the other request logged it first.
        existing = _existing(actor, clean["idempotency_key"])
        if existing is None:
            raise
        return existing, False
    audit.record(actor, "initial_contact.logged", "initial_contact", event.id,
                 audit.diff({}, _audited_state(event)))
    return event, True


def get_event(event_id: int) -> InitialContact:
    event = db.session.get(InitialContact, event_id)
    if event is None:
        raise NotFound(gettext("There is no initial contact %(id)s.", id=event_id))
    return event


def get_own(actor: User, event_id: int, verb: str = "see") -> InitialContact:
    """One event, for its author or an administrator."""
    require_log_contacts(actor)
    event = get_event(event_id)
    if event.user_id != actor.id and actor.role != "admin":
        raise PermissionDenied(
            gettext("You may only change the initial contacts you logged.") if verb == "change"
            else gettext("You may only see the initial contacts you logged."))
    return event


def mark_established(actor: User, event_id: int, on: Any = None) -> InitialContact:
    """The counterpart answered after the contact was logged."""
    event = get_own(actor, event_id, "change")
    if event.voided:
        raise Conflict(gettext("This initial contact is voided: log a new one instead."))
    if event.established:
        raise Conflict(gettext("This initial contact is already marked established."),
                       {"established_on": gettext("Established on %(date)s.",
                                                  date=event.established_on)})
    errors: dict[str, str] = {}
    today = date.today()
    established_on = _date(on, "established_on", errors, today) or (
        None if errors else today)
    if established_on is not None and established_on < event.occurred_on:
        errors["established_on"] = gettext("Cannot be before the date of the contact.")
    if errors:
        raise ValidationFailed(errors)
    before = _audited_state(event)
    event.established = True
    event.established_on = established_on
    db.session.flush()
    audit.record(actor, "initial_contact.established", "initial_contact", event.id,
                 audit.diff(before, _audited_state(event)))
    return event


def void(actor: User, event_id: int, reason: Any) -> InitialContact:
    """Void an event: it stays, with the reason, and no longer counts."""
    event = get_own(actor, event_id, "change")
    errors: dict[str, str] = {}
    clean = _text(reason, "reason", REASON_LIMIT, errors)
    if clean is None and not errors:
        errors["reason"] = gettext(
            "Say why the contact is voided (e.g. logged twice, wrong counterpart).")
    if errors:
        raise ValidationFailed(errors)
    if event.voided:
        raise Conflict(gettext("This initial contact is already voided."))
    before = _audited_state(event)
    event.voided = True
    event.voided_at = utcnow()
    event.void_reason = clean
    db.session.flush()
    audit.record(actor, "initial_contact.voided", "initial_contact", event.id,
                 audit.diff(before, _audited_state(event)))
    return event


def list_own(actor: User, page: int = 1, per_page: int = 50) -> tuple[int, list[InitialContact]]:
    """The actor's own initial contacts, the latest first (voided ones included, marked)."""
    require_log_contacts(actor)
    where = InitialContact.user_id == actor.id
    total = db.session.scalar(select(func.count(InitialContact.id)).where(where)) or 0
    rows = db.session.scalars(
        select(InitialContact).where(where)
        .options(joinedload(InitialContact.contact_point))
        .order_by(InitialContact.occurred_on.desc(), InitialContact.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).unique().all()
    return total, list(rows)
