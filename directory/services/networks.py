"""Administering the editable vocabularies: networks with their roles, and specialisms."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Network, NetworkRole, Specialism, User
from directory.services import audit
from directory.services.errors import Conflict, NotFound, ValidationFailed
from directory.services.permissions import require_admin

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def list_networks() -> list[Network]:
    return list(db.session.scalars(select(Network).order_by(Network.id)))


def get_network(slug: str) -> Network:
    """The network `slug`, or NotFound naming the networks there are."""
    network = db.session.scalars(select(Network).where(Network.slug == slug)).first()
    if network is None:
        known = ", ".join(db.session.scalars(select(Network.slug).order_by(Network.id)))
        raise NotFound(gettext("There is no network '%(slug)s' (networks: %(known)s).",
                               slug=slug, known=known))
    return network


def _labels(values: dict[str, Any], errors: dict[str, str],
            required: str) -> dict[str, str | None]:
    clean: dict[str, str | None] = {}
    for field in (required, f"{required}_fr", f"{required}_ar"):
        text = (values.get(field) or "").strip()
        if len(text) > 200:
            errors[field] = ngettext("At most %(num)s character.", "At most %(num)s characters.",
                                     200)
        clean[field] = text or None
    if not clean[required]:
        errors[required] = gettext("This field is required.")
    return clean


def _roles(text: Any, errors: dict[str, str]) -> list[str]:
    """Roles as slugs, one a line or separated by commas."""
    items = text if isinstance(text, list) else re.split(r"[,\n]", text or "")
    slugs = [item.strip().lower() for item in items if item and item.strip()]
    for slug in slugs:
        if not SLUG.match(slug):
            errors["roles"] = gettext(
                "'%(value)s' is not a slug (lower-case letters, digits and -).", value=slug)
    if not slugs:
        errors["roles"] = gettext("A network has at least one role.")
    return list(dict.fromkeys(slugs))


def save_network(actor: User, values: dict[str, Any], slug: str | None = None) -> Network:
    """Create a network (slug None) or change one; roles are only ever added, never removed,
    because memberships refer to them."""
    require_admin(actor)
    errors: dict[str, str] = {}
    labels = _labels(values, errors, "name")
    description = (values.get("description") or "").strip()[:1000]
    roles = _roles(values.get("roles"), errors)
    new_slug = (values.get("slug") or "").strip().lower() if slug is None else slug
    if slug is None and not SLUG.match(new_slug):
        errors["slug"] = gettext("Use lower-case letters, digits and -, e.g. ejn.")
    if errors:
        raise ValidationFailed(errors)
    if slug is None:
        if db.session.scalar(select(func.count()).select_from(Network)
                             .where(Network.slug == new_slug)):
            raise Conflict(gettext("The network '%(slug)s' already exists.", slug=new_slug),
                           {"slug": gettext("Already in use.")})
        network = Network(slug=new_slug, name=labels["name"], description=description)
        db.session.add(network)
        before: dict[str, Any] = {}
    else:
        network = get_network(slug)
        before = _state(network)
    network.name, network.name_fr, network.name_ar = (labels["name"], labels["name_fr"],
                                                      labels["name_ar"])
    network.description = description
    for role in roles:
        if network.role(role) is None:
            network.roles.append(NetworkRole(slug=role,
                                             label_en=role.replace("-", " ").capitalize()))
    db.session.flush()
    audit.record(actor, "network.created" if slug is None else "network.updated", "network",
                 network.id, audit.diff(before, _state(network)))
    return network


def _state(network: Network) -> dict[str, Any]:
    return {"slug": network.slug, "name": network.name, "name_fr": network.name_fr,
            "name_ar": network.name_ar, "description": network.description,
            "roles": [role.slug for role in network.roles]}


def list_specialisms() -> list[Specialism]:
    return list(db.session.scalars(select(Specialism).order_by(Specialism.position)))


def save_specialism(actor: User, values: dict[str, Any], slug: str | None = None) -> Specialism:
    require_admin(actor)
    errors: dict[str, str] = {}
    labels = {}
    for field in ("label_en", "label_fr", "label_ar"):
        text = (values.get(field) or "").strip()
        if not text:
            errors[field] = gettext("This field is required.")
        elif len(text) > 200:
            errors[field] = ngettext("At most %(num)s character.", "At most %(num)s characters.",
                                     200)
        labels[field] = text
    new_slug = (values.get("slug") or "").strip().lower() if slug is None else slug
    if slug is None and not SLUG.match(new_slug):
        errors["slug"] = gettext("Use lower-case letters, digits and -, e.g. corruption.")
    if errors:
        raise ValidationFailed(errors)
    if slug is None:
        if db.session.get(Specialism, new_slug) is not None:
            raise Conflict(gettext("The specialism '%(slug)s' already exists.", slug=new_slug),
                           {"slug": gettext("Already in use.")})
        position = (db.session.scalar(select(func.max(Specialism.position))) or 0) + 1
        specialism = Specialism(slug=new_slug, position=position, **labels)
        db.session.add(specialism)
        before: dict[str, Any] = {}
    else:
        specialism = db.session.get(Specialism, slug)
        if specialism is None:
            raise NotFound(gettext("There is no specialism '%(slug)s'.", slug=slug))
        before = {key: getattr(specialism, key) for key in labels}
        for key, value in labels.items():
            setattr(specialism, key, value)
    db.session.flush()
    audit.record(actor, "specialism.created" if slug is None else "specialism.updated",
                 "specialism", None, {"slug": [None, new_slug], **audit.diff(before, labels)})
    return specialism
