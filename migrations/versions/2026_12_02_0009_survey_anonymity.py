"""Practitioner survey: one-time response codes and results frozen once a survey closes.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "survey_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_link_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("spent", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["survey_link_id"], ["survey_link.id"],
                                name=op.f("fk_survey_code_survey_link_id_survey_link"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_code")),
        sa.UniqueConstraint("survey_link_id", "code_hash", name="uq_survey_code_link_hash"),
    )
    with op.batch_alter_table("survey_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_code_survey_link_id"), ["survey_link_id"], unique=False)
    op.create_table(
        "survey_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("survey_link_id", sa.Integer(), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_survey_snapshot_campaign_id_campaign"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["survey_link_id"], ["survey_link.id"],
                                name=op.f("fk_survey_snapshot_survey_link_id_survey_link"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_snapshot")),
        sa.UniqueConstraint("survey_link_id", name=op.f("uq_survey_snapshot_survey_link_id")),
    )
    with op.batch_alter_table("survey_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_snapshot_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index("uq_survey_snapshot_partnership", ["campaign_id"], unique=True,
                              sqlite_where=sa.text("survey_link_id IS NULL"),
                              postgresql_where=sa.text("survey_link_id IS NULL"))


def downgrade():
    op.drop_table("survey_snapshot")
    op.drop_table("survey_code")
    with op.batch_alter_table("survey_link", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
