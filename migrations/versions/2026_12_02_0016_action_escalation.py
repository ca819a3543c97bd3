"""Action escalation: each step an overdue action has been through (owner reminded, QA sub-group, partnership
executive), once per action, level and due date. Reminders of overdue actions of every kind share one rule, so the
self-assessment rule's sent reminders are renamed to it (nobody is reminded twice of the same action).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "action_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("escalated_on", sa.Date(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "level IN ('owner', 'qa', 'executive')", name=op.f("ck_action_escalation_level_known")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action_item.id"],
            name=op.f("fk_action_escalation_action_id_action_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_escalation")),
        sa.UniqueConstraint("action_id", "level", "due_date", name="uq_action_escalation_once"),
    )
    op.create_index(op.f("ix_action_escalation_action_id"), "action_escalation", ["action_id"], unique=False)
    op.execute("UPDATE reminder SET kind = 'action_overdue' WHERE kind = 'sa_action_overdue'")


def downgrade():
    op.execute(
        "UPDATE reminder SET kind = 'sa_action_overdue' WHERE kind = 'action_overdue' AND target_type = 'action_item' "
        "AND target_id IN (SELECT id FROM action_item WHERE return_answer_id IS NOT NULL)"
    )
    op.drop_index(op.f("ix_action_escalation_action_id"), table_name="action_escalation")
    op.drop_table("action_escalation")
