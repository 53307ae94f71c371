"""import runs: who ran them, sheet, archive flag, end time; per-network import snapshots

Revision ID: 0003_imports
Revises: 0002_indicators
Create Date: 2026-11-28 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_imports'
down_revision = '0002_indicators'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.String(length=320), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('sheet', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('archive_missing', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(), nullable=True))
    op.create_table(
        'import_snapshot',
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('contact_point_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('row', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['contact_point_id'], ['contact_point.id'],
                                name=op.f('fk_import_snapshot_contact_point_id_contact_point'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['network_id'], ['network.id'],
                                name=op.f('fk_import_snapshot_network_id_network'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('network_id', 'contact_point_id', name=op.f('pk_import_snapshot')),
    )
    with op.batch_alter_table('import_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_snapshot_contact_point_id'),
                              ['contact_point_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('import_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_snapshot_contact_point_id'))
    op.drop_table('import_snapshot')
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.drop_column('finished_at')
        batch_op.drop_column('archive_missing')
        batch_op.drop_column('sheet')
        batch_op.drop_column('actor')
