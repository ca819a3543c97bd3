"""Following a child across rounds: what the case page shows of the same child's case in an earlier round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.audits.models import AuditCase
from app.audits.queries.access import can_see_case, instrument_of


@dataclass(frozen=True)
class PreviousCase:
    """The earlier case as the case page shows it; `visible` False when the viewer may not see it."""

    visible: bool
    case_id: int | None = None
    reference: str | None = None
    round_id: int | None = None
    round_title: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    moderated_at: datetime | None = None
    grade: str | None = None  # the agreed overall grade's label, None while not agreed


def previous_case_view(user, case: AuditCase) -> PreviousCase | None:
    """The earlier case linked to `case`, its round, moderation date and agreed grade; None when not linked."""
    previous = case.previous_case
    if previous is None:
        return None
    if not can_see_case(user, previous):
        return PreviousCase(visible=False)
    moderation = previous.moderation
    grade = None
    if moderation is not None and moderation.overall_grade:
        question = instrument_of(previous.round).overall_question
        option = question.option(moderation.overall_grade) if question is not None else None
        grade = option.label if option is not None else moderation.overall_grade
    return PreviousCase(
        visible=True,
        case_id=previous.id,
        reference=previous.reference,
        round_id=previous.round_id,
        round_title=previous.round.title,
        period_start=previous.round.period_start,
        period_end=previous.round.period_end,
        moderated_at=moderation.moderated_at if moderation is not None else None,
        grade=grade,
    )
