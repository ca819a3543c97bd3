"""Audit panels: moderation meeting records, live concerns raised on a case, and the agency leading each case.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_audit_case_lead_organisation_id_organisation"),
                                    "organisation", ["lead_organisation_id"], ["id"])
    op.create_table("panel_meeting",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("round_id", sa.Integer(), nullable=False),
    sa.Column("held_on", sa.Date(), nullable=False),
    sa.Column("panel", sa.Text(), nullable=False),
    sa.Column("practitioners", sa.Text(), nullable=True),
    sa.Column("family_feedback", sa.Enum("not_sought", "sought", "received", name="panel_meeting_family_feedback",
                                         native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column("recorded_by_id", sa.Integer(), nullable=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"],
                            name=op.f("fk_panel_meeting_recorded_by_id_user_account")),
    sa.ForeignKeyConstraint(["round_id"], ["audit_round.id"], name=op.f("fk_panel_meeting_round_id_audit_round"),
                            ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meeting"))
    )
    with op.batch_alter_table("panel_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_meeting_round_id"), ["round_id"], unique=False)
    op.create_table("live_concern",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("case_id", sa.Integer(), nullable=False),
    sa.Column("raised_by_id", sa.Integer(), nullable=True),
    sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("state", sa.Enum("open", "closed", name="live_concern_state", native_enum=False, create_constraint=True,
                               length=32), nullable=False),
    sa.Column("owner", sa.String(length=200), nullable=True),
    sa.Column("escalated_to", sa.String(length=200), nullable=True),
    sa.Column("escalated_on", sa.Date(), nullable=True),
    sa.Column("outcome", sa.Text(), nullable=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("closed_by_id", sa.Integer(), nullable=True),
    sa.CheckConstraint("(state = 'closed') = (closed_at IS NOT NULL)", name=op.f("ck_live_concern_closed_has_time")),
    sa.CheckConstraint("state <> 'closed' OR (owner IS NOT NULL AND outcome IS NOT NULL)",
                       name=op.f("ck_live_concern_closed_has_owner_and_outcome")),
    sa.CheckConstraint("(escalated_to IS NULL) = (escalated_on IS NULL)",
                       name=op.f("ck_live_concern_escalation_has_date")),
    sa.ForeignKeyConstraint(["case_id"], ["audit_case.id"], name=op.f("fk_live_concern_case_id_audit_case"),
                            ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["closed_by_id"], ["user_account.id"],
                            name=op.f("fk_live_concern_closed_by_id_user_account")),
    sa.ForeignKeyConstraint(["raised_by_id"], ["user_account.id"],
                            name=op.f("fk_live_concern_raised_by_id_user_account")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_live_concern"))
    )
    with op.batch_alter_table("live_concern", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_concern_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("live_concern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_concern_case_id"))
    op.drop_table("live_concern")
    with op.batch_alter_table("panel_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_meeting_round_id"))
    op.drop_table("panel_meeting")
    with op.batch_alter_table("audit_case", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_case_lead_organisation_id_organisation"), type_="foreignkey")
        batch_op.drop_column("lead_organisation_id")
