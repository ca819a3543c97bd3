"""Risk assessments, Child Safeguarding Statements and signatures.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('risk_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('no_risks_identified', sa.Boolean(), nullable=False),
    sa.Column('no_risks_justification', sa.Text(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("NOT no_risks_identified OR (no_risks_justification IS NOT NULL AND no_risks_justification <> '')", name=op.f('ck_risk_assessment_no_risks_justified')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_risk_assessment_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_risk_assessment_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_assessment')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_risk_assessment_organisation_id'))
    )
    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('instrument_version_id', sa.Integer(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'awaiting_signatures', 'in_force', 'superseded', 'review_required', name='statement_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('required_capacities', sa.JSON(), nullable=False),
    sa.Column('material_change_note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_for_signatures_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('in_force_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state <> 'in_force' OR (in_force_at IS NOT NULL AND review_due IS NOT NULL)", name=op.f('ck_statement_in_force_has_dates')),
    sa.CheckConstraint("state = 'draft' OR content_hash IS NOT NULL", name=op.f('ck_statement_signed_states_have_hash')),
    sa.CheckConstraint("state = 'draft' OR sent_for_signatures_at IS NOT NULL", name=op.f('ck_statement_sent_states_have_time')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_statement_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], name=op.f('fk_statement_instrument_version_id_instrument_version')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_statement_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement')),
    sa.UniqueConstraint('organisation_id', 'version_number', name='uq_statement_organisation_version')
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('uq_statement_one_in_force', ['organisation_id'], unique=True, sqlite_where=sa.text("state = 'in_force'"), postgresql_where=sa.text("state = 'in_force'"))
        batch_op.create_index('uq_statement_one_open', ['organisation_id'], unique=True, sqlite_where=sa.text("state IN ('draft', 'awaiting_signatures')"), postgresql_where=sa.text("state IN ('draft', 'awaiting_signatures')"))
    op.create_table('risk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_assessment_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('where_when', sa.Text(), nullable=False),
    sa.Column('measures_in_place', sa.Text(), nullable=False),
    sa.Column('further_action', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['risk_assessment_id'], ['risk_assessment.id'], name=op.f('fk_risk_risk_assessment_id_risk_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk'))
    )
    with op.batch_alter_table('risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_risk_assessment_id'), ['risk_assessment_id'], unique=False)
    op.create_table('signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.String(length=32), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_signature_statement_id_statement')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_signature_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature')),
    sa.UniqueConstraint('statement_id', 'capacity', name='uq_signature_statement_capacity')
    )
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signature_statement_id'), ['statement_id'], unique=False)


def downgrade():
    op.drop_table('signature')
    op.drop_table('risk')
    op.drop_table('statement')
    op.drop_table('risk_assessment')
