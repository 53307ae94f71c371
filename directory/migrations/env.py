"""Alembic environment: runs on the connection `counterpart init-db` hands it."""

from alembic import context

import directory.models  # noqa: F401  (registers the tables on the metadata)
from directory.extensions import db

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations through `counterpart init-db`.")
context.configure(connection=connection, target_metadata=db.metadata,
                  render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
