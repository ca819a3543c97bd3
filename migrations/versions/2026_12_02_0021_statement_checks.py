"""Statement checks: the quality assurance group approves a statement's text (or sends it back with reasons) before
anyone signs it; an organisation may name the signatory rule that applies to it; staff confirm they have read a
statement in force on its short link.

A new state, awaiting_check, sits between draft and awaiting_signatures (so the state CHECK, the "sent states have
a time" CHECK and the one-open-version index change). Statements already waiting for signatures carry on as they
are. Downgrading puts statements waiting for their check back to draft.

Revision ID: 0021
Revises: 0020
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

ORG_TYPES = (
    "local_authority", "police", "health_commissioner", "health_trust", "gp_practice", "school", "college",
    "early_years", "charity", "faith_organisation", "social_housing", "out_of_school_setting", "probation",
    "youth_justice", "cafcass", "emergency_service", "other",
)
SIGNATORY_RULES = tuple(f"as:{t}" for t in ORG_TYPES) + (
    "sign:chief_executive+chair_of_trustees",
    "sign:headteacher+chair_of_governors",
    "sign:principal+chair_of_governors",
    "sign:chief_executive+chair_of_governors",
    "sign:chief_executive",
    "sign:director",
)

OLD_STATES = ("draft", "awaiting_signatures", "in_force", "superseded", "review_required")
NEW_STATES = ("draft", "awaiting_check", "awaiting_signatures", "in_force", "superseded", "review_required")
OLD_OPEN = "state IN ('draft', 'awaiting_signatures')"
NEW_OPEN = "state IN ('draft', 'awaiting_check', 'awaiting_signatures')"
IN_FORCE = "state = 'in_force'"
OLD_SENT = "state = 'draft' OR sent_for_signatures_at IS NOT NULL"
NEW_SENT = "state IN ('draft', 'awaiting_check') OR sent_for_signatures_at IS NOT NULL"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _give_read_codes():
    """Statements on display already get their short link code, as new ones do when they come into force."""
    connection = op.get_bind()
    ids = connection.execute(
        sa.text("SELECT id FROM statement WHERE state IN ('in_force', 'review_required')")
    ).scalars().all()
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    for statement_id in ids:
        code = "".join(secrets.choice(alphabet) for _ in range(10))
        connection.execute(sa.text("UPDATE statement SET read_code = :code WHERE id = :id"),
                           {"code": code, "id": statement_id})


def _drop_partial_indexes():
    # Dropped around the batch rebuild of the statement table, which would not keep their WHERE clauses.
    op.drop_index("uq_statement_one_open", table_name="statement")
    op.drop_index("uq_statement_one_in_force", table_name="statement")


def _create_partial_indexes(open_states: str):
    op.create_index("uq_statement_one_in_force", "statement", ["organisation_id"], unique=True,
                    sqlite_where=sa.text(IN_FORCE), postgresql_where=sa.text(IN_FORCE))
    op.create_index("uq_statement_one_open", "statement", ["organisation_id"], unique=True,
                    sqlite_where=sa.text(open_states), postgresql_where=sa.text(open_states))


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signatory_rule", sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_organisation_signatory_rule_known"),
            sa.text("signatory_rule IS NULL OR " + _in("signatory_rule", SIGNATORY_RULES)),
        )

    _drop_partial_indexes()
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_for_check_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("read_code", sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_statement_read_code"), ["read_code"])
        batch_op.drop_constraint(op.f("ck_statement_statement_state"), type_="check")
        batch_op.create_check_constraint(op.f("ck_statement_statement_state"), sa.text(_in("state", NEW_STATES)))
        batch_op.drop_constraint(op.f("ck_statement_sent_states_have_time"), type_="check")
        batch_op.create_check_constraint(op.f("ck_statement_sent_states_have_time"), sa.text(NEW_SENT))
        batch_op.create_check_constraint(
            op.f("ck_statement_checked_states_have_time"),
            sa.text("state <> 'awaiting_check' OR sent_for_check_at IS NOT NULL"),
        )
    _create_partial_indexes(NEW_OPEN)
    _give_read_codes()

    op.create_table(
        "statement_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.Enum("approved", "returned", name="check_decision", native_enum=False,
                                      create_constraint=True, length=32), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision <> 'returned' OR (reasons IS NOT NULL AND reasons <> '')",
                           name=op.f("ck_statement_check_returned_with_reasons")),
        sa.ForeignKeyConstraint(["checked_by_id"], ["user_account.id"],
                                name=op.f("fk_statement_check_checked_by_id_user_account")),
        sa.ForeignKeyConstraint(["statement_id"], ["statement.id"],
                                name=op.f("fk_statement_check_statement_id_statement")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_check")),
    )
    with op.batch_alter_table("statement_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_check_statement_id"), ["statement_id"], unique=False)

    op.create_table(
        "statement_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=50), nullable=True),
        sa.Column("role", sa.String(length=80), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["statement_id"], ["statement.id"],
                                name=op.f("fk_statement_read_statement_id_statement")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_read")),
    )
    with op.batch_alter_table("statement_read", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_read_statement_id"), ["statement_id"], unique=False)


def downgrade():
    op.drop_table("statement_read")
    op.drop_table("statement_check")

    # The older schema has no check step: statements waiting for it go back to draft.
    op.execute(sa.text("UPDATE statement SET state = 'draft', content_hash = NULL WHERE state = 'awaiting_check'"))
    _drop_partial_indexes()
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_statement_checked_states_have_time"), type_="check")
        batch_op.drop_constraint(op.f("ck_statement_sent_states_have_time"), type_="check")
        batch_op.create_check_constraint(op.f("ck_statement_sent_states_have_time"), sa.text(OLD_SENT))
        batch_op.drop_constraint(op.f("ck_statement_statement_state"), type_="check")
        batch_op.create_check_constraint(op.f("ck_statement_statement_state"), sa.text(_in("state", OLD_STATES)))
        batch_op.drop_constraint(batch_op.f("uq_statement_read_code"), type_="unique")
        batch_op.drop_column("read_code")
        batch_op.drop_column("sent_for_check_at")
    _create_partial_indexes(OLD_OPEN)

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisation_signatory_rule_known"), type_="check")
        batch_op.drop_column("signatory_rule")
