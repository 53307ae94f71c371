"""An import that fails half-way leaves the database as it was, and the index consistent;
and who may import, checked by the service itself."""

import pytest
from import_apply_support import SAMPLES, directory_state, run_import
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from directory.extensions import db
from directory.models import AuditEntry, Change, ContactPoint, ImportRun, Network
from directory.models.import_run import ImportSnapshot
from directory.services import imports as import_service
from directory.services import rollback, users
from directory.services.errors import PermissionDenied


def test_failure_half_way_leaves_the_database_as_it_was(app, make, api):
    existing = make.entry(family_name="Avant", emails=["avant@prosecution.example"])
    before = directory_state(app)
    with app.app_context():
        changes_before = db.session.scalar(select(func.count(Change.seq)))

        def plant(phase, done, total):
            # Half-way: the 117 entries are written (not committed) when a row appears that
            # the importer writes next, so the database's primary key stops it.
            if phase == "create":
                created = db.session.scalar(select(func.max(ContactPoint.id)))
                assert created > existing
                network_id = db.session.scalar(select(Network.id).where(Network.slug == "emj"))
                db.session.execute(insert(ImportSnapshot).values(
                    network_id=network_id, contact_point_id=created, digest="x", row={}))

        with pytest.raises(IntegrityError):
            import_service.apply(None, SAMPLES["emj"], "emj", progress=plant)
        rollback()
        assert db.session.scalar(select(func.count(Change.seq))) == changes_before
        assert db.session.scalar(select(func.count(ImportRun.id))) == 0
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action.like("import.%"))) == 0
    assert directory_state(app) == before
    # The index agrees with the database, and the next import goes through.
    client = api("prosecutor")
    assert client.get("/api/v1/search?q=Avant").get_json()["total"] == 1
    assert client.get("/api/v1/search?q=Bennani").get_json()["total"] == 0
    outcome = run_import(app, SAMPLES["emj"], "emj")
    assert outcome["counts"]["created"] == 117
    assert client.get("/api/v1/search?q=Bennani").get_json()["total"] >= 1


@pytest.mark.parametrize("role, networks, network, allowed", [
    ("prosecutor", (), "emj", False),
    ("reporter", (), "emj", False),
    ("secretariat", ("carin",), "emj", False),
    ("secretariat", ("carin",), "carin", True),
    ("secretariat", ("emj", "carin"), "emj", True),
    ("admin", (), "eurojust", True),
])
def test_who_may_import(app, make, role, networks, network, allowed):
    _, email = make.user(role, networks=networks)
    with app.app_context():
        actor = users.find_user(email)
        if allowed:
            report = import_service.preview(actor, SAMPLES[network], network)
            assert report.ok
        else:
            with pytest.raises(PermissionDenied):
                import_service.preview(actor, SAMPLES[network], network)
        rollback()


def test_unknown_network_is_refused(app, runner):
    result = runner.invoke(args=["import", str(SAMPLES["emj"]), "--network", "ejn"])
    assert result.exit_code == 1
    assert "no network 'ejn'" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ContactPoint.id))) == 0
