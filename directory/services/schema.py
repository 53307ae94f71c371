"""Creating and upgrading the database (Alembic migrations), and seeding the vocabularies."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, select

from directory import vocabulary
from directory.extensions import db
from directory.models import ChangeCounter, Network, NetworkRole, Specialism

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config():
    """Alembic's configuration for our migrations (Alembic is imported here, not at start:
    it is a third of the command line's start-up and only `init-db` needs it)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade() -> None:
    """Bring the schema to the latest migration; a no-op when it is already there."""
    from alembic import command

    with db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_initialised() -> bool:
    return inspect(db.engine).has_table("change_counter")


def seed() -> None:
    """Add the seeded networks, roles and specialisms that are missing; never overwrite edits."""
    if db.session.get(ChangeCounter, 1) is None:
        db.session.add(ChangeCounter(id=1, value=0))
    networks = {network.slug: network for network in db.session.scalars(select(Network))}
    for seed_network in vocabulary.NETWORKS.values():
        network = networks.get(seed_network.slug)
        if network is None:
            network = Network(
                slug=seed_network.slug, name=seed_network.name,
                name_fr=vocabulary.NETWORK_LABELS_FR.get(seed_network.slug),
                name_ar=vocabulary.NETWORK_LABELS_AR.get(seed_network.slug),
                description=seed_network.description,
            )
            db.session.add(network)
        for term in seed_network.roles:
            if network.role(term.slug) is None:
                network.roles.append(NetworkRole(slug=term.slug, label_en=term.en,
                                                 label_fr=term.fr, label_ar=term.ar))
    known = set(db.session.scalars(select(Specialism.slug)))
    for position, term in enumerate(vocabulary.SPECIALISMS.values()):
        if term.slug not in known:
            db.session.add(Specialism(slug=term.slug, label_en=term.en, label_fr=term.fr,
                                      label_ar=term.ar, position=position))
    db.session.flush()


def init_db() -> None:
    upgrade()
    seed()
    db.session.commit()
