"""Following a child across rounds: a case names the same child's case in an earlier round (a longitudinal audit),
found by its pseudonymous reference."""

from __future__ import annotations

import sqlalchemy as sa

from app.activity import record
from app.audits.models import AuditCase, AuditRound, RoundState
from app.audits.queries import can_see_case
from app.audits.services.cases import check_reference
from app.errors import DomainError, PermissionDenied
from app.extensions import db


def earlier_case(case: AuditCase, reference: str) -> AuditCase | None:
    """The case with `reference` in the latest round that started before `case`'s round (drafts aside)."""
    this_round = case.round
    return db.session.execute(
        sa.select(AuditCase)
        .join(AuditRound, AuditCase.round_id == AuditRound.id)
        .where(
            AuditCase.reference == reference,
            AuditRound.id != this_round.id,
            AuditRound.state != RoundState.draft,
            AuditRound.period_start < this_round.period_start,
        )
        .order_by(AuditRound.period_start.desc(), AuditRound.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def link_previous_case(case: AuditCase, *, reference, actor) -> AuditCase:
    """Link `case` to the same child's case in an earlier round, found by pseudonymous `reference` (the latest
    earlier round holding it). Sets `case.previous_case_id` and records it. Called by partnership staff; the actor
    must be allowed to see both cases. Raises DomainError(field="reference") when no earlier case has it."""
    if not can_see_case(actor, case):
        raise PermissionDenied("You cannot see this case")
    reference = check_reference(reference)
    previous = earlier_case(case, reference)
    if previous is None:
        raise DomainError(
            f"No case {reference} in a round that started before this one: enter the reference of the same child "
            "in an earlier round",
            field="reference",
        )
    if not can_see_case(actor, previous):
        raise PermissionDenied("You cannot see the earlier case")
    case.previous_case_id = previous.id
    db.session.flush()
    record(
        "linked",
        case,
        f"Case {case.reference} linked to case {previous.reference} in {previous.round.title}",
        actor=actor,
    )
    return previous


def unlink_previous_case(case: AuditCase, *, actor) -> None:
    """Remove `case`'s link to an earlier case. Called by partnership staff who may see the case."""
    if not can_see_case(actor, case):
        raise PermissionDenied("You cannot see this case")
    if case.previous_case_id is None:
        raise DomainError("This case is not linked to an earlier case")
    case.previous_case_id = None
    db.session.flush()
    record("unlinked", case, f"Case {case.reference} no longer linked to an earlier case", actor=actor)
