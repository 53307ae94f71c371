"""Writing the audit trail, in the same transaction as the change it describes."""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy import insert

from directory.extensions import db
from directory.models import AuditEntry, User, utcnow

# The client address of the current request or None (set by the web layer, not read from it).
current_address: ContextVar[str | None] = ContextVar("current_address", default=None)


def record(actor: User | None, action: str, target_type: str = "", target_id: int | None = None,
           changes: dict | None = None, actor_label: str | None = None) -> AuditEntry:
    entry = AuditEntry(
        user_id=actor.id if actor is not None else None,
        actor=actor_label or (actor.email if actor is not None else "system"),
        action=action,
        target_type=target_type,
        target_id=target_id,
        changes=changes or {},
        address=current_address.get(),
    )
    db.session.add(entry)
    return entry


def record_many(actor: User | None, rows: list[tuple[str, str, int | None, dict]],
                actor_label: str | None = None) -> None:
    """Many audit rows at once, (action, target type, target id, changes) each: an import
    writes thousands, and one statement per few thousand rows keeps that cheap."""
    now, address = utcnow(), current_address.get()
    user_id = actor.id if actor is not None else None
    label = actor_label or (actor.email if actor is not None else "system")
    batch = [{"at": now, "user_id": user_id, "actor": label, "action": action,
              "target_type": target_type, "target_id": target_id, "changes": changes,
              "address": address} for action, target_type, target_id, changes in rows]
    for start in range(0, len(batch), 5000):
        db.session.execute(insert(AuditEntry.__table__), batch[start:start + 5000])


def diff(before: dict, after: dict) -> dict:
    """Fields whose value changed, as {field: [old, new]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
