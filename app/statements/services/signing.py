"""Signing: a signatory re-enters their password to sign the exact content they were shown; the last
required signature brings the version into force, sealed, and supersedes the one before."""

from __future__ import annotations

import calendar
from datetime import date

import sqlalchemy as sa

from app.accounts.models import SIGNATORY_CAPACITIES
from app.accounts.services import confirm_password
from app.activity import record
from app.errors import DomainError, InvalidTransition, PermissionDenied
from app.extensions import db
from app.statements import queries, seals
from app.statements.content import content_hash
from app.statements.models import PUBLIC_STATES, Signature, Statement, StatementState
from app.statements.services.drafts import _supersede
from app.utils import utcnow


class StatementChanged(DomainError):
    """The content hash shown to a signatory no longer matches the statement."""


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter; changes nothing."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_can_sign(statement: Statement, user) -> None:
    """Refuse (PermissionDenied) unless `user` may sign this statement now; changes nothing. The signing
    page checks it before showing the statement."""
    refusal = queries.signing_refusal(statement, user)
    if refusal:
        raise PermissionDenied(refusal)


def sign_statement(statement: Statement, user, *, password: str, shown_hash: str) -> Signature:
    """Sign as `user` after re-entering their password; the last required signature brings it into force.
    A signatory of the organisation, once check_can_sign allows it (it is checked again here)."""
    check_can_sign(statement, user)
    if statement.state != StatementState.awaiting_signatures:
        raise InvalidTransition("This statement is not waiting for signatures.")
    if user.signatory_capacity in statement.signed_capacities:
        raise DomainError("This statement has already been signed in your capacity.")
    confirm_password(user, password)
    if shown_hash != statement.content_hash or content_hash(statement) != statement.content_hash:
        raise StatementChanged("The statement changed since you opened it. Read it again below, then sign.")
    signature = Signature(
        statement=statement,
        user_id=user.id,
        signatory_name=user.name,
        capacity=user.signatory_capacity,
        content_hash=statement.content_hash,
        signed_at=utcnow(),
    )
    db.session.add(signature)
    db.session.flush()
    seals.seal_signature(signature)
    capacity = SIGNATORY_CAPACITIES.get(signature.capacity, signature.capacity)
    record(
        "signed", statement, f"{user.name} signed version {statement.version_number} as {capacity.lower()}", actor=user
    )
    if not statement.missing_capacities:
        _bring_into_force(statement, actor=user)
    return signature


def _bring_into_force(statement: Statement, *, actor) -> None:
    for previous in db.session.execute(
        sa.select(Statement).where(
            Statement.organisation_id == statement.organisation_id,
            Statement.state.in_(PUBLIC_STATES),
            Statement.id != statement.id,
        )
    ).scalars():
        _supersede(previous, actor, reason=f"version {statement.version_number} came into force")
    now = utcnow()
    review_due = add_months(now.date(), queries.review_months(statement))
    statement.state = statement.state.check_move(StatementState.in_force)
    statement.in_force_at = now
    statement.review_due = review_due
    db.session.flush()
    seals.seal_statement(statement)
    record(
        "in_force",
        statement,
        f"Version {statement.version_number} is in force; review due {statement.review_due.isoformat()}",
        actor=actor,
    )
