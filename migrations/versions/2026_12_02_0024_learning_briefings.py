"""Learning briefings: the 7-minute briefing drawn from a round's findings, and the organisations it was sent to,
with who confirmed it was cascaded to their staff and when.

Revision ID: 0024
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("briefing",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("round_id", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("state", sa.Enum("draft", "published", name="briefing_state", native_enum=False,
                               create_constraint=True, length=32), nullable=False),
    sa.Column("looked_at", sa.Text(), nullable=False),
    sa.Column("found", sa.Text(), nullable=False),
    sa.Column("good_looks_like", sa.Text(), nullable=False),
    sa.Column("do_differently", sa.Text(), nullable=False),
    sa.Column("get_help", sa.Text(), nullable=False),
    sa.Column("lock_version", sa.Integer(), nullable=False),
    sa.Column("created_by_id", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("published_by_id", sa.Integer(), nullable=True),
    sa.CheckConstraint("(state = 'published') = (published_at IS NOT NULL)",
                       name=op.f("ck_briefing_published_has_time")),
    sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                            name=op.f("fk_briefing_created_by_id_user_account")),
    sa.ForeignKeyConstraint(["published_by_id"], ["user_account.id"],
                            name=op.f("fk_briefing_published_by_id_user_account")),
    sa.ForeignKeyConstraint(["round_id"], ["audit_round.id"], name=op.f("fk_briefing_round_id_audit_round"),
                            ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing"))
    )
    with op.batch_alter_table("briefing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_briefing_round_id"), ["round_id"], unique=False)
    op.create_table("briefing_recipient",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("briefing_id", sa.Integer(), nullable=False),
    sa.Column("organisation_id", sa.Integer(), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_by_id", sa.Integer(), nullable=True),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
    sa.CheckConstraint("(confirmed_at IS NULL) = (confirmed_by_id IS NULL)",
                       name=op.f("ck_briefing_recipient_confirmed_by_someone")),
    sa.ForeignKeyConstraint(["briefing_id"], ["briefing.id"], name=op.f("fk_briefing_recipient_briefing_id_briefing"),
                            ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["confirmed_by_id"], ["user_account.id"],
                            name=op.f("fk_briefing_recipient_confirmed_by_id_user_account")),
    sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                            name=op.f("fk_briefing_recipient_organisation_id_organisation")),
    sa.ForeignKeyConstraint(["sent_by_id"], ["user_account.id"],
                            name=op.f("fk_briefing_recipient_sent_by_id_user_account")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing_recipient")),
    sa.UniqueConstraint("briefing_id", "organisation_id", name="uq_briefing_recipient_organisation")
    )
    with op.batch_alter_table("briefing_recipient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_briefing_recipient_briefing_id"), ["briefing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_briefing_recipient_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    with op.batch_alter_table("briefing_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_briefing_recipient_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_briefing_recipient_briefing_id"))
    op.drop_table("briefing_recipient")
    with op.batch_alter_table("briefing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_briefing_round_id"))
    op.drop_table("briefing")
