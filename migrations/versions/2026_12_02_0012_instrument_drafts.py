"""Instrument drafts edited in the studio before they are published as versions.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "instrument_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("based_on_id", sa.Integer(), nullable=True),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.Enum("draft", "published", name="instrument_draft_state", native_enum=False,
                                   create_constraint=True, length=32), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(state = 'published') = (published_version_id IS NOT NULL)",
                           name=op.f("ck_instrument_draft_published_has_version")),
        sa.ForeignKeyConstraint(["based_on_id"], ["instrument_version.id"],
                                name=op.f("fk_instrument_draft_based_on_id_instrument_version")),
        sa.ForeignKeyConstraint(["published_version_id"], ["instrument_version.id"],
                                name=op.f("fk_instrument_draft_published_version_id_instrument_version")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_instrument_draft_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"],
                                name=op.f("fk_instrument_draft_updated_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_draft")),
    )
    with op.batch_alter_table("instrument_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instrument_draft_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_instrument_draft_based_on_id"), ["based_on_id"], unique=False)


def downgrade():
    op.drop_table("instrument_draft")
