"""Actions close the loop: a completion (note and evidence) that QA verifies or sends back ("not yet: reason"),
a new status `verified` (the only closed one), a priority on every action (existing ones: medium), and the
partnership priorities admin keeps, which actions are tagged with.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OLD_STATUSES = ("not_started", "in_progress", "complete", "cancelled")
NEW_STATUSES = ("not_started", "in_progress", "complete", "verified", "cancelled")


def _status_check(statuses) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade():
    op.create_table(
        "partnership_priority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_priority")),
        sa.UniqueConstraint("name", name=op.f("uq_partnership_priority_name")),
    )
    op.create_table(
        "action_partnership_priority",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action_item.id"],
            name=op.f("fk_action_partnership_priority_action_id_action_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["partnership_priority.id"],
            name=op.f("fk_action_partnership_priority_priority_id_partnership_priority"),
        ),
        sa.PrimaryKeyConstraint("action_id", "priority_id", name=op.f("pk_action_partnership_priority")),
    )
    with op.batch_alter_table("action_partnership_priority", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_partnership_priority_priority_id"), ["priority_id"], unique=False
        )

    op.create_table(
        "action_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence_link", sa.String(length=2000), nullable=True),
        sa.Column("evidence_original_name", sa.String(length=255), nullable=True),
        sa.Column("evidence_stored_name", sa.String(length=64), nullable=True),
        sa.Column("evidence_content_type", sa.String(length=100), nullable=True),
        sa.Column("evidence_size_bytes", sa.Integer(), nullable=True),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('verified', 'not_yet')", name=op.f("ck_action_completion_outcome_known")
        ),
        sa.CheckConstraint(
            "(outcome IS NULL) = (reviewed_at IS NULL)", name=op.f("ck_action_completion_reviewed_when_decided")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome = 'verified' OR reason IS NOT NULL",
            name=op.f("ck_action_completion_not_yet_has_reason"),
        ),
        sa.CheckConstraint(
            "(evidence_stored_name IS NULL) = (evidence_original_name IS NULL)",
            name=op.f("ck_action_completion_evidence_file_named"),
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action_item.id"], name=op.f("fk_action_completion_action_id_action_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["completed_by_id"], ["user_account.id"], name=op.f("fk_action_completion_completed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user_account.id"], name=op.f("fk_action_completion_reviewed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_completion")),
        sa.UniqueConstraint("evidence_stored_name", name=op.f("uq_action_completion_evidence_stored_name")),
    )
    with op.batch_alter_table("action_completion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_completion_action_id"), ["action_id"], unique=False)

    # `verified` joins the statuses; every existing action gets the medium priority.
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_action_item_action_item_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_action_item_action_item_status"), sa.text(_status_check(NEW_STATUSES))
        )
        batch_op.add_column(sa.Column("priority", sa.String(length=32), server_default="medium", nullable=False))
        batch_op.create_check_constraint(
            batch_op.f("ck_action_item_action_item_priority"), sa.text("priority IN ('high', 'medium', 'low')")
        )


def downgrade():
    # Verified actions go back to what they were before verification existed: complete.
    op.execute("UPDATE action_item SET status = 'complete' WHERE status = 'verified'")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_action_item_action_item_priority"), type_="check")
        batch_op.drop_column("priority")
        batch_op.drop_constraint(batch_op.f("ck_action_item_action_item_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_action_item_action_item_status"), sa.text(_status_check(OLD_STATUSES))
        )
    with op.batch_alter_table("action_completion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_completion_action_id"))
    op.drop_table("action_completion")
    with op.batch_alter_table("action_partnership_priority", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_partnership_priority_priority_id"))
    op.drop_table("action_partnership_priority")
    op.drop_table("partnership_priority")
