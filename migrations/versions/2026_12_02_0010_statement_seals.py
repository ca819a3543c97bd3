"""Statement seals: Ed25519 signatures over each statement version and signing event, chained.

Statements already sent for signatures take the organisation's current name and short name as the one they were
signed for. Statements signed before this revision have no seal until `flask statements seal-existing` is run.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("organisation_slug", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("seal_key_id", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("seal_signature", sa.String(length=88), nullable=True))
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal_key_id", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("seal_signature", sa.String(length=88), nullable=True))
    op.execute(
        "UPDATE statement SET "
        "organisation_name = (SELECT name FROM organisation WHERE organisation.id = statement.organisation_id), "
        "organisation_slug = (SELECT slug FROM organisation WHERE organisation.id = statement.organisation_id) "
        "WHERE state <> 'draft'"
    )
    op.create_table(
        "seal_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=True),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("event_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seal_key_id", sa.String(length=16), nullable=False),
        sa.Column("seal_signature", sa.String(length=88), nullable=False),
        sa.CheckConstraint("kind IN ('signature', 'statement')", name=op.f("ck_seal_event_kind_known")),
        sa.CheckConstraint("(kind = 'signature') = (signature_id IS NOT NULL)",
                           name=op.f("ck_seal_event_signature_events_name_one")),
        sa.CheckConstraint("sequence > 0", name=op.f("ck_seal_event_sequence_positive")),
        sa.ForeignKeyConstraint(["signature_id"], ["signature.id"], name=op.f("fk_seal_event_signature_id_signature")),
        sa.ForeignKeyConstraint(["statement_id"], ["statement.id"], name=op.f("fk_seal_event_statement_id_statement")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seal_event")),
        sa.UniqueConstraint("event_hash", name=op.f("uq_seal_event_event_hash")),
        sa.UniqueConstraint("sequence", name=op.f("uq_seal_event_sequence")),
        sa.UniqueConstraint("signature_id", name=op.f("uq_seal_event_signature_id")),
    )
    with op.batch_alter_table("seal_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seal_event_statement_id"), ["statement_id"], unique=False)


def downgrade():
    op.drop_table("seal_event")
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_column("seal_signature")
        batch_op.drop_column("seal_key_id")
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_column("seal_signature")
        batch_op.drop_column("seal_key_id")
        batch_op.drop_column("organisation_slug")
        batch_op.drop_column("organisation_name")
