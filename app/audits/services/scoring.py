"""Agencies scoring their cases: section saves (version-checked), submit, and QA returning a submitted audit."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from app.activity import record
from app.audits import tallies
from app.audits.models import (
    Assignment,
    CaseAnswer,
    CaseResponse,
    ResponseState,
    RoundState,
)
from app.audits.queries import (
    answers_of,
    response_instrument,
)
from app.audits.services._common import (
    REASON_MAX,
    STALE_MESSAGE,
    _actor_id,
    _ensure_response,
)
from app.errors import DomainError, InvalidTransition, StaleEdit, checked_text
from app.extensions import db
from app.questionnaire import (
    AnswerProblem,
    check_version,
    validate_answers,
    visibility,
    write_answers,
)
from app.signals import figures_changed
from app.utils import utcnow


class SubmitProblems(DomainError):
    """A response cannot be submitted until these answers are given."""

    def __init__(self, problems: list[AnswerProblem]):
        super().__init__("Some answers are missing or need correcting")
        self.problems = problems


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------
def _editable_response(assignment: Assignment) -> CaseResponse:
    audit_round = assignment.case.round
    if audit_round.state != RoundState.open:
        raise InvalidTransition("This round is not open for scoring, so answers can no longer change.")
    response = _ensure_response(assignment)
    if response.state == ResponseState.submitted:
        raise InvalidTransition(
            "This audit has been submitted, so it can no longer change. Ask the quality "
            "assurance team to return it if something needs correcting."
        )
    return response


def is_editable(assignment: Assignment) -> bool:
    """Whether the assignment's answers can still change (round open, response not submitted); changes
    nothing. The scoring pages ask it after `queries.scoring_assignment`."""
    response = assignment.response
    return assignment.case.round.state == RoundState.open and (
        response is None or response.state != ResponseState.submitted
    )


def _flush_versioned() -> None:
    """Flush, turning a racing update of the same response into the same conflict the version check gives."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleEdit(STALE_MESSAGE) from None


def _store_answers(response: CaseResponse, answers: dict[str, dict], instrument) -> None:
    def new_row(key: str) -> CaseAnswer:
        row = CaseAnswer(question_key=key)
        response.answers.append(row)
        return row

    write_answers(instrument, answers, {a.question_key: a for a in response.answers}, new_row)


def _touch(response: CaseResponse, actor) -> None:
    response.updated_at = utcnow()  # an UPDATE of the response row is what bumps lock_version
    response.updated_by_id = _actor_id(actor)


def save_section(
    assignment: Assignment, section_key: str, answers: dict[str, dict], *, lock_version, actor=None
) -> CaseResponse:
    """Store one section's answers (as `form_answers` gives them) on the draft, if nobody saved in between.
    Called by the assignment's auditor after `queries.scoring_assignment` allowed them."""
    response = _editable_response(assignment)
    check_version(lock_version, response.lock_version, STALE_MESSAGE)
    instrument = response_instrument(response)
    section = instrument.section(section_key)
    keys = {q.key for q in section.questions}
    _store_answers(response, {k: v for k, v in answers.items() if k in keys}, instrument)
    _touch(response, actor)
    _flush_versioned()
    record(
        "saved",
        response,
        f"Case {assignment.case.reference}: {assignment.organisation.name} saved “{section.title}”",
        actor=actor,
    )
    return response


def submit_response(assignment: Assignment, *, lock_version, actor=None) -> CaseResponse:
    """Submit the assignment's response once every required answer is given, dropping answers to questions
    that no longer apply. Called by its auditor after `queries.scoring_assignment` allowed them."""
    response = _editable_response(assignment)
    check_version(lock_version, response.lock_version, STALE_MESSAGE)
    instrument = response_instrument(response)
    org_type = assignment.organisation.org_type
    answers = answers_of(response, instrument)
    problems = validate_answers(instrument, answers, org_type)
    if problems:
        raise SubmitProblems(problems)
    shown = visibility(instrument, answers, org_type)
    for row in response.answers:
        if not shown.get(row.question_key, False):  # answers to questions that no longer apply are not kept
            row.value = row.comment = row.evidence = row.score = row.meets_standard = row.rag = None
            row.excluded = False
    response.state = response.state.check_move(ResponseState.submitted)
    response.submitted_at = utcnow()
    response.submitted_by_id = _actor_id(actor)
    _touch(response, actor)
    _flush_versioned()
    tallies.response_submitted(response)
    record(
        "submitted",
        response,
        f"Case {assignment.case.reference}: {assignment.organisation.name} submitted its audit",
        actor=actor,
    )
    figures_changed.send("round", id=assignment.case.round_id)
    return response


def return_response(assignment: Assignment, *, reason, actor=None) -> CaseResponse:
    """QA sends a submitted response back to its agency for changes, saying why.
    Called by partnership staff (admin, qa) while the round is open."""
    response = assignment.response
    if response is None or response.state != ResponseState.submitted:
        raise InvalidTransition("Only a submitted audit can be returned.")
    if assignment.case.round.state != RoundState.open:
        raise InvalidTransition(
            "Reopen the round before returning an audit: agencies can only change their answers "
            "while the round is open."
        )
    reason = checked_text(reason, field="reason", label="the reason for returning the audit", max_length=REASON_MAX)
    response.state = response.state.check_move(ResponseState.returned)
    response.submitted_at = None
    response.returned_reason = reason
    _touch(response, actor)
    _flush_versioned()
    tallies.response_returned(response)
    record(
        "returned",
        response,
        f"Case {assignment.case.reference}: audit returned to {assignment.organisation.name}. Reason: {reason}",
        actor=actor,
    )
    figures_changed.send("round", id=assignment.case.round_id)
    return response
