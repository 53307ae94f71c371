"""freshness: verification campaigns, confirmation links, reports of outdated details

Revision ID: 0008_freshness
Revises: 0007_jobs_mail
Create Date: 2026-12-03 11:25:10.004477
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_freshness'
down_revision = '0007_jobs_mail'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('only_stale', sa.Boolean(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('starter', sa.String(length=320), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('targeted', sa.Integer(), nullable=False),
    sa.Column('without_email', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_campaign_network_id_network'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name=op.f('fk_campaign_started_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_network_id'), ['network_id'], unique=False)

    op.create_table('outdated_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_point_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('reporter', sa.String(length=320), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolver', sa.String(length=320), nullable=True),
    sa.ForeignKeyConstraint(['contact_point_id'], ['contact_point.id'], name=op.f('fk_outdated_report_contact_point_id_contact_point'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user.id'], name=op.f('fk_outdated_report_reported_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_outdated_report_resolved_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outdated_report'))
    )
    with op.batch_alter_table('outdated_report', schema=None) as batch_op:
        batch_op.create_index('ix_outdated_report_entry_status', ['contact_point_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_outdated_report_reported_by_id'), ['reported_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outdated_report_status'), ['status'], unique=False)

    op.create_table('confirmation_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('contact_point_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('reminder_digest', sa.String(length=64), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('answer', sa.String(length=20), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('refusals', sa.Integer(), nullable=False),
    sa.Column('refusals_since', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_confirmation_link_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_point_id'], ['contact_point.id'], name=op.f('fk_confirmation_link_contact_point_id_contact_point'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_confirmation_link_proposal_id_proposal'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_confirmation_link')),
    sa.UniqueConstraint('campaign_id', 'contact_point_id', name=op.f('uq_confirmation_link_campaign_id_contact_point_id')),
    sa.UniqueConstraint('reminder_digest', name=op.f('uq_confirmation_link_reminder_digest')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_confirmation_link_token_digest'))
    )
    with op.batch_alter_table('confirmation_link', schema=None) as batch_op:
        batch_op.create_index('ix_confirmation_link_campaign_answer', ['campaign_id', 'answer'], unique=False)
        batch_op.create_index(batch_op.f('ix_confirmation_link_contact_point_id'), ['contact_point_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('confirmation_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_confirmation_link_contact_point_id'))
        batch_op.drop_index('ix_confirmation_link_campaign_answer')

    op.drop_table('confirmation_link')
    with op.batch_alter_table('outdated_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outdated_report_status'))
        batch_op.drop_index(batch_op.f('ix_outdated_report_reported_by_id'))
        batch_op.drop_index('ix_outdated_report_entry_status')

    op.drop_table('outdated_report')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_network_id'))

    op.drop_table('campaign')
