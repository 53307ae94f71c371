"""Diffing a network's parsed list against the directory: create, update, add a membership,
leave unchanged, report missing, and every conflict as a row error.

Pure, like the rest of `imports`: no Flask and no database. The service hands `make_plan` a
`Directory`, lookups it loaded in bulk (this network's external ids, every e-mail, this
network's members, the digests of what this network's list said last time) and two loaders
that fetch full entries and last-time rows, in chunks, only for the rows that need them. A
re-import of an unchanged 100,000-row list therefore touches nothing but the digests.

How a row changes an entry ("only what the list says"):

- A row matches by this network's external id, else by any of its e-mails. The ID matching
  one entry and an e-mail another, e-mails of two entries, or two rows of one entry are row
  errors with the line: nothing is guessed.
- Columns the file does not have change nothing; an empty cell clears a value only when this
  network's own previous list had filled it (it never erases what another source wrote).
- Each field is compared with what this network's list said last time (the snapshot), not
  with the entry: a field changes only when the network changed it. Two networks spelling a
  name differently do not undo each other at every import, and a manual correction survives
  the re-import of an unchanged list. Without a snapshot (the first list of this network for
  the entry) the list's values are compared with the entry's, after normalisation.
- Lists (e-mails, phones, languages, specialisms) merge: what the list adds is added, what this
  network removed since its last list is removed, what others added stays.
- The last-verified date only moves forward.
- An entry the importing network shares with networks the importer does not maintain keeps
  its shared fields: the row adds or updates only the membership (and the last-verified
  date), and what it would change in the shared fields is set apart as `proposed`, for the
  other networks' secretariats to decide (`Directory.may_change_shared` says who may).
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .messages import N_, Message
from .parse import ImportRow, ParsedFile, RowError

SCALARS = ("given_name", "family_name", "native_name", "title", "organisation", "country",
           "city", "address", "notes", "urgent_instructions", "urgent")
LISTS = ("emails", "phones", "languages", "specialisms")
# What a row may only propose for an entry shared with networks the importer does not maintain.
SHARED = (*SCALARS, *LISTS, "status")
# Canonical columns (headers._SYNONYMS) that give each field of a row.
FIELD_COLUMNS = {
    "external_id": ("external_id",),
    "given_name": ("given_name", "full_name"),
    "family_name": ("family_name", "full_name"),
    "native_name": ("native_name",),
    "title": ("title",),
    "organisation": ("organisation",),
    "organisation_kind": ("organisation_kind",),
    "country": ("country",),
    "city": ("city",),
    "address": ("address",),
    "emails": ("emails",),
    "phones": ("phones", "mobile", "phone_24_7"),
    "languages": ("languages",),
    "specialisms": ("specialisms",),
    "notes": ("notes",),
    "urgent_instructions": ("urgent_instructions",),
    "last_verified": ("last_verified",),
}
CHUNK = 2000


@dataclass(slots=True)
class Entry:
    """An entry as the plan needs it (plain values, no ORM object)."""

    id: int
    version: int
    status: str
    given_name: str
    family_name: str
    native_name: str | None
    title: str | None
    organisation: str | None
    country: str
    city: str | None
    address: str | None
    notes: str | None
    urgent: bool
    urgent_instructions: str | None
    last_verified: date | None
    emails: list[str]
    phones: list[tuple[str, str]]
    languages: list[str]
    specialisms: list[str]
    memberships: dict[str, tuple[str, str | None]]  # network slug → (role, external id)

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


@dataclass(slots=True)
class Member:
    """An entry with a membership of the importing network."""

    name: str
    external_id: str | None
    status: str
    shared: bool  # also a member of other networks


@dataclass
class Directory:
    """What the plan knows of the database, loaded in bulk by the service."""

    network: str
    default_role: str
    by_external_id: dict[str, int]  # casefolded external id of this network → entry id
    by_email: dict[str, int]  # lower-cased e-mail → entry id (every network)
    members: dict[int, Member]  # entries with a membership of this network
    digests: dict[int, str]  # entry id → digest of this network's last row for it
    load_entries: Callable[[list[int]], dict[int, Entry]]
    load_snapshots: Callable[[list[int]], dict[int, dict[str, Any]]]
    # Specialism slugs the directory knows (an administrator may have retired one).
    specialisms: frozenset[str] | None = None
    # Given an entry's networks, may this import change its shared fields itself? None: yes.
    may_change_shared: Callable[[Iterable[str]], bool] | None = None


@dataclass(slots=True)
class Planned:
    """One row's outcome. `changes`: field → (old, new) as written; for a created entry the
    row itself says everything."""

    line: int
    action: str  # create | update | membership | propose (nothing but a proposal)
    entry_id: int | None
    name: str
    row: ImportRow
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    digest: str = ""
    version: int = 0
    # Shared fields the row would change in an entry shared with networks the importer does
    # not maintain (field → (old, new)), and those networks.
    proposed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    shared_with: tuple[str, ...] = ()


@dataclass(slots=True)
class Missing:
    entry_id: int
    name: str
    external_id: str | None
    shared: bool


@dataclass
class Plan:
    network: str
    present: frozenset[str]
    archive_missing: bool = False
    created: list[Planned] = field(default_factory=list)
    updated: list[Planned] = field(default_factory=list)
    memberships: list[Planned] = field(default_factory=list)
    # Rows whose only outcome is a proposal to the entry's other networks.
    proposals: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    # Unchanged rows whose snapshot is missing or out of date: (entry id, digest, row).
    snapshots: list[tuple[int, str, ImportRow]] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        archived = sum(1 for item in self.missing if not item.shared) if self.archive_missing else 0
        removed = sum(1 for item in self.missing if item.shared) if self.archive_missing else 0
        return {"created": len(self.created), "updated": len(self.updated),
                "memberships_added": len(self.memberships), "unchanged": self.unchanged,
                "missing": len(self.missing), "archived": archived,
                "memberships_removed": removed, "proposed": len(self.proposing()),
                "proposals_only": len(self.proposals)}

    def add(self, planned: Planned) -> None:
        """A matched row that changes something; one that only proposes is a proposal."""
        if not planned.changes:
            planned.action = "propose"
        {"membership": self.memberships, "update": self.updated,
         "propose": self.proposals}[planned.action].append(planned)

    def proposing(self) -> list[Planned]:
        """Every row that proposes a change to a shared entry, in file order."""
        return sorted((planned for planned in [*self.updated, *self.memberships,
                                               *self.proposals] if planned.proposed),
                      key=lambda planned: planned.line)

    def proposed_to(self) -> dict[str, int]:
        """How many rows propose changes to entries shared with each other network."""
        counts: dict[str, int] = {}
        for planned in self.proposing():
            for network in planned.shared_with:
                counts[network] = counts.get(network, 0) + 1
        return counts

    def changes(self) -> Iterable[Planned]:
        """Every row that changes or proposes something, in file order."""
        return sorted([*self.created, *self.updated, *self.memberships, *self.proposals],
                      key=lambda planned: planned.line)


def present_fields(parsed: ParsedFile) -> frozenset[str]:
    """The row fields this file says something about (its columns, by canonical name)."""
    columns = set(parsed.columns)
    return frozenset(name for name, sources in FIELD_COLUMNS.items()
                     if columns.intersection(sources))


def row_values(row: ImportRow, present: frozenset[str]) -> dict[str, Any]:
    """What the row says, as JSON values: the snapshot kept for the next import."""
    values: dict[str, Any] = {}
    for name in present:
        value = getattr(row, name)
        if name == "phones":
            value = [[number, kind] for number, kind in value]
        elif name == "last_verified":
            value = value.isoformat() if value else None
        values[name] = value
    # None in a role or urgent cell means the list does not say.
    if row.role is not None:
        values["role"] = row.role
    if row.urgent is not None:
        values["urgent"] = row.urgent
    return values


def digest(values: dict[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _same_text(left: str | None, right: str | None) -> bool:
    return (left or "") == (right or "")


def _same_organisation(left: str | None, right: str | None) -> bool:
    return " ".join((left or "").split()).casefold() == " ".join((right or "").split()).casefold()


# How a field's value is compared with the entry's (text: None and "" are the same).
_SAME: dict[str, Callable[[Any, Any], bool]] = {"organisation": _same_organisation,
                                                 "urgent": operator.eq}


def merge(entry: Entry, base: dict[str, Any] | None, values: dict[str, Any], row: ImportRow,
          network: str, default_role: str) -> tuple[str, dict[str, tuple[Any, Any]]]:
    """(action, changes) of one matched row; action is update, membership or unchanged."""
    changes: dict[str, tuple[Any, Any]] = {}
    previous: dict[str, Any] = base or {}

    def said_before(name: str) -> bool:
        return name in previous

    def unchanged_by_network(name: str) -> bool:
        return said_before(name) and previous[name] == values[name]

    for name in SCALARS:
        if name not in values or unchanged_by_network(name):
            continue
        new = values[name]
        current = getattr(entry, name)
        if new is None or new == "":
            # An empty cell clears only what this network's own previous list had filled.
            if not (said_before(name) and previous[name] not in (None, "")):
                continue
            new = "" if name == "given_name" else None
        if not _SAME.get(name, _same_text)(current, new):
            changes[name] = (current, new)

    for name in LISTS:
        if name not in values or unchanged_by_network(name):
            continue
        current, result = _merged_list(entry, name, values[name],
                                       previous[name] if said_before(name) else None)
        if result != current:
            changes[name] = (current, result)

    verified = values.get("last_verified")
    if verified:
        verified = date.fromisoformat(verified)
        if entry.last_verified is None or verified > entry.last_verified:
            changes["last_verified"] = (entry.last_verified, verified)

    if entry.status == "archived" and base is None:
        # Back on the network's list (archived when missing from it, or before it ever
        # listed the person): the entry is active again.
        changes["status"] = (entry.status, "active")

    membership = entry.memberships.get(network)
    if membership is None:
        changes["membership"] = (None, (values.get("role") or default_role, row.external_id))
        return "membership", changes
    changes.update(_membership_changes(membership, values.get("role"), row.external_id,
                                       unchanged_by_network("role")))
    return ("update" if changes else "unchanged"), changes


def _membership_changes(membership: tuple[str, str | None], new_role: str | None,
                        new_id: str | None, role_as_before: bool) -> dict[str, tuple[Any, Any]]:
    """The role and external id of the network's membership, when the list changes them (a
    role the list says as it did before is not changed back)."""
    changes: dict[str, tuple[Any, Any]] = {}
    role, external_id = membership
    if new_role and new_role != role and not role_as_before:
        changes["role"] = (role, new_role)
    if new_id and new_id != external_id:
        changes["external_id"] = (external_id, new_id)
    return changes


def _merged_list(entry: Entry, name: str, listed: list[Any],
                 before: list[Any] | None) -> tuple[list[Any], list[Any]]:  # fmt: skip
    """(current, result) of a list field: what the network's previous list (``before``) had
    and its new one lacks is removed, what the new one has is added, the rest kept."""
    if name == "phones":
        current = list(entry.phones)
        new_items = [tuple(item) for item in listed]
        old_items = [tuple(item) for item in before] if before is not None else []
        removed = {number for number, _ in old_items} - {number for number, _ in new_items}
        kinds = dict(new_items)
        result = [(number, kinds.get(number, kind)) for number, kind in current
                  if number not in removed]
        have = {number for number, _ in result}
        result += [item for item in new_items if item[0] not in have]
        return current, result
    current = list(getattr(entry, name))
    new_items = list(listed)
    removed = set(before) - set(new_items) if before is not None else set()
    result = [item for item in current if item not in removed]
    result += [item for item in new_items if item not in result]
    return current, result


def make_plan(parsed: ParsedFile, directory: Directory, archive_missing: bool = False,
              progress: Callable[[str, int, int], None] | None = None) -> Plan:
    """Compare every valid row of `parsed` with the directory. Conflicts go to `plan.errors`
    (parse errors stay in `parsed.errors`); the caller writes nothing unless both are empty."""
    present = present_fields(parsed)
    plan = Plan(network=directory.network, present=present, archive_missing=archive_missing)
    claimed: dict[int, int] = {}  # entry id → line of the row that matched it
    # (row, entry id, digest) of matched rows that need the full entry to be compared
    pending: list[tuple[ImportRow, int, str]] = []
    email_header = parsed.columns.get("emails", "emails").split(" + ")[0]
    id_header = parsed.columns.get("external_id", "external_id").split(" + ")[0]

    specialism_header = parsed.columns.get("specialisms", "specialisms").split(" + ")[0]
    for row in parsed.rows:
        if directory.specialisms is not None:
            retired = [slug for slug in row.specialisms if slug not in directory.specialisms]
            if retired:
                plan.errors.append(RowError(row.line, specialism_header, Message.counted(
                    "the specialism %(values)s is no longer in the directory's vocabulary",
                    "the specialisms %(values)s are no longer in the directory's vocabulary",
                    len(retired), values=retired)))
                continue
        by_id, target, problem = _match(row, directory)
        if problem is not None:
            plan.errors.append(RowError(row.line, email_header, problem))
            continue
        if target is not None:
            if target in claimed:
                plan.errors.append(RowError(
                    row.line, id_header if by_id is not None else email_header, Message.of(
                        N_("describes the same entry (%(entry)s) as line %(line)s"),
                        entry=str(target), line=str(claimed[target]))))
                continue
            claimed[target] = row.line
        values = row_values(row, present)
        row_digest = digest(values)
        if target is None:
            plan.created.append(Planned(row.line, "create", None,
                                        _row_name(row), row, digest=row_digest))
            continue
        member = directory.members.get(target)
        if member is not None and directory.digests.get(target) == row_digest:
            plan.unchanged += 1  # the network's list says what it said last time
            continue
        pending.append((row, target, row_digest))

    for start in range(0, len(pending), CHUNK):
        chunk = pending[start:start + CHUNK]
        ids = [target for _, target, _ in chunk]
        entries = directory.load_entries(ids)
        member_ids = [target for target in ids if target in directory.members]
        bases = directory.load_snapshots(member_ids) if member_ids else {}
        for row, target, row_digest in chunk:
            entry = entries[target]
            base = bases.get(target) if directory.network in entry.memberships else None
            action, changes = merge(entry, base, row_values(row, present), row,
                                    directory.network, directory.default_role)
            if action == "unchanged":
                plan.unchanged += 1
                plan.snapshots.append((target, row_digest, row))
                continue
            planned = Planned(row.line, action, target, entry.name, row, changes,
                              digest=row_digest, version=entry.version)
            _set_apart_proposed(planned, entry, directory)
            plan.add(planned)
        if progress:
            progress("compare", min(start + CHUNK, len(pending)), len(pending))

    for entry_id, member in directory.members.items():
        if entry_id not in claimed and member.status != "archived":
            plan.missing.append(Missing(entry_id, member.name, member.external_id, member.shared))
    plan.missing.sort(key=lambda item: item.entry_id)
    plan.errors.sort(key=lambda error: error.line)
    return plan


def _match(row: ImportRow, directory: Directory) -> tuple[int | None, int | None, Message | None]:
    """(entry of the row's ID, entry the row matches, problem): by the network's ID, else by
    e-mail; e-mails of other entries than the ID's, or of several entries, are a problem."""
    by_id = (directory.by_external_id.get(row.external_id.casefold())
             if row.external_id else None)
    owners: dict[int, str] = {}
    for email in row.emails:
        owner = directory.by_email.get(email)
        if owner is not None:
            owners.setdefault(owner, email)
    if by_id is not None:
        others = {owner: email for owner, email in owners.items() if owner != by_id}
        if others:
            owner, email = next(iter(others.items()))
            return by_id, None, Message.of(
                N_("the e-mail %(email)s belongs to entry %(owner)s, but the ID %(id)s is "
                   "that of entry %(entry)s: correct the ID or the e-mail (one row is one "
                   "person)"),
                email=email, owner=str(owner), id=repr(row.external_id), entry=str(by_id))
        return by_id, by_id, None
    if len(owners) > 1:
        described = [Message.of(N_("%(email)s to entry %(entry)s"), email=email,
                                entry=str(owner)) for owner, email in owners.items()]
        return None, None, Message.of(
            N_("the e-mails belong to different entries (%(owners)s): one row must "
               "describe one person"), owners=described)
    return None, next(iter(owners), None), None


def _set_apart_proposed(planned: Planned, entry: Entry, directory: Directory) -> None:
    """Move the shared fields' changes of a shared entry to `planned.proposed` when the
    importer may not change them itself."""
    networks = {*entry.memberships, directory.network}
    if directory.may_change_shared is None or directory.may_change_shared(networks):
        return
    planned.proposed = {name: planned.changes.pop(name) for name in list(planned.changes)
                        if name in SHARED}
    if planned.proposed:
        planned.shared_with = tuple(sorted(networks - {directory.network}))


def _row_name(row: ImportRow) -> str:
    return " ".join(part for part in (row.given_name, row.family_name) if part)
