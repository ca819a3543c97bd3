"""Reading actions: open and overdue rules, the actions on given parents, and the tracker's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation
from app.actions import sources
from app.actions.escalation_models import escalated_condition
from app.actions.models import ActionItem, ActionStatus, ActionUpdate
from app.extensions import db

OPEN_STATUSES = (ActionStatus.not_started, ActionStatus.in_progress)


def closed_condition() -> sa.ColumnElement[bool]:
    """The actions that count as closed in figures and gates (for example re-rating a criterion)."""
    return ActionItem.status == ActionStatus.complete


def is_closed(action: ActionItem) -> bool:
    """The same rule as `closed_condition`, for an action already loaded."""
    return action.status == ActionStatus.complete


def is_overdue(action: ActionItem, today: date) -> bool:
    return action.status in OPEN_STATUSES and action.due_date < today


def actions_for(*, return_answer_ids=(), risk_ids=(), finding_ids=()) -> list[ActionItem]:
    """Actions attached to any of the given parents, with their updates, earliest due first."""
    conditions = []
    for column, ids in (
        (ActionItem.return_answer_id, return_answer_ids),
        (ActionItem.risk_id, risk_ids),
        (ActionItem.finding_id, finding_ids),
    ):
        ids = [i for i in ids if i is not None]
        if ids:
            conditions.append(column.in_(ids))
    if not conditions:
        return []
    return list(
        db.session.execute(
            sa.select(ActionItem)
            .where(sa.or_(*conditions))
            .options(selectinload(ActionItem.updates), selectinload(ActionItem.owner_organisation))
            .order_by(ActionItem.due_date, ActionItem.id)
        ).scalars()
    )


def open_action_counts(organisation_id: int | None, today: date) -> dict[str, int]:
    overdue = sa.case((ActionItem.due_date < today, 1), else_=0)
    stmt = sa.select(sa.func.count(ActionItem.id), sa.func.coalesce(sa.func.sum(overdue), 0)).where(
        ActionItem.status.in_(OPEN_STATUSES)
    )
    if organisation_id is not None:
        stmt = stmt.where(ActionItem.owner_organisation_id == organisation_id)
    open_, late = db.session.execute(stmt).one()
    return {"open": int(open_), "overdue": int(late)}


@dataclass
class TrackerFilters:
    organisation_id: int | None = None
    org_type: str | None = None
    status: str | None = None
    overdue: bool = False
    source: str | None = None  # a registered source's kind (app.actions.sources)
    escalated: bool = False  # open, overdue and escalated beyond its owner (app.actions.escalation)


@dataclass
class TrackerRow:
    action: ActionItem
    organisation_name: str
    org_type: str
    update_count: int
    last_update_at: datetime | None
    source: str | None = None
    line: sources.SourceLine | None = None


def tracker_statement(filters: TrackerFilters, today: date):
    """Actions with their organisation and update count in one query (no per-row lookups)."""
    last_update = (
        sa.select(sa.func.max(ActionUpdate.created_at))
        .where(ActionUpdate.action_id == ActionItem.id)
        .correlate(ActionItem)
        .scalar_subquery()
        .label("last_update_at")
    )
    updates = (
        sa.select(sa.func.count(ActionUpdate.id))
        .where(ActionUpdate.action_id == ActionItem.id)
        .correlate(ActionItem)
        .scalar_subquery()
        .label("update_count")
    )
    stmt = (
        sa.select(ActionItem, Organisation.name.label("organisation_name"), Organisation.org_type, updates, last_update)
        .join(Organisation, ActionItem.owner_organisation_id == Organisation.id)
        .options(selectinload(ActionItem.updates))
        .order_by(ActionItem.due_date, ActionItem.id)
    )
    if filters.organisation_id is not None:
        stmt = stmt.where(ActionItem.owner_organisation_id == filters.organisation_id)
    if filters.org_type:
        stmt = stmt.where(Organisation.org_type == filters.org_type)
    if filters.status:
        stmt = stmt.where(ActionItem.status == ActionStatus(filters.status))
    if filters.overdue:
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_date < today)
    if filters.source:
        stmt = stmt.where(sources.source_condition(filters.source))
    if filters.escalated:
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_date < today, escalated_condition())
    return stmt


def tracker_rows(filters: TrackerFilters, today: date, *, viewer=None, describe: bool = True) -> list[TrackerRow]:
    """The tracker's rows; with `describe`, each says where it came from, as `viewer` may follow it."""
    return _rows(tracker_statement(filters, today), viewer, describe)


def tracker_row(action: ActionItem, viewer) -> TrackerRow | None:
    rows = _rows(tracker_statement(TrackerFilters(), date.min).where(ActionItem.id == action.id), viewer, True)
    return rows[0] if rows else None


def _rows(stmt, viewer, describe: bool) -> list[TrackerRow]:
    rows = [
        TrackerRow(
            action=r.ActionItem,
            organisation_name=r.organisation_name,
            org_type=r.org_type,
            update_count=r.update_count,
            last_update_at=r.last_update_at,
        )
        for r in db.session.execute(stmt)
    ]
    if describe and rows:
        described = sources.describe([r.action for r in rows], viewer)
        for row in rows:
            row.source, row.line = described.get(row.action.id, (None, None))
    return rows
