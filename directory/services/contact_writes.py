"""Writing contact points: the one write path every change to an entry goes through.

A form saves a batch of one, an accepted proposal too, an import thousands: `write_entries`
inserts or updates the rows, their e-mails, phones, specialisms and memberships, bumps each
entry's version, writes one audit row an entry and appends to the change sequence the search
index catches up from, with a few statements per few thousand entries, in the caller's
transaction. Callers have validated the values and checked who may write them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update

from directory.extensions import db
from directory.models import (
    Change,
    ChangeCounter,
    ContactPoint,
    Email,
    Membership,
    Network,
    Phone,
    User,
    utcnow,
)
from directory.models.contact_point import contact_point_specialism
from directory.services import audit

# Fields kept in the entry's own row, as the entry's JSON names them.
COLUMNS = ("given_name", "family_name", "native_name", "name_variants", "title", "country",
           "city", "address", "languages", "urgent", "urgent_instructions", "notes", "status",
           "last_verified_on")
CHUNK = 2000
_NEW_ENTRY = {"given_name": "", "name_variants": [], "languages": [], "urgent": False,
              "status": "active"}


@dataclass
class EntryWrite:
    """One entry's change.

    `changes`: field → (old, new), in the entry's JSON shape (organisation as {"id", "name",
    "kind"}, phones as {"number", "kind"}, dates as ISO text); written and audited as given
    ("memberships" there is audited only: `memberships` says what to write).
    `memberships`: network slug → (before, after), each None (not a member) or the membership's
    attributes ({"role", "external_id"}; an update may name only those that change).
    `entry_id` None: a new entry, whose id is filled in. `note`: more for the audit row (the
    import run, the proposal accepted)."""

    entry_id: int | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    memberships: dict[str, tuple[dict | None, dict | None]] = field(default_factory=dict)
    action: str = "contact_point.updated"
    note: dict[str, Any] = field(default_factory=dict)


def write_entries(actor: User | None, writes: list[EntryWrite],
                  actor_label: str | None = None) -> list[int]:
    """Write every change, audit it and queue it for the index; the entries' ids, in order.
    Entries of the batch that the session holds are let go: read them again."""
    if not writes:
        return []
    created = [write for write in writes if write.entry_id is None]
    existing = [write for write in writes if write.entry_id is not None]
    now = utcnow()
    _insert_entries(created, now)
    _update_entries(existing, now)
    _write_children(created, existing)
    _write_memberships(writes)
    audit.record_many(actor, [(write.action, "contact_point", write.entry_id, _audited(write))
                              for write in writes], actor_label=actor_label)
    ids = [write.entry_id for write in writes]
    record_changes(ids)
    _forget(set(ids))
    return ids


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _column_values(changes: dict[str, tuple]) -> dict[str, Any]:
    """The entry row's columns that the changes set."""
    values = {name: new for name, (_, new) in changes.items() if name in COLUMNS}
    if values.get("last_verified_on") is not None:
        values["last_verified_on"] = date.fromisoformat(values["last_verified_on"])
    if "organisation" in changes:
        organisation = changes["organisation"][1]
        values["organisation_id"] = organisation["id"] if organisation else None
    return values


def _insert_entries(created: list[EntryWrite], now) -> None:
    table = ContactPoint.__table__  # Core, not the ORM's bulk insert: a third of the time
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    for chunk in _chunks(created):
        rows = [{**_NEW_ENTRY, **_column_values(write.changes), "version": 1,
                 "created_at": now, "updated_at": now} for write in chunk]
        if sqlite:
            # RETURNING in the rows' order costs SQLAlchemy one statement per row on SQLite
            # (a quarter of a big import's writing): the ids are taken here instead, safely,
            # since a write transaction holds SQLite's one write lock (BEGIN IMMEDIATE).
            first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
            for offset, (write, row) in enumerate(zip(chunk, rows, strict=True)):
                write.entry_id = row["id"] = first + offset
            db.session.execute(insert(table), rows)
            continue
        ids = db.session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).all()
        for write, entry_id in zip(chunk, ids, strict=True):
            write.entry_id = entry_id


def _update_entries(existing: list[EntryWrite], now) -> None:
    """Every entry's row: the columns that change (grouped by which, one executemany each),
    the version bumped by one, whatever else changed."""
    table = ContactPoint.__table__
    groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for write in existing:
        values = _column_values(write.changes)
        groups[tuple(sorted(values))].append(
            {"_id": write.entry_id, **{f"_{name}": value for name, value in values.items()}})
    for names, rows in groups.items():
        statement = (update(table).where(table.c.id == bindparam("_id"))
                     .values({name: bindparam(f"_{name}", type_=table.c[name].type)
                              for name in names})
                     .values(version=table.c.version + 1, updated_at=now))
        for chunk in _chunks(rows):
            db.session.execute(statement, chunk)


def _write_children(created: list[EntryWrite], existing: list[EntryWrite]) -> None:
    """E-mails, phones and specialisms: replaced as a whole when they change."""
    replaced = {name: [write for write in existing if name in write.changes]
                for name in ("emails", "phones", "specialisms")}
    for model, name in ((Email, "emails"), (Phone, "phones")):
        for chunk in _chunks([write.entry_id for write in replaced[name]]):
            db.session.execute(delete(model).where(model.contact_point_id.in_(chunk)))
    table = contact_point_specialism
    for chunk in _chunks([write.entry_id for write in replaced["specialisms"]]):
        db.session.execute(delete(table).where(table.c.contact_point_id.in_(chunk)))
    writes = [*created, *existing]
    _insert(Email.__table__, [
        {"contact_point_id": write.entry_id, "address": address, "position": position}
        for write in writes if "emails" in write.changes
        for position, address in enumerate(write.changes["emails"][1] or [])])
    _insert(Phone.__table__, [
        {"contact_point_id": write.entry_id, "number": phone["number"], "kind": phone["kind"],
         "position": position}
        for write in writes if "phones" in write.changes
        for position, phone in enumerate(write.changes["phones"][1] or [])])
    _insert(table, [{"contact_point_id": write.entry_id, "specialism_slug": slug}
                    for write in writes if "specialisms" in write.changes
                    for slug in write.changes["specialisms"][1] or []])


def _write_memberships(writes: list[EntryWrite]) -> None:
    if not any(write.memberships for write in writes):
        return
    networks = dict(db.session.execute(select(Network.slug, Network.id)).all())
    added, left, changed = [], defaultdict(list), defaultdict(list)
    for write in writes:
        for slug, (before, after) in write.memberships.items():
            if after is None:
                left[networks[slug]].append(write.entry_id)
            elif before is None:
                added.append({"contact_point_id": write.entry_id, "network_id": networks[slug],
                              "role": after["role"], "external_id": after.get("external_id")})
            else:
                changed[(networks[slug], tuple(sorted(after)))].append(
                    {"_entry": write.entry_id, **{f"_{name}": value
                                                  for name, value in after.items()}})
    for network_id, ids in left.items():
        for chunk in _chunks(ids):
            db.session.execute(delete(Membership).where(
                Membership.network_id == network_id, Membership.contact_point_id.in_(chunk)))
    table = Membership.__table__
    for (network_id, names), rows in changed.items():
        statement = update(table).where(
            table.c.network_id == network_id,
            table.c.contact_point_id == bindparam("_entry")).values(
            {name: bindparam(f"_{name}", type_=table.c[name].type) for name in names})
        for chunk in _chunks(rows):
            db.session.execute(statement, chunk)
    _insert(table, added)


def _insert(table, rows: list[dict]) -> None:
    for chunk in _chunks(rows, 5000):
        db.session.execute(insert(table), chunk)


def _audited(write: EntryWrite) -> dict[str, Any]:
    """The audit row's changes: each field as [old, new] (a new entry: its filled fields)."""
    if write.action == "contact_point.created":
        changes = {name: [None, new] for name, (_, new) in write.changes.items() if new}
    else:
        changes = {name: [old, new] for name, (old, new) in write.changes.items()}
    if write.memberships and "memberships" not in changes:
        changes["memberships"] = [
            [{"network": slug, **before} for slug, (before, _) in write.memberships.items()
             if before is not None],
            [{"network": slug, **after} for slug, (_, after) in write.memberships.items()
             if after is not None]]
    changes.update({name: [None, value] for name, value in write.note.items()})
    return dict(sorted(changes.items()))


def _forget(ids: set[int]) -> None:
    """Let go of the session's copies of the entries written (and of their e-mails, phones
    and memberships): the statements above went around them."""
    session = db.session
    for instance in list(session.identity_map.values()):
        written = isinstance(instance, ContactPoint) and instance.id in ids or isinstance(
            instance, (Email, Phone, Membership)) and instance.contact_point_id in ids
        if written and instance in session:  # an entry's expunge takes its children along
            session.expunge(instance)


def record_changes(contact_point_ids: Iterable[int]) -> None:
    """Queue entries for the index: one change-sequence number each, in commit order."""
    ids = list(contact_point_ids)
    if not ids:
        return
    last = db.session.execute(
        update(ChangeCounter).where(ChangeCounter.id == 1)
        .values(value=ChangeCounter.value + len(ids)).returning(ChangeCounter.value)
    ).scalar_one()
    first, now = last - len(ids) + 1, utcnow()
    _insert(Change.__table__, [{"seq": first + offset, "contact_point_id": contact_point_id,
                                "at": now} for offset, contact_point_id in enumerate(ids)])
    db.session.info["index_dirty"] = True
