"""Domain operations: plain functions over the models, no request objects.

Services flush; the request or command commits once, through `commit()`, which then lets
the search index catch up with what was written.
"""

from __future__ import annotations

from directory.extensions import db


def commit() -> None:
    dirty = db.session.info.pop("index_dirty", False)
    db.session.commit()
    if dirty:
        from directory.services.search import catch_up_quietly

        catch_up_quietly()


def rollback() -> None:
    db.session.info.pop("index_dirty", None)
    db.session.rollback()
