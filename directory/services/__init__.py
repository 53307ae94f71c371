"""Domain operations: plain functions over the models, no request objects.

Services flush; the request or command commits once, through `commit()`, which then lets
the search index catch up with what was written, and runs what a service asked to do once
its rows are committed (`after_commit`: an erasure's files and index, for instance).
"""

from __future__ import annotations

from collections.abc import Callable

from directory.extensions import db


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once the current transaction is committed by `commit()` (never if it is
    rolled back): work outside the database that must not happen for a change undone."""
    db.session.info.setdefault("after_commit", []).append(action)


def commit() -> None:
    dirty = db.session.info.pop("index_dirty", False)
    actions = db.session.info.pop("after_commit", [])
    db.session.commit()
    if dirty:
        from directory.services.search import catch_up_quietly

        catch_up_quietly()
    for action in actions:
        action()


def rollback() -> None:
    db.session.info.pop("index_dirty", None)
    db.session.info.pop("after_commit", None)
    db.session.rollback()
