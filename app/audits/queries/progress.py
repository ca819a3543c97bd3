"""Progress of case audits: response statuses, rounds with their counts, each case's assignments, auditors'
task lists and reminders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User, UserRole
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    Moderation,
    ResponseState,
    RoundState,
)
from app.extensions import db
from app.utils import today as current_date

# What an assignment's response looks like to people: its state, or how far a draft has got.
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
RETURNED = "returned"
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    SUBMITTED: "Submitted",
    RETURNED: "Returned for changes",
}
STATUS_COLOURS = {NOT_STARTED: "grey", IN_PROGRESS: "light-blue", SUBMITTED: "green", RETURNED: "orange"}

DUE_SOON_DAYS = 7


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
    return set(
        db.session.execute(
            sa.select(CaseAnswer.response_id)
            .distinct()
            .where(
                CaseAnswer.response_id.in_(ids), sa.or_(CaseAnswer.value.is_not(None), CaseAnswer.comment.is_not(None))
            )
        ).scalars()
    )


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
    rounds = list(
        db.session.execute(
            sa.select(AuditRound)
            .options(selectinload(AuditRound.instrument_version))
            .order_by(AuditRound.created_at.desc(), AuditRound.id.desc())
        ).scalars()
    )
    counts = _round_counts([r.id for r in rounds])
    return [
        RoundRow(round=r, instrument_title=r.instrument_version.parsed.title, **counts.get(r.id, {})) for r in rounds
    ]


def _round_counts(round_ids: list[int]) -> dict[int, dict]:
    result = {rid: {"cases": 0, "assignments": 0, "submitted": 0, "moderated": 0} for rid in round_ids}
    if not round_ids:
        return result
    for rid, n in db.session.execute(
        sa.select(AuditCase.round_id, sa.func.count())
        .where(AuditCase.round_id.in_(round_ids))
        .group_by(AuditCase.round_id)
    ):
        result[rid]["cases"] = n
    for rid, n in db.session.execute(
        sa.select(AuditCase.round_id, sa.func.count())
        .join(Assignment)
        .where(AuditCase.round_id.in_(round_ids))
        .group_by(AuditCase.round_id)
    ):
        result[rid]["assignments"] = n
    for rid, n in db.session.execute(
        sa.select(AuditCase.round_id, sa.func.count())
        .join(Assignment)
        .join(CaseResponse)
        .where(AuditCase.round_id.in_(round_ids), CaseResponse.state == ResponseState.submitted)
        .group_by(AuditCase.round_id)
    ):
        result[rid]["submitted"] = n
    for rid, n in db.session.execute(
        sa.select(AuditCase.round_id, sa.func.count())
        .join(Moderation)
        .where(AuditCase.round_id.in_(round_ids))
        .group_by(AuditCase.round_id)
    ):
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
    cases = list(
        db.session.execute(
            sa.select(AuditCase)
            .where(AuditCase.round_id == audit_round.id)
            .order_by(AuditCase.reference)
            .options(
                selectinload(AuditCase.assignments).selectinload(Assignment.response),
                selectinload(AuditCase.moderation),
            )
        ).scalars()
    )
    answered = _answered_response_ids(a.response.id for c in cases for a in c.assignments if a.response)
    return [
        CaseProgress(
            case=c,
            by_org={
                a.organisation_id: AssignmentView(
                    a, status_of(a.response, a.response is not None and a.response.id in answered)
                )
                for a in c.assignments
            },
        )
        for c in cases
    ]


def unsubmitted_count(audit_round: AuditRound) -> int:
    return sum(1 for p in round_progress(audit_round) for v in p.by_org.values() if v.status != SUBMITTED)


def assignment_views(case: AuditCase) -> list[AssignmentView]:
    """The case's assignments with their organisation, named auditor and response, in one statement."""
    assignments = (
        db.session.execute(
            sa.select(Assignment)
            .where(Assignment.case_id == case.id)
            .options(
                joinedload(Assignment.organisation), joinedload(Assignment.auditor), joinedload(Assignment.response)
            )
        )
        .scalars()
        .all()
    )
    answered = _answered_response_ids(a.response.id for a in assignments if a.response)
    views = [
        AssignmentView(a, status_of(a.response, a.response is not None and a.response.id in answered))
        for a in assignments
    ]
    return sorted(views, key=lambda v: v.assignment.organisation.name)


def eligible_auditors(audit_round: AuditRound) -> dict[int | None, list[User]]:
    """Active auditors by organisation id; in external-auditor rounds any auditor may be named (key None)."""
    users = list(
        db.session.execute(
            sa.select(User).join(UserRole).where(UserRole.role == "auditor", User.active.is_(True)).order_by(User.name)
        ).scalars()
    )
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
    assignments = list(
        db.session.execute(
            sa.select(Assignment)
            .join(AuditCase)
            .join(AuditRound)
            .where(_mine(user), AuditRound.state.in_(states))
            .order_by(AuditRound.due_date, AuditRound.id, AuditCase.reference)
            .options(selectinload(Assignment.response), selectinload(Assignment.case).selectinload(AuditCase.round))
        ).scalars()
    )
    answered = _answered_response_ids(a.response.id for a in assignments if a.response)
    tasks = []
    for a in assignments:
        status = status_of(a.response, a.response is not None and a.response.id in answered)
        due = a.case.round.due_date
        open_round = a.case.round.state == RoundState.open
        tasks.append(
            Task(
                assignment=a,
                status=status,
                overdue=open_round and status != SUBMITTED and due < today,
                due_soon=open_round and status != SUBMITTED and today <= due <= _plus(today),
            )
        )
    return tasks


def _plus(day: date, days: int = DUE_SOON_DAYS) -> date:
    return day + timedelta(days=days)


def reminder_candidates(today: date) -> list[tuple[Assignment, list[User]]]:
    """Unsubmitted assignments of open rounds due within a week or overdue, with who should hear about it."""
    assignments = list(
        db.session.execute(
            sa.select(Assignment)
            .join(AuditCase)
            .join(AuditRound)
            .outerjoin(CaseResponse, CaseResponse.assignment_id == Assignment.id)
            .where(
                AuditRound.state == RoundState.open,
                AuditRound.due_date <= _plus(today),
                sa.or_(CaseResponse.id.is_(None), CaseResponse.state != ResponseState.submitted),
            )
            .order_by(AuditRound.due_date, AuditCase.reference)
            .options(selectinload(Assignment.case).selectinload(AuditCase.round), selectinload(Assignment.auditor))
        ).scalars()
    )
    org_ids = {a.organisation_id for a in assignments if a.auditor_id is None}
    auditors: dict[int, list[User]] = defaultdict(list)
    if org_ids:
        for user in db.session.execute(
            sa.select(User)
            .join(UserRole)
            .where(UserRole.role == "auditor", User.active.is_(True), User.organisation_id.in_(org_ids))
            .order_by(User.email)
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
