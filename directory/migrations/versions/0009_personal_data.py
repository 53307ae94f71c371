"""personal data: erasure keeps an event's counts without its person; the change sequence
names erased entries

Revision ID: 0009_personal_data
Revises: 0008_freshness
Create Date: 2026-12-03 11:30:00.000000

- `initial_contact.contact_point_id` becomes nullable: an erased person's events stay (their
  dates, countries and networks count in the indicators) without naming them.
- `change.contact_point_id` loses its foreign key: an erasure deletes the entry and leaves one
  change naming its id, so that every node's search index drops the document when it catches up.
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_personal_data'
down_revision = '0008_freshness'  # 0006_accounts before feat/jobs-mail and feat/freshness merged
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('initial_contact', schema=None) as batch_op:
        batch_op.alter_column('contact_point_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.drop_constraint('fk_change_contact_point_id_contact_point', type_='foreignkey')


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.text(
        "DELETE FROM change WHERE contact_point_id NOT IN (SELECT id FROM contact_point)"))
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_change_contact_point_id_contact_point', 'contact_point',
                                    ['contact_point_id'], ['id'], ondelete='CASCADE')
    connection.execute(sa.text("DELETE FROM initial_contact WHERE contact_point_id IS NULL"))
    with op.batch_alter_table('initial_contact', schema=None) as batch_op:
        batch_op.alter_column('contact_point_id', existing_type=sa.Integer(), nullable=False)
