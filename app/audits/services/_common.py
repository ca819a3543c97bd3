"""What the case audit services share: field limits, problems tied to form fields, checked text, and
the response every assignment of an open round has."""

from __future__ import annotations

from app.audits.models import (
    Assignment,
    CaseResponse,
    ResponseState,
)
from app.errors import DomainError
from app.extensions import db

TITLE_MAX = 200
AREA_MAX = 100
REFERENCE_MAX = 32
REASON_MAX = 2000
MODERATION_TEXT_MAX = 4000

STALE_MESSAGE = (
    "Someone else saved changes to this audit after you opened this page, so your changes have not "
    "been saved. Your answers are shown below: check them against the latest saved answers, then "
    "save again to keep yours."
)


class FieldProblems(DomainError):
    """Several problems at once, each tied to a form field: [(field, message)]."""

    def __init__(self, problems: list[tuple[str, str]], message: str = "There is a problem"):
        super().__init__(problems[0][1] if problems else message, field=problems[0][0] if problems else None)
        self.problems = problems


def _actor_id(actor) -> int | None:
    return getattr(actor, "id", None)


def _ensure_response(assignment: Assignment) -> CaseResponse:
    """Each assignment of an open round has one response from the start, so every save is version-checked."""
    if assignment.response is None:
        assignment.response = CaseResponse(
            instrument_version_id=assignment.case.round.instrument_version_id, state=ResponseState.draft
        )
        db.session.flush()
    return assignment.response
