"""Themed findings and the action tracker.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('heading', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("heading IN ('evidence', 'strength', 'area_for_improvement', 'learning', 'impact')", name=op.f('ck_finding_heading_known')),
    sa.CheckConstraint('(CASE WHEN round_id IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN campaign_id IS NOT NULL THEN 1 ELSE 0 END) = 1', name=op.f('ck_finding_one_parent')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_finding_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_finding_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['audit_round.id'], name=op.f('fk_finding_round_id_audit_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding'))
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_round_id'), ['round_id'], unique=False)
    op.create_table('action_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=False),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'complete', 'cancelled', name='action_item_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('return_answer_id', sa.Integer(), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('risk_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(CASE WHEN return_answer_id IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN finding_id IS NOT NULL THEN 1 ELSE 0 END) + (CASE WHEN risk_id IS NOT NULL THEN 1 ELSE 0 END) <= 1', name=op.f('ck_action_item_at_most_one_parent')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_action_item_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_action_item_finding_id_finding'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisation.id'], name=op.f('fk_action_item_owner_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['return_answer_id'], ['return_answer.id'], name=op.f('fk_action_item_return_answer_id_return_answer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['risk_id'], ['risk.id'], name=op.f('fk_action_item_risk_id_risk'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_item'))
    )
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_owner_organisation_id'), ['owner_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_return_answer_id'), ['return_answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_risk_id'), ['risk_id'], unique=False)
        batch_op.create_index('ix_action_item_status_due', ['status', 'due_date'], unique=False)
    op.create_table('action_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status_after', sa.String(length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action_item.id'], name=op.f('fk_action_update_action_id_action_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_action_update_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_update'))
    )
    with op.batch_alter_table('action_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_update_action_id'), ['action_id'], unique=False)


def downgrade():
    op.drop_table('action_update')
    op.drop_table('action_item')
    op.drop_table('finding')
