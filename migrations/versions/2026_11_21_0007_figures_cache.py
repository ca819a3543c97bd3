"""Computed findings figures kept between requests, and the token that says when they are out of date.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("figures_token", sa.String(length=32), nullable=True))
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("figures_token", sa.String(length=32), nullable=True))
    op.create_table(
        "figures_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("stamp", sa.String(length=128), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(CASE WHEN round_id IS NOT NULL THEN 1 ELSE 0 END) + "
                           "(CASE WHEN campaign_id IS NOT NULL THEN 1 ELSE 0 END) = 1",
                           name=op.f("ck_figures_cache_one_parent")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_figures_cache_campaign_id_campaign"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["audit_round.id"], name=op.f("fk_figures_cache_round_id_audit_round"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures_cache")),
        sa.UniqueConstraint("campaign_id", name=op.f("uq_figures_cache_campaign_id")),
        sa.UniqueConstraint("round_id", name=op.f("uq_figures_cache_round_id")),
    )


def downgrade():
    op.drop_table("figures_cache")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("figures_token")
    with op.batch_alter_table("audit_round", schema=None) as batch_op:
        batch_op.drop_column("figures_token")
