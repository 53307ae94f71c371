"""The audit trail speaks plain words: every action the code records, and every field of an
entry, has a label in the reader's language (services/audit.py's two mappings)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from directory.services import audit
from directory.services.contact_json import contact_point_json
from directory.services.contact_queries import get_contact_point

PACKAGE = Path(__file__).resolve().parents[2] / "directory"
# Actions are dotted words ("contact_point.created") or one word ("export", "logout").
ACTION = re.compile(r"^[a-z_]+(\.[a-z_]+)?$")


def _strings(node: ast.AST) -> set[str]:
    return {item.value for item in ast.walk(node)
            if isinstance(item, ast.Constant) and isinstance(item.value, str)}


def recorded_actions() -> set[str]:
    """The actions written anywhere in the application: the second argument of every
    audit.record(...) call, the first of the importer's audit_row(...), every `action=`
    keyword, and the values of an `action = {...}` or `action = "..."` assignment (an action
    chosen before the call)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name == "record" and len(node.args) >= 2:
                    found |= _strings(node.args[1])
                elif name in ("audit_row", "_set_state") and node.args:
                    found |= _strings(node.args[0 if name == "audit_row" else 3])
                for keyword in node.keywords:  # write_entries(..., action="...")
                    if keyword.arg == "action":
                        found |= _strings(keyword.value)
            elif isinstance(node, ast.Assign) and any(
                    getattr(target, "id", None) == "action" for target in node.targets):
                found |= _strings(node.value)
    return {value for value in found if ACTION.match(value) and "." in value
            or value in ("export", "logout")}


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    # The scan finds the actions it must (a broken scan would find nothing and pass).
    assert {"contact_point.created", "contact_point.membership_added", "contact_point.verified",
            "initial_contact.voided", "import.applied", "login.failed", "export"} <= actions
    missing = sorted(actions - set(audit.ACTION_LABELS))
    assert not missing, f"audit actions without a label in services/audit.py: {missing}"


def test_every_field_of_an_entry_has_a_label(app, make):
    entry = make.entry()
    with app.app_context():
        fields = set(contact_point_json(get_contact_point(entry)))
    shown = fields - {"id", "version", "stale"}  # never audited (services.contacts._snapshot)
    missing = sorted(shown - set(audit.FIELD_LABELS))
    assert not missing, f"entry fields without a label in services/audit.py: {missing}"


def test_labels_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        from flask_babel import refresh

        refresh()
        assert audit.action_label("contact_point.membership_added") == "Réseau ajouté"
        assert audit.field_labels({"given_name": [None, "A"], "import_run": [None, 3]}) == [
            "Prénom"]
