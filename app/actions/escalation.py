"""Overdue actions escalate. An open action past its due date is reminded to its owner organisation's leads; after
a number of days overdue set by admin it is escalated to the QA sub-group, and after more days to the partnership
executive. Each step is recorded (ActionEscalation) and in the activity log once per action, level and due date,
when the first reminder of that step is queued (app.actions.reminders), so a dry run records nothing and a moved due
date starts the ladder again.

Who is told: the owner organisation's active organisation leads; the active users with the QA role; the partnership
executive's addresses (a setting), or the active administrators while that setting is empty, so an escalation is
never sent to nobody.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

import sqlalchemy as sa

from app.accounts.models import User, UserRole
from app.accounts.settings import declare_setting, get_setting
from app.actions.escalation_models import EXECUTIVE, LEVEL_LABELS, LEVELS, OWNER, QA, ActionEscalation
from app.actions.models import ActionItem
from app.activity import record
from app.errors import DomainError
from app.extensions import db

QA_DAYS = "action_escalate_qa_days"
EXECUTIVE_DAYS = "action_escalate_executive_days"
EXECUTIVE_EMAILS = "action_executive_emails"


def declare_settings() -> None:
    """The escalation settings admin edits on /admin/settings (called from the actions feature's init_app)."""
    declare_setting(
        QA_DAYS,
        label="Days overdue before an action is escalated to the QA sub-group",
        hint="Counted from the action's due date. Its owner organisation's leads are reminded the day after.",
        kind="int",
        default=14,
        minimum=1,
        maximum=365,
        order=30,
    )
    declare_setting(
        EXECUTIVE_DAYS,
        label="Days overdue before an action is escalated to the partnership executive",
        hint="Counted from the action's due date, like the QA sub-group's.",
        kind="int",
        default=28,
        minimum=1,
        maximum=730,
        order=31,
    )
    declare_setting(
        EXECUTIVE_EMAILS,
        label="Partnership executive email addresses",
        hint="Who hears of actions escalated to the executive, one address a line. "
        "Leave empty to tell the partnership's administrators instead.",
        kind="emails",
        default=[],
        order=32,
    )


def thresholds() -> dict[str, int]:
    """Days overdue at which each level is reached (the owner's the day after the due date)."""
    return {OWNER: 1, QA: get_setting(QA_DAYS), EXECUTIVE: get_setting(EXECUTIVE_DAYS)}


def levels_due(days_overdue: int, reached_at: dict[str, int]) -> list[str]:
    """The levels an action `days_overdue` days overdue has reached, lowest first."""
    return [level for level in LEVELS if days_overdue >= reached_at[level]]


def org_lead_emails(organisation_ids: Iterable[int]) -> dict[int, list[str]]:
    """The active organisation leads' addresses of each organisation."""
    rows = db.session.execute(
        sa.select(User.organisation_id, User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id.in_(list(organisation_ids)), User.active.is_(True), UserRole.role == "org_lead")
        .order_by(User.email)
    )
    result: dict[int, list[str]] = defaultdict(list)
    for organisation_id, email in rows:
        result[organisation_id].append(email)
    return result


def role_emails(role: str) -> list[str]:
    """The addresses of the active users holding `role`."""
    return list(
        db.session.execute(
            sa.select(User.email)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.active.is_(True), UserRole.role == role)
            .order_by(User.email)
        ).scalars()
    )


def executive_emails() -> list[str]:
    """The partnership executive's addresses (the setting), or the administrators' while it is empty."""
    return list(get_setting(EXECUTIVE_EMAILS)) or role_emails("admin")


def steps_for(action_ids: Iterable[int]) -> dict[int, list[ActionEscalation]]:
    """Every recorded step of the given actions, by action id, oldest first."""
    ids = list(action_ids)
    steps: dict[int, list[ActionEscalation]] = defaultdict(list)
    if not ids:
        return steps
    for step in db.session.execute(
        sa.select(ActionEscalation)
        .where(ActionEscalation.action_id.in_(ids))
        .order_by(ActionEscalation.escalated_on, ActionEscalation.id)
    ).scalars():
        steps[step.action_id].append(step)
    return steps


def current_steps(actions: Iterable[ActionItem]) -> dict[int, dict[str, ActionEscalation]]:
    """The steps each action has reached for its current due date: action id -> level -> step."""
    actions = list(actions)
    due = {a.id: a.due_date for a in actions}
    current: dict[int, dict[str, ActionEscalation]] = defaultdict(dict)
    for action_id, steps in steps_for(due).items():
        for step in steps:
            if step.due_date == due[action_id]:
                current[action_id][step.level] = step
    return current


def highest_level(steps: dict[str, ActionEscalation]) -> str | None:
    """The highest level reached beyond the owner (qa or executive), or None."""
    for level in (EXECUTIVE, QA):
        if level in steps:
            return level
    return None


def record_step(action_id: int, level: str, due_date: date, recipients: Iterable[str], on: date) -> ActionEscalation:
    """Record that the action reached `level` on `on` for its due date `due_date`, telling `recipients`, with its
    activity event; a step already recorded for that action, level and due date is returned unchanged. Called by the
    overdue-action reminder rule when the step's first reminder is queued (no user acts), and by the demo data."""
    if level not in LEVELS:
        raise DomainError("Unknown escalation level", field="level")
    existing = db.session.execute(
        sa.select(ActionEscalation).where(
            ActionEscalation.action_id == action_id,
            ActionEscalation.level == level,
            ActionEscalation.due_date == due_date,
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    action = db.session.get(ActionItem, action_id)
    if action is None:
        raise DomainError("The action no longer exists")
    if action.due_date != due_date:
        raise DomainError("The action's due date has changed since it was found overdue", field="due_date")
    step = ActionEscalation(
        action_id=action_id, level=level, due_date=due_date, escalated_on=on, recipients=sorted(set(recipients))
    )
    db.session.add(step)
    db.session.flush()
    days = (on - due_date).days
    record("escalated", action, f"{LEVEL_LABELS[level]}: {days} {'day' if days == 1 else 'days'} overdue")
    return step


def escalated_levels(actions: Iterable[ActionItem]) -> dict[int, str]:
    """The highest level beyond its owner that each action reached for its current due date (the tracker's tag)."""
    return {
        action_id: level
        for action_id, steps in current_steps(actions).items()
        if (level := highest_level(steps)) is not None
    }
