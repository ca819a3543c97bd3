"""The reminder rule for overdue actions of every kind (self-assessment, case audit and campaign findings, statement
risks) for `flask reminders send`: the owner organisation's leads the day after the due date, then the QA sub-group
and the partnership executive as the action escalates (app.actions.escalation). Each email is sent once per rule,
action, due date and recipient; each step is recorded when its first email is queued."""

from __future__ import annotations

from datetime import date
from functools import partial

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.actions import escalation, sources
from app.actions.escalation_models import EXECUTIVE, OWNER, QA
from app.actions.models import ActionItem
from app.actions.queries import OPEN_STATUSES
from app.extensions import db
from app.notifications.services import DueReminder
from app.urls import external_url
from app.utils import govuk_date

KINDS = {OWNER: "action_overdue", QA: "action_escalated_qa", EXECUTIVE: "action_escalated_executive"}


def overdue_actions(on: date) -> list[ActionItem]:
    """Open actions whose due date is before `on`, earliest due first."""
    return list(
        db.session.execute(
            sa.select(ActionItem)
            .where(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_date < on)
            .options(selectinload(ActionItem.owner_organisation))
            .order_by(ActionItem.due_date, ActionItem.id)
        ).scalars()
    )


def overdue_action_reminders(on: date) -> list[DueReminder]:
    """Every reminder an overdue action is due on `on`, at each level it has reached. Changes nothing."""
    actions = overdue_actions(on)
    if not actions:
        return []
    reached_at = escalation.thresholds()
    kinds = sources.source_kinds(a.id for a in actions)
    labels = sources.source_labels()
    recorded = escalation.current_steps(actions)
    leads = escalation.org_lead_emails({a.owner_organisation_id for a in actions})
    people = {QA: escalation.role_emails("qa"), EXECUTIVE: escalation.executive_emails()}
    items: list[DueReminder] = []
    for action in actions:
        days = (on - action.due_date).days
        for level in escalation.levels_due(days, reached_at):
            step = recorded.get(action.id, {}).get(level)
            if step is not None:  # recorded: finish telling the people it was recorded for, and no one else
                recipients = list(step.recipients)
            else:
                recipients = leads.get(action.owner_organisation_id, []) if level == OWNER else people[level]
            if not recipients:
                continue
            subject, body = _message(action, level, days, labels.get(kinds.get(action.id, ""), "Action"), reached_at)
            record = partial(escalation.record_step, action.id, level, action.due_date, tuple(recipients), on)
            items.extend(
                DueReminder(
                    kind=KINDS[level],
                    target_type="action_item",
                    target_id=action.id,
                    due_date=action.due_date,
                    recipient=email,
                    subject=subject,
                    body=body,
                    on_queued=record,
                )
                for email in recipients
            )
    return items


def _message(action: ActionItem, level: str, days: int, source: str, reached_at: dict[str, int]) -> tuple[str, str]:
    organisation = action.owner_organisation.name
    late = f"{days} {'day' if days == 1 else 'days'} overdue"
    if level == OWNER:
        subject = f"Overdue action: {action.description[:80]}"
        why = "Add a progress update, or mark the action complete, on its page:"
    elif level == QA:
        subject = f"Escalated to the QA sub-group: overdue action for {organisation}"
        why = (
            f"It is escalated to the QA sub-group because it is {reached_at[QA]} days or more overdue. "
            f"{organisation}’s leads were reminded when it became overdue. The action’s page:"
        )
    else:
        subject = f"Escalated to the partnership executive: overdue action for {organisation}"
        why = (
            f"It is escalated to the partnership executive because it is {reached_at[EXECUTIVE]} days or more overdue; "
            "the QA sub-group has already been told. The action’s page:"
        )
    body = (
        f"This action for {organisation} was due on {govuk_date(action.due_date)} and is {late}:\n\n"
        f"{action.description}\n\n"
        f"Where it comes from: {source}\n"
        f"Person responsible: {action.owner_name}\n"
        f"Status: {action.status.label.lower()}\n\n"
        f"{why}\n{external_url('actions.action', action_id=action.id)}\n\n"
        f"{current_app.config['PARTNERSHIP_NAME']}\n"
    )
    return subject, body
