"""Reads for the QA check: whether the partnership checks statements before they are signed, whether a statement
still waits for it, and what the QA group has to check."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.settings import get_setting
from app.extensions import db
from app.statements.models import Statement, StatementState

QA_CHECK_SETTING = "statements.qa_check"


def check_is_on() -> bool:
    """Whether the partnership's QA group checks statements before they are signed (and so published)."""
    return bool(get_setting(QA_CHECK_SETTING))


def needs_check(statement: Statement) -> bool:
    """Whether this statement may not be signed yet because its text still awaits the QA check."""
    return check_is_on() and not statement.text_approved


def statements_to_check() -> list[Statement]:
    """What the QA group has to check, oldest first: statements waiting for their check, and (while the check is on)
    any sent for signatures before it was turned on and not yet approved."""
    query = sa.select(Statement).options(
        selectinload(Statement.checks), selectinload(Statement.organisation), selectinload(Statement.signatures)
    )
    waiting = list(
        db.session.execute(
            query.where(Statement.state == StatementState.awaiting_check).order_by(Statement.sent_for_check_at)
        ).scalars()
    )
    if check_is_on():
        signing = db.session.execute(
            query.where(Statement.state == StatementState.awaiting_signatures).order_by(
                Statement.sent_for_signatures_at
            )
        ).scalars()
        waiting += [s for s in signing if not s.text_approved]
    return waiting
