"""Leaders sign off their organisation's return before it is submitted; QA challenge events, and the
organisation's structured reply to each challenge.

A return gains the state awaiting_signoff, the capacities that must sign it off (fixed when it is sent) and one
row per sign-off. A challenge may belong to a challenge event (a panel reviewing returns together on a date) and
carries the organisation's reply (agree and change the rating, or disagree with evidence) and QA's acceptance.

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OLD_STATES = ("not_started", "in_progress", "submitted", "returned", "accepted")
NEW_STATES = ("not_started", "in_progress", "awaiting_signoff", "submitted", "returned", "accepted")


def _states(states) -> str:
    return "state IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def upgrade():
    with op.batch_alter_table("sa_return", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_sa_return_sa_return_state"), type_="check")
        batch_op.create_check_constraint("sa_return_state", _states(NEW_STATES))
        batch_op.add_column(sa.Column("signoff_capacities", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("sent_for_signoff_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE sa_return SET signoff_capacities = '[]'"))
    with op.batch_alter_table("sa_return", schema=None) as batch_op:
        batch_op.alter_column("signoff_capacities", existing_type=sa.JSON(), nullable=False)

    op.create_table(
        "return_signoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signatory_name", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.String(length=32), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["return_id"], ["sa_return.id"], name=op.f("fk_return_signoff_return_id_sa_return"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_return_signoff_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_signoff")),
        sa.UniqueConstraint("return_id", "capacity", name="uq_return_signoff_return_capacity"),
    )
    with op.batch_alter_table("return_signoff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_signoff_return_id"), ["return_id"], unique=False)

    op.create_table(
        "challenge_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("panel", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_challenge_event_campaign_id_campaign"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_challenge_event_created_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_event")),
    )
    with op.batch_alter_table("challenge_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_event_campaign_id"), ["campaign_id"], unique=False)
    op.create_table(
        "challenge_event_return",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["challenge_event.id"],
                                name=op.f("fk_challenge_event_return_event_id_challenge_event"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["return_id"], ["sa_return.id"],
                                name=op.f("fk_challenge_event_return_return_id_sa_return"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "return_id", name=op.f("pk_challenge_event_return")),
    )

    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reply_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("reply_rag", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("reply_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reply_link", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("reply_file_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("reply_stored_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("replied_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("accepted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_challenge_event_id_challenge_event"), "challenge_event",
                                    ["event_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_challenge_replied_by_id_user_account"), "user_account",
                                    ["replied_by_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_challenge_accepted_by_id_user_account"), "user_account",
                                    ["accepted_by_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_challenge_event_id"), ["event_id"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_challenge_reply_stored_name"), ["reply_stored_name"])
        batch_op.create_check_constraint("reply_kind_known",
                                         "reply_kind IS NULL OR reply_kind IN ('agree', 'disagree')")
        batch_op.create_check_constraint("reply_rag_known", "reply_rag IS NULL OR reply_rag IN ('green', 'amber', 'red')")
        batch_op.create_check_constraint("reply_has_time", "(reply_kind IS NULL) = (replied_at IS NULL)")


def downgrade():
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_challenge_reply_has_time"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_challenge_reply_rag_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_challenge_reply_kind_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_challenge_reply_stored_name"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_challenge_event_id"))
        batch_op.drop_constraint(batch_op.f("fk_challenge_accepted_by_id_user_account"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_challenge_replied_by_id_user_account"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_challenge_event_id_challenge_event"), type_="foreignkey")
        for column in ("accepted_at", "accepted_by_id", "replied_at", "replied_by_id", "reply_stored_name",
                       "reply_file_name", "reply_link", "reply_text", "reply_rag", "reply_kind", "event_id"):
            batch_op.drop_column(column)
    op.drop_table("challenge_event_return")
    with op.batch_alter_table("challenge_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_event_campaign_id"))
    op.drop_table("challenge_event")
    with op.batch_alter_table("return_signoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_signoff_return_id"))
    op.drop_table("return_signoff")
    # Returns waiting for sign-off go back to the lead, who submits them as before.
    op.execute(sa.text("UPDATE sa_return SET state = 'in_progress' WHERE state = 'awaiting_signoff'"))
    with op.batch_alter_table("sa_return", schema=None) as batch_op:
        batch_op.drop_column("sent_for_signoff_at")
        batch_op.drop_column("signoff_capacities")
        batch_op.drop_constraint(batch_op.f("ck_sa_return_sa_return_state"), type_="check")
        batch_op.create_check_constraint("sa_return_state", _states(OLD_STATES))
