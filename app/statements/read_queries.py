"""Reads for read confirmations: the statement behind a short link, who has read a version, and how many."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.statements import queries
from app.statements.models import ReadConfirmation, Statement


def statement_by_read_code(code: str) -> Statement | None:
    """The statement on display for the organisation whose statement carries this read code: that version while it
    is on display, else (an old poster) the one on display now; None when there is none."""
    statement = db.session.execute(sa.select(Statement).where(Statement.read_code == code)).scalar_one_or_none()
    if statement is None or not statement.organisation.active:
        return None
    return statement if statement.is_public else queries.public_statement(statement.organisation_id)


def reads_of(statement_id: int) -> list[ReadConfirmation]:
    """Everyone who confirmed reading this version, newest first (first name and role, when given)."""
    return list(
        db.session.execute(
            sa.select(ReadConfirmation)
            .where(ReadConfirmation.statement_id == statement_id)
            .order_by(ReadConfirmation.read_at.desc(), ReadConfirmation.id.desc())
        ).scalars()
    )


def read_counts(statement_ids) -> dict[int, int]:
    """How many people confirmed reading each of these versions (absent: none)."""
    ids = [i for i in statement_ids if i is not None]
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(ReadConfirmation.statement_id, sa.func.count())
        .where(ReadConfirmation.statement_id.in_(ids))
        .group_by(ReadConfirmation.statement_id)
    ).all()
    return {statement_id: count for statement_id, count in rows}
