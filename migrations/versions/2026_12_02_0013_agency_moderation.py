"""Agency questions agreed per agency at moderation: each agency's own answer stands or is moderated for it.

A moderated answer may now name the agency it is agreed for. The single unique constraint on (moderation,
question) becomes two partial unique indexes, because PostgreSQL treats NULLs as distinct: one agreed answer per
case question (no organisation), and one per agency per agency question.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

CASE_ROW = "organisation_id IS NULL"
AGENCY_ROW = "organisation_id IS NOT NULL"


def upgrade():
    with op.batch_alter_table("moderated_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_moderated_answer_organisation_id_organisation"),
                                    "organisation", ["organisation_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_moderated_answer_organisation_id"), ["organisation_id"], unique=False)
        batch_op.drop_constraint("uq_moderated_answer_moderation_question", type_="unique")
    op.create_index("uq_moderated_answer_case_question", "moderated_answer", ["moderation_id", "question_key"],
                    unique=True, sqlite_where=sa.text(CASE_ROW), postgresql_where=sa.text(CASE_ROW))
    op.create_index("uq_moderated_answer_agency_question", "moderated_answer",
                    ["moderation_id", "question_key", "organisation_id"], unique=True,
                    sqlite_where=sa.text(AGENCY_ROW), postgresql_where=sa.text(AGENCY_ROW))


def downgrade():
    # Answers agreed for one agency have no place in the older schema: the agency's own answer stands again.
    op.execute(sa.text(f"DELETE FROM moderated_answer WHERE {AGENCY_ROW}"))
    op.drop_index("uq_moderated_answer_agency_question", table_name="moderated_answer")
    op.drop_index("uq_moderated_answer_case_question", table_name="moderated_answer")
    with op.batch_alter_table("moderated_answer", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_moderated_answer_moderation_question", ["moderation_id", "question_key"])
        batch_op.drop_index(batch_op.f("ix_moderated_answer_organisation_id"))
        batch_op.drop_constraint(batch_op.f("fk_moderated_answer_organisation_id_organisation"), type_="foreignkey")
        batch_op.drop_column("organisation_id")
