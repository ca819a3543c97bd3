"""Multi-agency case audits: rounds, cases, assignments, responses, moderation.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_version_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('area', sa.String(length=100), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'open', 'moderation', 'closed', name='audit_round_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('auditor_mode', sa.Enum('self_audit', 'external', name='audit_round_auditor_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('figures_snapshot', sa.JSON(), nullable=True),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_audit_round_period_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_audit_round_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], name=op.f('fk_audit_round_instrument_version_id_instrument_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_round'))
    )
    with op.batch_alter_table('audit_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_round_instrument_version_id'), ['instrument_version_id'], unique=False)
    op.create_table('audit_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('age_band', sa.String(length=16), nullable=True),
    sa.Column('gender', sa.String(length=16), nullable=True),
    sa.Column('ethnicity', sa.String(length=16), nullable=True),
    sa.Column('area', sa.String(length=100), nullable=True),
    sa.Column('not_moderated_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("age_band IS NULL OR age_band IN ('unborn', 'under_1', '1_4', '5_9', '10_15', '16_17', 'not_recorded')", name=op.f('ck_audit_case_age_band_known')),
    sa.CheckConstraint("ethnicity IS NULL OR ethnicity IN ('asian', 'black', 'mixed', 'white', 'other', 'not_recorded')", name=op.f('ck_audit_case_ethnicity_known')),
    sa.CheckConstraint("gender IS NULL OR gender IN ('female', 'male', 'other', 'not_recorded')", name=op.f('ck_audit_case_gender_known')),
    sa.ForeignKeyConstraint(['round_id'], ['audit_round.id'], name=op.f('fk_audit_case_round_id_audit_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_case')),
    sa.UniqueConstraint('round_id', 'reference', name='uq_audit_case_round_reference')
    )
    with op.batch_alter_table('audit_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_case_round_id'), ['round_id'], unique=False)
    op.create_table('round_organisation',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_round_organisation_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['round_id'], ['audit_round.id'], name=op.f('fk_round_organisation_round_id_audit_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'organisation_id', name=op.f('pk_round_organisation'))
    )
    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('auditor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['auditor_id'], ['user_account.id'], name=op.f('fk_assignment_auditor_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['audit_case.id'], name=op.f('fk_assignment_case_id_audit_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_assignment_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('case_id', 'organisation_id', name='uq_assignment_case_organisation')
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_auditor_id'), ['auditor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('moderation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('overall_grade', sa.String(length=64), nullable=True),
    sa.Column('strengths', sa.Text(), nullable=True),
    sa.Column('areas_for_improvement', sa.Text(), nullable=True),
    sa.Column('learning', sa.Text(), nullable=True),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['audit_case.id'], name=op.f('fk_moderation_case_id_audit_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moderator_id'], ['user_account.id'], name=op.f('fk_moderation_moderator_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation')),
    sa.UniqueConstraint('case_id', name=op.f('uq_moderation_case_id'))
    )
    op.create_table('case_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('instrument_version_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'returned', name='case_response_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('returned_reason', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(state = 'submitted') = (submitted_at IS NOT NULL)", name=op.f('ck_case_response_submitted_has_time')),
    sa.CheckConstraint("state <> 'returned' OR returned_reason IS NOT NULL", name=op.f('ck_case_response_returned_has_reason')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_case_response_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], name=op.f('fk_case_response_instrument_version_id_instrument_version')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_case_response_submitted_by_id_user_account')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_case_response_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_response')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_case_response_assignment_id'))
    )
    with op.batch_alter_table('case_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_response_instrument_version_id'), ['instrument_version_id'], unique=False)
    op.create_table('moderated_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('moderation_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('meets_standard', sa.Boolean(), nullable=True),
    sa.Column('excluded', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['moderation_id'], ['moderation.id'], name=op.f('fk_moderated_answer_moderation_id_moderation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderated_answer')),
    sa.UniqueConstraint('moderation_id', 'question_key', name='uq_moderated_answer_moderation_question')
    )
    with op.batch_alter_table('moderated_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderated_answer_moderation_id'), ['moderation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderated_answer_question_key'), ['question_key'], unique=False)
    op.create_table('case_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('meets_standard', sa.Boolean(), nullable=True),
    sa.Column('excluded', sa.Boolean(), nullable=False),
    sa.Column('rag', sa.String(length=8), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['case_response.id'], name=op.f('fk_case_answer_response_id_case_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_answer')),
    sa.UniqueConstraint('response_id', 'question_key', name='uq_case_answer_response_question')
    )
    with op.batch_alter_table('case_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_answer_question_key'), ['question_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_answer_response_id'), ['response_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    op.drop_table('case_answer')
    op.drop_table('moderated_answer')
    op.drop_table('case_response')
    op.drop_table('moderation')
    op.drop_table('assignment')
    op.drop_table('round_organisation')
    op.drop_table('audit_case')
    op.drop_table('audit_round')
