"""Statement coverage: where each organisation stands with its Child Safeguarding Statement (none, draft, awaiting
a check or signatures, in force, review due soon or overdue, review required). Re-exported by queries.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.extensions import db
from app.statements.models import Statement, StatementState
from app.utils import today

REVIEW_DUE_SOON_DAYS = 90

# Coverage statuses: code -> (label, GOV.UK tag colour class)
COVERAGE_STATUSES = {
    "no_statement": ("No statement", "govuk-tag--red"),
    "draft": ("Draft", "govuk-tag--grey"),
    "awaiting_check": ("Waiting for QA check", "govuk-tag--purple"),
    "awaiting_signatures": ("Awaiting signatures", "govuk-tag--blue"),
    "in_force": ("In force", "govuk-tag--green"),
    "review_due_soon": ("Review due soon", "govuk-tag--yellow"),
    "overdue": ("Review overdue", "govuk-tag--red"),
    "review_required": ("Review required", "govuk-tag--orange"),
}


@dataclass(frozen=True)
class Coverage:
    organisation_id: int
    organisation_name: str
    organisation_slug: str
    org_type: str
    status: str
    statement_id: int | None = None
    version_number: int | None = None
    in_force_at: datetime | None = None
    review_due: date | None = None
    public: bool = False

    @property
    def label(self) -> str:
        return COVERAGE_STATUSES[self.status][0]

    @property
    def tag_class(self) -> str:
        return COVERAGE_STATUSES[self.status][1]


def _status_of(statements: list[Statement], on: date) -> tuple[str, Statement | None]:
    by_state: dict[StatementState, Statement] = {}
    for statement in statements:  # newest first, so the latest of each state wins
        by_state.setdefault(statement.state, statement)
    if StatementState.review_required in by_state:
        return "review_required", by_state[StatementState.review_required]
    current = by_state.get(StatementState.in_force)
    if current is not None:
        if current.review_due < on:
            return "overdue", current
        if current.review_due <= on + timedelta(days=REVIEW_DUE_SOON_DAYS):
            return "review_due_soon", current
        return "in_force", current
    for state in (StatementState.awaiting_signatures, StatementState.awaiting_check, StatementState.draft):
        if state in by_state:
            return state.value, by_state[state]
    return "no_statement", None


def coverage(org_ids=None, *, on: date | None = None) -> list[Coverage]:
    """Statement status of each organisation (every active one when org_ids is None; org_ids may be ids or a
    SELECT of ids), ordered by name.

    Statuses: no_statement, draft, awaiting_check, awaiting_signatures, in_force, review_due_soon (review due within
    90 days), overdue (review date passed), review_required (a material change was recorded).
    """
    on = on or today()
    # Columns, not Organisation objects, and the organisations as a subquery where the caller has one: a
    # campaign's findings ask this of hundreds of organisations.
    if org_ids is None:
        chosen = Organisation.active.is_(True)
    else:
        chosen = Organisation.id.in_(org_ids if isinstance(org_ids, sa.Select) else list(org_ids))
    organisations = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.slug, Organisation.org_type)
        .where(chosen)
        .order_by(Organisation.name)
    ).all()
    statements: dict[int, list[Statement]] = {}
    if organisations:
        rows = db.session.execute(
            sa.select(Statement)
            .join(Organisation, Statement.organisation_id == Organisation.id)
            .where(chosen, Statement.state != StatementState.superseded)
            .order_by(Statement.organisation_id, Statement.version_number.desc())
        ).scalars()
        for statement in rows:
            statements.setdefault(statement.organisation_id, []).append(statement)
    result = []
    for org in organisations:
        status, statement = _status_of(statements.get(org.id, []), on)
        result.append(
            Coverage(
                organisation_id=org.id,
                organisation_name=org.name,
                organisation_slug=org.slug,
                org_type=org.org_type,
                status=status,
                statement_id=statement.id if statement else None,
                version_number=statement.version_number if statement else None,
                in_force_at=statement.in_force_at if statement else None,
                review_due=statement.review_due if statement else None,
                public=bool(statement and statement.is_public),
            )
        )
    return result


def coverage_counts(rows: list[Coverage]) -> dict[str, int]:
    counts = {status: 0 for status in COVERAGE_STATUSES}
    for row in rows:
        counts[row.status] += 1
    return counts
