"""Read models for case audits: loaders with object-level permission, progress, side-by-side answers, agreement."""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Organisation, User, UserRole
from app.accounts.permissions import is_partnership_staff
from app.audits import agreement as agreement_math
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    ResponseState,
    RoundState,
)
from app.errors import NotFound, PermissionDenied, get_or_404
from app.extensions import db
from app.questionnaire import (
    Instrument,
    Question,
    decode_answer,
    display_value,
    get_version,
    read_answers,
)
from app.utils import today as current_date

# What an assignment's response looks like to people: its state, or how far a draft has got.
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
RETURNED = "returned"
STATUS_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", SUBMITTED: "Submitted",
                 RETURNED: "Returned for changes"}
STATUS_COLOURS = {NOT_STARTED: "grey", IN_PROGRESS: "light-blue", SUBMITTED: "green", RETURNED: "orange"}

DUE_SOON_DAYS = 7


# ---------------------------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------------------------


def get_round(round_id: int) -> AuditRound:
    return get_or_404(AuditRound, round_id, "audit round")


def get_case(case_id: int) -> AuditCase:
    return get_or_404(AuditCase, case_id, "case")


def get_assignment(assignment_id: int) -> Assignment:
    return get_or_404(Assignment, assignment_id, "assignment")


def instrument_of(audit_round: AuditRound) -> Instrument:
    return get_version(audit_round.instrument_version_id).parsed


def response_instrument(response: CaseResponse) -> Instrument:
    return get_version(response.instrument_version_id).parsed


# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------
def can_score(user, assignment: Assignment) -> bool:
    """Only the assigned organisation's auditors score; a named auditor, if set, is the only one."""
    if user is None or not user.is_authenticated or not user.has_role("auditor"):
        return False
    if assignment.auditor_id is not None:
        return assignment.auditor_id == user.id
    return user.organisation_id is not None and user.organisation_id == assignment.organisation_id


def scoring_assignment(user, assignment_id: int) -> Assignment:
    """The assignment if `user` may work on it; 404 while its round is a draft (not yet published).

    Its case, round, organisation, response and instrument version (definition deferred; parsed ones are kept per
    process) come in one statement: every scoring page needs them. The answers are read by `answers_of` as plain
    rows: building an ORM object for each cost more than the rest of the page's queries together."""
    assignment = db.session.execute(_scoring_statement(), {"assignment_id": assignment_id}).unique() \
        .scalar_one_or_none()
    if assignment is None:
        raise NotFound("No such assignment")
    if assignment.case.round.state == RoundState.draft:
        raise NotFound("This round has not been opened yet")
    if not can_score(user, assignment):
        raise PermissionDenied("Your organisation is not assigned to audit this case")
    return assignment


@functools.cache
def _scoring_statement() -> sa.Select:
    # Built once per process: building the statement and its loader options cost as much as running it.
    return (sa.select(Assignment).where(Assignment.id == sa.bindparam("assignment_id"))
            .options(joinedload(Assignment.case).joinedload(AuditCase.round), joinedload(Assignment.organisation),
                     joinedload(Assignment.response).joinedload(CaseResponse.instrument_version)))


def can_see_other_agencies(user, case: AuditCase) -> bool:
    """§6: staff always; auditors once the round is in moderation, for cases their organisation audited."""
    if is_partnership_staff(user):
        return True
    if case.round.state not in (RoundState.moderation, RoundState.closed):
        return False
    if not user.has_role("auditor"):
        return False
    return any(a.auditor_id == user.id or (user.organisation_id is not None and a.organisation_id == user.organisation_id)
               for a in case.assignments)


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
    return sa.select(CaseAnswer.question_key, CaseAnswer.value, CaseAnswer.comment, CaseAnswer.evidence) \
        .where(CaseAnswer.response_id == sa.bindparam("response_id"))


def status_of(response: CaseResponse | None, answered: bool | None = None) -> str:
    if response is None:
        return NOT_STARTED
    if response.state == ResponseState.submitted:
        return SUBMITTED
    if response.state == ResponseState.returned:
        return RETURNED
    if answered is None:
        answered = any(a.value is not None or a.comment is not None for a in response.answers)
    return IN_PROGRESS if answered else NOT_STARTED


def _answered_response_ids(response_ids) -> set[int]:
    ids = [i for i in response_ids if i is not None]
    if not ids:
        return set()
    return set(db.session.execute(
        sa.select(CaseAnswer.response_id).distinct()
        .where(CaseAnswer.response_id.in_(ids),
               sa.or_(CaseAnswer.value.is_not(None), CaseAnswer.comment.is_not(None)))
    ).scalars())


# ---------------------------------------------------------------------------------------------
# Rounds and progress
# ---------------------------------------------------------------------------------------------
@dataclass
class RoundRow:
    round: AuditRound
    instrument_title: str
    cases: int
    assignments: int
    submitted: int
    moderated: int


def list_rounds() -> list[RoundRow]:
    rounds = list(db.session.execute(
        sa.select(AuditRound).options(selectinload(AuditRound.instrument_version))
        .order_by(AuditRound.created_at.desc(), AuditRound.id.desc())
    ).scalars())
    counts = _round_counts([r.id for r in rounds])
    return [RoundRow(round=r, instrument_title=r.instrument_version.parsed.title, **counts.get(r.id, {}))
            for r in rounds]


def _round_counts(round_ids: list[int]) -> dict[int, dict]:
    result = {rid: {"cases": 0, "assignments": 0, "submitted": 0, "moderated": 0} for rid in round_ids}
    if not round_ids:
        return result
    for rid, n in db.session.execute(sa.select(AuditCase.round_id, sa.func.count()).where(
            AuditCase.round_id.in_(round_ids)).group_by(AuditCase.round_id)):
        result[rid]["cases"] = n
    for rid, n in db.session.execute(sa.select(AuditCase.round_id, sa.func.count()).join(Assignment).where(
            AuditCase.round_id.in_(round_ids)).group_by(AuditCase.round_id)):
        result[rid]["assignments"] = n
    for rid, n in db.session.execute(
            sa.select(AuditCase.round_id, sa.func.count()).join(Assignment).join(CaseResponse)
            .where(AuditCase.round_id.in_(round_ids), CaseResponse.state == ResponseState.submitted)
            .group_by(AuditCase.round_id)):
        result[rid]["submitted"] = n
    for rid, n in db.session.execute(sa.select(AuditCase.round_id, sa.func.count()).join(Moderation).where(
            AuditCase.round_id.in_(round_ids)).group_by(AuditCase.round_id)):
        result[rid]["moderated"] = n
    return result


class StatusTag:
    """An assignment's status as a GOV.UK tag: text and colour."""

    status: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]


@dataclass
class AssignmentView(StatusTag):
    assignment: Assignment
    status: str


@dataclass
class CaseProgress:
    case: AuditCase
    by_org: dict[int, AssignmentView]

    @property
    def submitted(self) -> int:
        return sum(1 for v in self.by_org.values() if v.status == SUBMITTED)


def round_progress(audit_round: AuditRound) -> list[CaseProgress]:
    cases = list(db.session.execute(
        sa.select(AuditCase).where(AuditCase.round_id == audit_round.id).order_by(AuditCase.reference)
        .options(selectinload(AuditCase.assignments).selectinload(Assignment.response),
                 selectinload(AuditCase.moderation))
    ).scalars())
    answered = _answered_response_ids(a.response.id for c in cases for a in c.assignments if a.response)
    return [
        CaseProgress(case=c, by_org={
            a.organisation_id: AssignmentView(a, status_of(a.response, a.response is not None and a.response.id in answered))
            for a in c.assignments
        })
        for c in cases
    ]


def unsubmitted_count(audit_round: AuditRound) -> int:
    return sum(1 for p in round_progress(audit_round) for v in p.by_org.values() if v.status != SUBMITTED)


def assignment_views(case: AuditCase) -> list[AssignmentView]:
    """The case's assignments with their organisation, named auditor and response, in one statement."""
    assignments = db.session.execute(
        sa.select(Assignment).where(Assignment.case_id == case.id)
        .options(joinedload(Assignment.organisation), joinedload(Assignment.auditor), joinedload(Assignment.response))
    ).scalars().all()
    answered = _answered_response_ids(a.response.id for a in assignments if a.response)
    views = [AssignmentView(a, status_of(a.response, a.response is not None and a.response.id in answered))
             for a in assignments]
    return sorted(views, key=lambda v: v.assignment.organisation.name)


def eligible_auditors(audit_round: AuditRound) -> dict[int | None, list[User]]:
    """Active auditors by organisation id; in external-auditor rounds any auditor may be named (key None)."""
    users = list(db.session.execute(
        sa.select(User).join(UserRole).where(UserRole.role == "auditor", User.active.is_(True)).order_by(User.name)
    ).scalars())
    by_org: dict[int | None, list[User]] = defaultdict(list)
    for user in users:
        by_org[user.organisation_id].append(user)
    by_org[None] = users
    return by_org


# ---------------------------------------------------------------------------------------------
# Auditors' tasks
# ---------------------------------------------------------------------------------------------
@dataclass
class Task(StatusTag):
    assignment: Assignment
    status: str
    overdue: bool
    due_soon: bool

    @property
    def case(self) -> AuditCase:
        return self.assignment.case

    @property
    def round(self) -> AuditRound:
        return self.assignment.case.round


def _mine(user):
    """Assignments `user` may score: named to them, or to their organisation with nobody named."""
    conditions = [Assignment.auditor_id == user.id]
    if user.organisation_id is not None:
        conditions.append(sa.and_(Assignment.auditor_id.is_(None), Assignment.organisation_id == user.organisation_id))
    return sa.or_(*conditions)


def tasks_for(user, states=(RoundState.open,), today: date | None = None) -> list[Task]:
    if not user.has_role("auditor"):
        return []
    today = today or current_date()
    assignments = list(db.session.execute(
        sa.select(Assignment).join(AuditCase).join(AuditRound)
        .where(_mine(user), AuditRound.state.in_(states))
        .order_by(AuditRound.due_date, AuditRound.id, AuditCase.reference)
        .options(selectinload(Assignment.response), selectinload(Assignment.case).selectinload(AuditCase.round))
    ).scalars())
    answered = _answered_response_ids(a.response.id for a in assignments if a.response)
    tasks = []
    for a in assignments:
        status = status_of(a.response, a.response is not None and a.response.id in answered)
        due = a.case.round.due_date
        open_round = a.case.round.state == RoundState.open
        tasks.append(Task(assignment=a, status=status,
                          overdue=open_round and status != SUBMITTED and due < today,
                          due_soon=open_round and status != SUBMITTED and today <= due <= _plus(today)))
    return tasks


def _plus(day: date, days: int = DUE_SOON_DAYS) -> date:
    return day + timedelta(days=days)


def reminder_candidates(today: date) -> list[tuple[Assignment, list[User]]]:
    """Unsubmitted assignments of open rounds due within a week or overdue, with who should hear about it."""
    assignments = list(db.session.execute(
        sa.select(Assignment).join(AuditCase).join(AuditRound)
        .outerjoin(CaseResponse, CaseResponse.assignment_id == Assignment.id)
        .where(AuditRound.state == RoundState.open, AuditRound.due_date <= _plus(today),
               sa.or_(CaseResponse.id.is_(None), CaseResponse.state != ResponseState.submitted))
        .order_by(AuditRound.due_date, AuditCase.reference)
        .options(selectinload(Assignment.case).selectinload(AuditCase.round), selectinload(Assignment.auditor))
    ).scalars())
    org_ids = {a.organisation_id for a in assignments if a.auditor_id is None}
    auditors: dict[int, list[User]] = defaultdict(list)
    if org_ids:
        for user in db.session.execute(
            sa.select(User).join(UserRole).where(UserRole.role == "auditor", User.active.is_(True),
                                                 User.organisation_id.in_(org_ids)).order_by(User.email)
        ).scalars():
            auditors[user.organisation_id].append(user)
    result = []
    for a in assignments:
        if a.auditor_id is not None:
            recipients = [a.auditor] if a.auditor is not None and a.auditor.active else []
        else:
            recipients = auditors.get(a.organisation_id, [])
        if recipients:
            result.append((a, recipients))
    return result


# ---------------------------------------------------------------------------------------------
# Ratings: side by side, disagreements, agreement
# ---------------------------------------------------------------------------------------------
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


def ordinal(question: Question, value) -> float | None:
    """A rating as a number on its ordinal scale; not applicable and blanks are missing."""
    option = question.option(value)
    if option is None or option.excluded:
        return None
    if option.score is not None:
        return float(option.score)
    ranked = [o for o in question.options if not o.excluded]
    return float(len(ranked) - ranked.index(option))  # scales are written best first


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
    return list(db.session.execute(
        sa.select(Assignment.case_id, Assignment.organisation_id, CaseAnswer)
        .join(CaseResponse, CaseResponse.assignment_id == Assignment.id)
        .join(CaseAnswer, CaseAnswer.response_id == CaseResponse.id)
        .where(Assignment.case_id.in_(case_ids), CaseResponse.state == ResponseState.submitted)
    ).all())


def _spread(question: Question, cells: list[Cell]) -> tuple[bool, int]:
    answered = {str(c.value) for c in cells if c.value is not None}
    scores = [c.score for c in cells if c.score is not None and not c.excluded]
    spread = (max(scores) - min(scores)) if scores else 0
    return question.kind.is_rating and not question.about_agency and len(answered) > 1, spread


def case_grid(case: AuditCase, instrument: Instrument | None = None) -> CaseGrid:
    """Every agency's submitted answer to each question of the case, side by side."""
    instrument = instrument or instrument_of(case.round)
    orgs = sorted((a.organisation for a in case.assignments
                   if a.response is not None and a.response.state == ResponseState.submitted), key=lambda o: o.name)
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
            cells.append(Cell(organisation=org, value=value,
                              display=display_value(instrument, question.key, value) if value is not None else "",
                              comment=answer.comment if answer else None, score=answer.score if answer else None,
                              excluded=bool(answer and answer.excluded)))
        if not any(c.value is not None or c.comment for c in cells) and question.key not in moderated:
            continue
        disagreement, spread = _spread(question, cells)
        agreed = moderated.get(question.key)
        rows.append(QuestionRow(question=question, cells=cells, disagreement=disagreement, spread=spread,
                                moderated_value=agreed.value if agreed else None,
                                moderated_comment=agreed.comment if agreed else None,
                                agency_agreed={org_id: m for (key, org_id), m in per_agency.items()
                                               if key == question.key} if question.about_agency else None))
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
    cases = {c.id: c for c in db.session.execute(
        sa.select(AuditCase).where(AuditCase.round_id == audit_round.id).options(selectinload(AuditCase.moderation))
    ).scalars()}
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
        rows.append(QueueRow(case=case, question=rated[key], spread=spread,
                             values=sorted(display_value(instrument, key, v) for v in values),
                             moderated=case.moderation is not None))
    rows.sort(key=lambda r: (-r.spread, r.moderated, r.case.reference, order[r.question.key]))
    return rows


@dataclass
class QuestionAgreement:
    question: Question
    figures: agreement_math.Agreement


@dataclass
class AgencyDrift:
    organisation: Organisation
    drift: agreement_math.Drift


@dataclass
class RoundAgreement:
    overall: agreement_math.Agreement
    questions: list[QuestionAgreement]
    drift: list[AgencyDrift]
    moderated_cases: int
    pooled_cases: int  # cases behind the round figures: rated on some criterion by two or more agencies


def round_agreement(audit_round: AuditRound) -> RoundAgreement:
    """Agreement between agencies per question and for the round, and each agency's drift from moderation.

    Round figures pool every (case, criterion) pair rated by two or more agencies; the overall
    judgement uses a different scale, so it is reported on its own row but not pooled.
    """
    instrument = instrument_of(audit_round)
    rated = rated_questions(instrument)
    rated_keys = {q.key: q for q in rated}
    case_ids = [c.id for c in audit_round.cases]
    per_question: dict[str, dict[int, dict[int, float | None]]] = {q.key: defaultdict(dict) for q in rated}
    submitted = _submitted_answers(case_ids)
    for case_id, org_id, answer in submitted:
        question = rated_keys.get(answer.question_key)
        if question is None:
            continue
        per_question[question.key][case_id][org_id] = ordinal(question, decode_answer(instrument, question.key,
                                                                                       answer.value))
    agreed: dict[tuple, float | None] = {}
    moderated_cases = 0
    moderated_ids: set[int] = set()
    per_agency: dict[tuple[int, str, int], ModeratedAnswer] = {}
    for moderation in db.session.execute(
        sa.select(Moderation).where(Moderation.case_id.in_(case_ids)).options(selectinload(Moderation.answers))
    ).scalars() if case_ids else []:
        moderated_cases += 1
        moderated_ids.add(moderation.case_id)
        for m in moderation.answers:
            if m.organisation_id is not None:
                per_agency[(moderation.case_id, m.question_key, m.organisation_id)] = m
            elif m.question_key in rated_keys:
                agreed[(moderation.case_id, m.question_key)] = ordinal(rated_keys[m.question_key], m.value)
    # Questions about each agency's own work are compared with the answer agreed for that agency: the panel's
    # where it changed it, otherwise the agency's own, which stands.
    own_work = {q.key: q for q in agency_questions(instrument)}
    agency_units: dict[tuple, dict[int, float | None]] = {}
    for case_id, org_id, answer in submitted if own_work else []:
        question = own_work.get(answer.question_key)
        if question is None or case_id not in moderated_ids:
            continue
        unit = (case_id, question.key, org_id)
        value = ordinal(question, decode_answer(instrument, question.key, answer.value))
        agency_units[unit] = {org_id: value}
        panel = per_agency.get(unit)
        agreed[unit] = ordinal(question, panel.value) if panel is not None else value

    pooled: dict[tuple[int, str], dict[int, float | None]] = {}
    everything: dict[tuple[int, str], dict[int, float | None]] = {}
    questions = []
    for question in rated:
        by_case = per_question[question.key]
        questions.append(QuestionAgreement(question=question, figures=agreement_math.agreement(by_case)))
        for case_id, by_org in by_case.items():
            everything[(case_id, question.key)] = by_org
            if not question.overall:
                pooled[(case_id, question.key)] = by_org
    drift = agreement_math.drift({**everything, **agency_units}, agreed)
    orgs = {o.id: o for o in audit_round.organisations}
    missing = set(drift) - set(orgs)
    if missing:
        orgs.update({o.id: o for o in db.session.execute(sa.select(Organisation).where(Organisation.id.in_(missing))).scalars()})
    drift_rows = sorted((AgencyDrift(organisation=orgs[org_id], drift=d) for org_id, d in drift.items()),
                        key=lambda row: row.organisation.name)
    pooled_cases = len({case_id for case_id, _key in agreement_math.pairable_units(pooled)})
    return RoundAgreement(overall=agreement_math.agreement(pooled), questions=questions, drift=drift_rows,
                          moderated_cases=moderated_cases, pooled_cases=pooled_cases)


def agreement_table(figures: RoundAgreement) -> dict:
    """Agreement figures as plain data: what the round page shows, and what is kept when case data is purged."""

    def plain(a: agreement_math.Agreement) -> dict:
        return {"percent": a.percent, "alpha": a.alpha, "units": a.units, "pairs": a.pairs, "note": a.alpha_note}

    return {
        "overall": {**plain(figures.overall), "cases": figures.pooled_cases},
        "questions": [{"key": q.question.key, "text": q.question.text, "overall": q.question.overall,
                       **plain(q.figures)} for q in figures.questions],
        "drift": [{"organisation": d.organisation.name, "slug": d.organisation.slug, "compared": d.drift.compared,
                   "differed": d.drift.differed, "percent": d.drift.percent} for d in figures.drift],
        "moderated_cases": figures.moderated_cases,
    }


def agreement_snapshot(audit_round: AuditRound) -> dict:
    return agreement_table(round_agreement(audit_round))


def moderated_answers(case: AuditCase) -> dict[str, ModeratedAnswer]:
    """The case's agreed answer to each question about the case."""
    return {m.question_key: m for m in (case.moderation.answers if case.moderation else [])
            if m.organisation_id is None}


def agency_moderated_answers(case: AuditCase) -> dict[tuple[str, int], ModeratedAnswer]:
    """The panel's answer for an agency to a question about its own work, where it changed or commented on the
    agency's own: (question key, organisation id) -> row. Other agencies' own answers stand."""
    return {(m.question_key, m.organisation_id): m for m in (case.moderation.answers if case.moderation else [])
            if m.organisation_id is not None}
