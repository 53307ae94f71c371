"""Writing the audit trail, in the same transaction as the change it describes, and how it
reads in the reader's language."""

from __future__ import annotations

from contextvars import ContextVar

from flask_babel import gettext
from sqlalchemy import insert

from directory import fields
from directory.extensions import db
from directory.models import AuditEntry, User, utcnow
from imports.messages import N_

# --- plain words for the trail ---------------------------------------------------------------
# Pages never show an action's or a field's code: each one recorded gets its label here, in
# English marked N_() for the catalogues (`make translations`). A new audited action or field
# is added to these two mappings; tests/core/test_audit_labels.py names any that is missing.
ACTION_LABELS = {
    "contact_point.created": N_("Entry created"),
    "contact_point.updated": N_("Entry changed"),
    "contact_point.membership_added": N_("Network added"),
    "contact_point.membership_removed": N_("Left a network"),
    "contact_point.archived": N_("Entry archived"),
    "contact_point.verified": N_("Marked verified"),
    "contact_point.change_proposed": N_("Change proposed"),
    "contact_point.leave_proposed": N_("Leaving a network proposed"),
    "contact_point.proposal_accepted": N_("Proposal accepted"),
    "contact_point.proposal_rejected": N_("Proposal rejected"),
    "contact_point.subject_report": N_("Subject report produced"),
    "contact_point.erased": N_("Person's data erased"),
    "contact_point.confirmed_by_person": N_("Confirmed by the person (verification campaign)"),
    "contact_point.reported": N_("Outdated details reported"),
    "contact_point.report_resolved": N_("Report of outdated details resolved"),
    "campaign.started": N_("Verification campaign started"),
    "initial_contact.logged": N_("Initial contact logged"),
    "initial_contact.established": N_("Contact marked established"),
    "initial_contact.voided": N_("Initial contact voided"),
    "import.previewed": N_("List checked"),
    "import.applied": N_("List imported"),
    "import.refused": N_("List refused"),
    "export": N_("Entries exported"),
    "indicators.exported": N_("Indicators exported"),
    "user.created": N_("User created"),
    "user.updated": N_("User changed"),
    "user.profile_updated": N_("Profile changed"),
    "user.password_changed": N_("Password changed"),
    "user.password_reset_requested": N_("Password reset link asked for"),
    "user.password_reset": N_("Password reset through a mailed link"),
    "user.invited": N_("Invitation sent"),
    "user.invitation_accepted": N_("Password chosen through the invitation"),
    "token.created": N_("API token created"),
    "token.revoked": N_("API token revoked"),
    "two_factor.enrolled": N_("Second factor set up"),
    "two_factor.recovery_codes_replaced": N_("Recovery codes replaced"),
    "two_factor.reset": N_("Second factor reset by an administrator"),
    "two_factor.turned_off": N_("Second factor turned off"),
    "login.succeeded": N_("Signed in"),
    "login.failed": N_("Sign-in refused"),
    "login.throttled": N_("Sign-in throttled"),
    "logout": N_("Signed out"),
    "network.created": N_("Network created"),
    "network.updated": N_("Network changed"),
    "specialism.created": N_("Specialism created"),
    "specialism.updated": N_("Specialism changed"),
    "retention.purged": N_("Old personal data removed (retention)"),
}
# Fields by the names the trail (and an import's change report) uses for them: the entry form's
# labels, from the one field definition; `last_verified` is the importer's name for one.
FIELD_LABELS = {**fields.LABELS, "last_verified": fields.LABELS["last_verified_on"]}
# Recorded with a change but not a field of it: the import that made the change.
IMPORT_RUN = "import_run"


def action_label(action: str) -> str:
    return gettext(ACTION_LABELS.get(action, N_("Change")))


def field_labels(changes: dict) -> list[str]:
    """The labels of the fields a change touched, in the reader's language."""
    return [gettext(FIELD_LABELS[name]) if name in FIELD_LABELS else name.replace("_", " ")
            for name in changes if name != IMPORT_RUN]

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
