"""Following a child across rounds, and learning re-tested.

A case may name the same child's case in an earlier round (a longitudinal audit): `previous_case_id`, cleared if
the earlier case is ever removed. An action raised from a case-audit finding may name the criterion (a question
key of the round's instrument) that should improve: `retest_question_key`.

(How partly answers count needs no column: it is read from the instrument version each answer was given against.)

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_case_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_case_previous_case_id_audit_case"),
            "audit_case",
            ["previous_case_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_audit_case_previous_case_id"), ["previous_case_id"], unique=False)
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retest_question_key", sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_column("retest_question_key")
    with op.batch_alter_table("audit_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_case_previous_case_id"))
        batch_op.drop_constraint(batch_op.f("fk_audit_case_previous_case_id_audit_case"), type_="foreignkey")
        batch_op.drop_column("previous_case_id")
