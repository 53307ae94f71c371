"""Helpers for the import/export tests: the sample lists, running an import, counting rows."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from samples import DATA, SAMPLES, WITH_ERRORS  # noqa: F401  (re-exported)
from sqlalchemy import func, select
from support import csrf_token

from directory.extensions import db
from directory.models import ContactPoint, ImportRun, Membership, Network
from directory.services import commit, users
from directory.services import imports as import_service


def run_import(app, path, network, actor_email=None, dry_run=False, **options) -> dict:
    """Import through the service as the CLI and the web do; returns what the report said."""
    with app.app_context():
        actor = users.find_user(actor_email) if actor_email else None
        action = import_service.preview if dry_run else import_service.apply
        report = action(actor, path, network, **options)
        outcome = {"counts": dict(report.run.counts or {}), "status": report.run.status,
                   "errors": [str(error) for error in report.errors],
                   "unusable": report.unusable and str(report.unusable), "run_id": report.run.id,
                   "changes": list(report.change_rows())}
        if report.ok and not dry_run:
            import_service.commit_import(report)
        else:
            commit()
        return outcome


def upload(client, path, network="emj", **extra):
    """Upload a list through the import page, as a signed-in browser."""
    token = csrf_token(client, "/imports")
    data = {"csrf_token": token, "network": network,
            "file": (io.BytesIO(path.read_bytes()), path.name), **extra}
    return client.post("/imports", data=data, content_type="multipart/form-data")


def run_id_of(response) -> int:
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def import_samples(app, networks=("emj", "eurojust", "carin")) -> list[dict]:
    return [run_import(app, SAMPLES[network], network) for network in networks]


def directory_state(app) -> dict:
    """Entries, memberships per network, and every entry's version: what an import changes."""
    with app.app_context():
        memberships = dict(db.session.execute(
            select(Network.slug, func.count(Membership.id)).join(Membership)
            .group_by(Network.slug)).all())
        versions = dict(db.session.execute(select(ContactPoint.id, ContactPoint.version)).all())
        runs = db.session.scalar(select(func.count(ImportRun.id)))
        return {"entries": len(versions), "memberships": memberships, "versions": versions,
                "runs": runs}


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
