"""Campaign year: an organisation's extension to its return's due date, and criteria re-rated during the year.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sa_return", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extended_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("extension_reason", sa.Text(), nullable=True))
    op.create_table(
        "criterion_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_answer_id", sa.Integer(), nullable=False),
        sa.Column("rag", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rag IN ('green', 'amber', 'red')", name=op.f("ck_criterion_rating_rag_known")),
        sa.ForeignKeyConstraint(
            ["return_answer_id"],
            ["return_answer.id"],
            name=op.f("fk_criterion_rating_return_answer_id_return_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rated_by_id"],
            ["user_account.id"],
            name=op.f("fk_criterion_rating_rated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_rating")),
    )
    with op.batch_alter_table("criterion_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterion_rating_return_answer_id"), ["return_answer_id"], unique=False)


def downgrade():
    op.drop_table("criterion_rating")
    with op.batch_alter_table("sa_return", schema=None) as batch_op:
        batch_op.drop_column("extension_reason")
        batch_op.drop_column("extended_to")
