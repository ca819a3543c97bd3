"""Demo escalations: as if `flask reminders send` had run each day, the longest-overdue action has climbed to the
partnership executive, an action overdue between the QA and executive thresholds to the QA sub-group, and the
overdue case audit action's owner has been reminded. Runs after every feature that raises actions; idempotent (a
step already recorded is kept)."""

from __future__ import annotations

from datetime import timedelta

from app.actions import escalation
from app.actions.escalation_models import EXECUTIVE, OWNER, QA
from app.actions.models import ActionItem
from app.actions.reminders import overdue_actions

CASE_AUDIT_ACTION = "Brief detectives on recording the child's own words"


def _climb(action: ActionItem, demo, reached_at: dict[str, int], up_to: str) -> None:
    leads = escalation.org_lead_emails([action.owner_organisation_id]).get(action.owner_organisation_id, [])
    recipients = {OWNER: leads, QA: escalation.role_emails("qa"), EXECUTIVE: escalation.executive_emails()}
    for level in (OWNER, QA, EXECUTIVE):
        # A step cannot come before the action existed (the demo raises some actions today, already overdue).
        on = max(action.due_date + timedelta(days=reached_at[level]), action.created_at.date())
        if on > demo.today or not recipients[level]:
            break
        escalation.record_step(action.id, level, action.due_date, recipients[level], on)
        if level == up_to:
            break


def load(demo) -> None:
    actions = overdue_actions(demo.today)
    if not actions:
        demo.say("action escalations skipped: no overdue actions")
        return
    reached_at = escalation.thresholds()
    before = sum(len(steps) for steps in escalation.steps_for(a.id for a in actions).values())
    days = {a.id: (demo.today - a.due_date).days for a in actions}
    _climb(actions[0], demo, reached_at, EXECUTIVE)  # earliest due first
    to_qa = next((a for a in actions if reached_at[QA] <= days[a.id] < reached_at[EXECUTIVE]), None)
    if to_qa is not None:
        _climb(to_qa, demo, reached_at, QA)
    case_audit = next((a for a in actions if a.description.startswith(CASE_AUDIT_ACTION)), None)
    if case_audit is not None:
        _climb(case_audit, demo, reached_at, OWNER)
    if sum(len(steps) for steps in escalation.steps_for(a.id for a in actions).values()) > before:
        demo.say("action escalations")
