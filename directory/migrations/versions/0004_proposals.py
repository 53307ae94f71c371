"""proposals: changes to shared entries awaiting the other networks' decision

Revision ID: 0004_proposals
Revises: 0003_imports
Create Date: 2026-12-03 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_proposals'
down_revision = '0003_imports'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_point_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=True),
        sa.Column('on_behalf_of', sa.JSON(), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('proposer', sa.String(length=320), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('import_run_id', sa.Integer(), nullable=True),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decider', sa.String(length=320), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['contact_point_id'], ['contact_point.id'],
                                name=op.f('fk_proposal_contact_point_id_contact_point'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['network_id'], ['network.id'],
                                name=op.f('fk_proposal_network_id_network'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'],
                                name=op.f('fk_proposal_proposed_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'],
                                name=op.f('fk_proposal_decided_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['import_run_id'], ['import_run.id'],
                                name=op.f('fk_proposal_import_run_id_import_run'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_entry_status', ['contact_point_id', 'status'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_digest'), ['digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_proposed_by_id'), ['proposed_by_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_proposal_proposed_by_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_digest'))
        batch_op.drop_index('ix_proposal_entry_status')
    op.drop_table('proposal')
