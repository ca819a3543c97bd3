"""Agencies' answers: a response's stored answers, the rated questions, every agency's answers side by side
for moderation, the disagreements, and the panel's agreed answers."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    ResponseState,
)
from app.audits.queries.access import instrument_of, response_instrument
from app.extensions import db
from app.questionnaire import (
    Instrument,
    Question,
    decode_answer,
    display_value,
    read_answers,
)


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------
def answers_of(response: CaseResponse | None, instrument: Instrument | None = None) -> dict[str, dict]:
    """The stored answers in the engine's format: {key: {"value", "comment", "evidence"}}; read as plain rows
    unless the response's answer objects are loaded already."""
    if response is None:
        return {}
    instrument = instrument or response_instrument(response)
    if "answers" in sa.inspect(response).unloaded:
        rows = db.session.execute(_answers_statement(), {"response_id": response.id})
    else:
        rows = response.answers
    return read_answers(instrument, rows)


@functools.cache
def _answers_statement() -> sa.Select:
    return sa.select(CaseAnswer.question_key, CaseAnswer.value, CaseAnswer.comment, CaseAnswer.evidence).where(
        CaseAnswer.response_id == sa.bindparam("response_id")
    )


# ---------------------------------------------------------------------------------------------
# Ratings: side by side, disagreements
# ---------------------------------------------------------------------------------------------
def submitted_in_round(stmt: sa.Select, round_id: int) -> sa.Select:
    """`stmt`, selecting from case answers, kept to the round's submitted ones: each answer joined to its response,
    assignment and case, so it may select or group by those too."""
    return (
        stmt.join(CaseResponse, CaseAnswer.response_id == CaseResponse.id)
        .join(Assignment, CaseResponse.assignment_id == Assignment.id)
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .where(AuditCase.round_id == round_id, CaseResponse.state == ResponseState.submitted)
    )


def rated_questions(instrument: Instrument) -> list[Question]:
    """Questions about the case answered on a rating scale: these get one agreed rating per case and are
    measured for agreement between agencies."""
    return [q for q in instrument.questions() if q.kind.is_rating and not q.about_agency]


def agency_questions(instrument: Instrument) -> list[Question]:
    """Rating questions about each auditing agency's own work: each agency's answer stands unless the panel
    changes it for that agency, so they are agreed per agency, not into one answer, and not compared between
    agencies."""
    return [q for q in instrument.questions() if q.kind.is_rating and q.about_agency]


def agency_answers(case: AuditCase, instrument: Instrument) -> dict[tuple[str, int], str]:
    """Each submitting agency's own answer to each question about its own work, where it gave one:
    (question key, organisation id) -> option value."""
    keys = {q.key for q in agency_questions(instrument)}
    result = {}
    for _case_id, org_id, answer in _submitted_answers([case.id]):
        if answer.question_key in keys and answer.value is not None:
            result[(answer.question_key, org_id)] = str(decode_answer(instrument, answer.question_key, answer.value))
    return result


@dataclass
class Cell:
    organisation: Organisation
    value: object
    display: str
    comment: str | None
    score: int | None
    excluded: bool


@dataclass
class QuestionRow:
    question: Question
    cells: list[Cell]
    disagreement: bool
    spread: int
    moderated_value: str | None = None
    moderated_comment: str | None = None
    # Questions about each agency's own work: the panel's answer for an agency, where it changed or commented on it.
    agency_agreed: dict[int, ModeratedAnswer] | None = None


@dataclass
class CaseGrid:
    case: AuditCase
    organisations: list[Organisation]
    rows: list[QuestionRow]
    submitted: int


def _submitted_answers(case_ids: list[int]) -> list[tuple[int, int, CaseAnswer]]:
    if not case_ids:
        return []
    return list(
        db.session.execute(
            sa.select(Assignment.case_id, Assignment.organisation_id, CaseAnswer)
            .join(CaseResponse, CaseResponse.assignment_id == Assignment.id)
            .join(CaseAnswer, CaseAnswer.response_id == CaseResponse.id)
            .where(Assignment.case_id.in_(case_ids), CaseResponse.state == ResponseState.submitted)
        ).all()
    )


def _spread(question: Question, cells: list[Cell]) -> tuple[bool, int]:
    answered = {str(c.value) for c in cells if c.value is not None}
    scores = [c.score for c in cells if c.score is not None and not c.excluded]
    spread = (max(scores) - min(scores)) if scores else 0
    return question.kind.is_rating and not question.about_agency and len(answered) > 1, spread


def case_grid(case: AuditCase, instrument: Instrument | None = None) -> CaseGrid:
    """Every agency's submitted answer to each question of the case, side by side."""
    instrument = instrument or instrument_of(case.round)
    orgs = sorted(
        (
            a.organisation
            for a in case.assignments
            if a.response is not None and a.response.state == ResponseState.submitted
        ),
        key=lambda o: o.name,
    )
    answers: dict[tuple[int, str], CaseAnswer] = {}
    for _case_id, org_id, answer in _submitted_answers([case.id]):
        answers[(org_id, answer.question_key)] = answer
    moderated = moderated_answers(case)
    per_agency = agency_moderated_answers(case)
    rows = []
    for question in instrument.questions():
        cells = []
        for org in orgs:
            answer = answers.get((org.id, question.key))
            value = decode_answer(instrument, question.key, answer.value) if answer else None
            cells.append(
                Cell(
                    organisation=org,
                    value=value,
                    display=display_value(instrument, question.key, value) if value is not None else "",
                    comment=answer.comment if answer else None,
                    score=answer.score if answer else None,
                    excluded=bool(answer and answer.excluded),
                )
            )
        if not any(c.value is not None or c.comment for c in cells) and question.key not in moderated:
            continue
        disagreement, spread = _spread(question, cells)
        agreed = moderated.get(question.key)
        rows.append(
            QuestionRow(
                question=question,
                cells=cells,
                disagreement=disagreement,
                spread=spread,
                moderated_value=agreed.value if agreed else None,
                moderated_comment=agreed.comment if agreed else None,
                agency_agreed={org_id: m for (key, org_id), m in per_agency.items() if key == question.key}
                if question.about_agency
                else None,
            )
        )
    return CaseGrid(case=case, organisations=orgs, rows=rows, submitted=len(orgs))


@dataclass
class QueueRow:
    case: AuditCase
    question: Question
    spread: int
    values: list[str]
    moderated: bool


def disagreement_queue(audit_round: AuditRound) -> list[QueueRow]:
    """Cases × questions where the agencies' ratings differ, widest spread first."""
    instrument = instrument_of(audit_round)
    rated = {q.key: q for q in rated_questions(instrument)}
    order = {q.key: i for i, q in enumerate(instrument.questions())}
    cases = {
        c.id: c
        for c in db.session.execute(
            sa.select(AuditCase).where(AuditCase.round_id == audit_round.id).options(selectinload(AuditCase.moderation))
        ).scalars()
    }
    grouped: dict[tuple[int, str], list[CaseAnswer]] = defaultdict(list)
    for case_id, _org_id, answer in _submitted_answers(list(cases)):
        if answer.question_key in rated and answer.value is not None:
            grouped[(case_id, answer.question_key)].append(answer)
    rows = []
    for (case_id, key), answers in grouped.items():
        values = {a.value for a in answers}
        if len(values) < 2:
            continue
        scores = [a.score for a in answers if a.score is not None and not a.excluded]
        spread = (max(scores) - min(scores)) if scores else 0
        case = cases[case_id]
        rows.append(
            QueueRow(
                case=case,
                question=rated[key],
                spread=spread,
                values=sorted(display_value(instrument, key, v) for v in values),
                moderated=case.moderation is not None,
            )
        )
    rows.sort(key=lambda r: (-r.spread, r.moderated, r.case.reference, order[r.question.key]))
    return rows


def moderated_answers(case: AuditCase) -> dict[str, ModeratedAnswer]:
    """The case's agreed answer to each question about the case."""
    return {
        m.question_key: m for m in (case.moderation.answers if case.moderation else []) if m.organisation_id is None
    }


def agency_moderated_answers(case: AuditCase) -> dict[tuple[str, int], ModeratedAnswer]:
    """The panel's answer for an agency to a question about its own work, where it changed or commented on the
    agency's own: (question key, organisation id) -> row. Other agencies' own answers stand."""
    return {
        (m.question_key, m.organisation_id): m
        for m in (case.moderation.answers if case.moderation else [])
        if m.organisation_id is not None
    }
