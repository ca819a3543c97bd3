"""Self-assessment campaigns, returns, evidence, challenges and the practitioner survey.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_version_id', sa.Integer(), nullable=False),
    sa.Column('survey_version_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('cycle', sa.String(length=16), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'open', 'closed', name='campaign_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('previous_campaign_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_campaign_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], name=op.f('fk_campaign_instrument_version_id_instrument_version')),
    sa.ForeignKeyConstraint(['previous_campaign_id'], ['campaign.id'], name=op.f('fk_campaign_previous_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['survey_version_id'], ['instrument_version.id'], name=op.f('fk_campaign_survey_version_id_instrument_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('instrument_version_id', 'cycle', name='uq_campaign_version_cycle')
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_instrument_version_id'), ['instrument_version_id'], unique=False)
    op.create_table('campaign_org_type',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('org_type', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_org_type_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'org_type', name=op.f('pk_campaign_org_type'))
    )
    op.create_table('sa_return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('not_started', 'in_progress', 'submitted', 'returned', 'accepted', name='sa_return_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('declaration_name', sa.String(length=200), nullable=True),
    sa.Column('returned_reason', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(state IN ('submitted', 'accepted')) = (submitted_at IS NOT NULL)", name=op.f('ck_sa_return_submitted_has_time')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_sa_return_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_sa_return_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_sa_return_reviewed_by_id_user_account')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_sa_return_submitted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sa_return')),
    sa.UniqueConstraint('campaign_id', 'organisation_id', name='uq_sa_return_campaign_organisation')
    )
    with op.batch_alter_table('sa_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sa_return_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sa_return_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('survey_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_survey_link_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_survey_link_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_link')),
    sa.UniqueConstraint('campaign_id', 'organisation_id', name='uq_survey_link_campaign_organisation'),
    sa.UniqueConstraint('token', name=op.f('uq_survey_link_token'))
    )
    with op.batch_alter_table('survey_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_link_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_link_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('return_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('meets_standard', sa.Boolean(), nullable=True),
    sa.Column('excluded', sa.Boolean(), nullable=False),
    sa.Column('rag', sa.String(length=8), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('reconfirmed', sa.Boolean(), nullable=False),
    sa.CheckConstraint("rag IS NULL OR rag IN ('green', 'amber', 'red')", name=op.f('ck_return_answer_rag_known')),
    sa.ForeignKeyConstraint(['carried_from_id'], ['return_answer.id'], name=op.f('fk_return_answer_carried_from_id_return_answer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['return_id'], ['sa_return.id'], name=op.f('fk_return_answer_return_id_sa_return'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_answer')),
    sa.UniqueConstraint('return_id', 'question_key', name='uq_return_answer_return_question')
    )
    with op.batch_alter_table('return_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_answer_question_key'), ['question_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_answer_return_id'), ['return_id'], unique=False)
    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_link_id', sa.Integer(), nullable=False),
    sa.Column('instrument_version_id', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_version.id'], name=op.f('fk_survey_response_instrument_version_id_instrument_version')),
    sa.ForeignKeyConstraint(['survey_link_id'], ['survey_link.id'], name=op.f('fk_survey_response_survey_link_id_survey_link'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_survey_link_id'), ['survey_link_id'], unique=False)
    op.create_table('challenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_answer_id', sa.Integer(), nullable=False),
    sa.Column('moderated_rag', sa.String(length=8), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('challenged_by_id', sa.Integer(), nullable=True),
    sa.Column('challenged_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("moderated_rag IN ('green', 'amber', 'red')", name=op.f('ck_challenge_moderated_rag_known')),
    sa.ForeignKeyConstraint(['challenged_by_id'], ['user_account.id'], name=op.f('fk_challenge_challenged_by_id_user_account')),
    sa.ForeignKeyConstraint(['return_answer_id'], ['return_answer.id'], name=op.f('fk_challenge_return_answer_id_return_answer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge')),
    sa.UniqueConstraint('return_answer_id', name=op.f('uq_challenge_return_answer_id'))
    )
    op.create_table('evidence_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_answer_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['return_answer_id'], ['return_answer.id'], name=op.f('fk_evidence_file_return_answer_id_return_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_evidence_file_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_file_stored_name'))
    )
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_file_return_answer_id'), ['return_answer_id'], unique=False)
    op.create_table('survey_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_response_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('meets_standard', sa.Boolean(), nullable=True),
    sa.Column('excluded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['survey_response_id'], ['survey_response.id'], name=op.f('fk_survey_answer_survey_response_id_survey_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer')),
    sa.UniqueConstraint('survey_response_id', 'question_key', name='uq_survey_answer_response_question')
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_question_key'), ['question_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answer_survey_response_id'), ['survey_response_id'], unique=False)


def downgrade():
    op.drop_table('survey_answer')
    op.drop_table('evidence_file')
    op.drop_table('challenge')
    op.drop_table('survey_response')
    op.drop_table('return_answer')
    op.drop_table('survey_link')
    op.drop_table('sa_return')
    op.drop_table('campaign_org_type')
    op.drop_table('campaign')
