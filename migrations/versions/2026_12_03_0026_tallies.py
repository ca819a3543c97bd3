"""Round tallies: a round's answers kept counted as they change (app/audits/tally_models.py), so its findings are
worked out from hundreds of rows, not every answer.

Rounds that exist already are not counted here: `audit_round.tallied` is false for them, and their figures are
worked out from their answers as before until `flask audits tally` counts them (or the next submission in the
round does). The column is added with ALTER TABLE ... ADD COLUMN, never a batch rebuild of audit_round, whose
rebuild would cascade to every case.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _round_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["round_id"], ["audit_round.id"], name=op.f(f"fk_{table}_round_id_audit_round"), ondelete="CASCADE"
    )


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"], ["audit_case.id"], name=op.f(f"fk_{table}_case_id_audit_case"), ondelete="CASCADE"
    )


def _organisation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"], ["organisation.id"], name=op.f(f"fk_{table}_organisation_id_organisation")
    )


def upgrade():
    op.create_table(
        "round_answer_tally",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("scored", sa.Integer(), nullable=False),
        sa.Column("met", sa.Integer(), nullable=False),
        sa.Column("excluded", sa.Integer(), nullable=False),
        _organisation_fk("round_answer_tally"),
        _round_fk("round_answer_tally"),
        sa.PrimaryKeyConstraint(
            "round_id", "organisation_id", "question_key", "value", name=op.f("pk_round_answer_tally")
        ),
    )
    op.create_table(
        "round_agreement_tally",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=100), nullable=False),
        sa.Column("ratings", sa.Text(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        _round_fk("round_agreement_tally"),
        sa.PrimaryKeyConstraint("round_id", "question_key", "ratings", name=op.f("pk_round_agreement_tally")),
    )
    op.create_table(
        "case_tally",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.Column("pooled", sa.Boolean(), nullable=False),
        sa.Column("scored", sa.Integer(), nullable=False),
        sa.Column("met", sa.Integer(), nullable=False),
        _case_fk("case_tally"),
        _round_fk("case_tally"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_tally")),
    )
    op.create_index(op.f("ix_case_tally_round_id"), "case_tally", ["round_id"], unique=False)
    op.create_table(
        "case_agreement_unit",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=100), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.Text(), nullable=False),
        sa.Column("pooled", sa.Boolean(), nullable=False),
        _case_fk("case_agreement_unit"),
        _round_fk("case_agreement_unit"),
        sa.PrimaryKeyConstraint("case_id", "question_key", name=op.f("pk_case_agreement_unit")),
    )
    op.create_index(op.f("ix_case_agreement_unit_round_id"), "case_agreement_unit", ["round_id"], unique=False)
    op.create_table(
        "case_drift",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("compared", sa.Integer(), nullable=False),
        sa.Column("differed", sa.Integer(), nullable=False),
        _case_fk("case_drift"),
        _organisation_fk("case_drift"),
        _round_fk("case_drift"),
        sa.PrimaryKeyConstraint("case_id", "organisation_id", name=op.f("pk_case_drift")),
    )
    op.create_index(op.f("ix_case_drift_round_id"), "case_drift", ["round_id"], unique=False)
    op.add_column("audit_round", sa.Column("tallied", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column("audit_round", "tallied")  # (ALTER TABLE ... DROP COLUMN on SQLite too: no rebuild)
    for table in ("case_drift", "case_agreement_unit", "case_tally"):
        op.drop_index(op.f(f"ix_{table}_round_id"), table_name=table)
        op.drop_table(table)
    op.drop_table("round_agreement_tally")
    op.drop_table("round_answer_tally")
