"""Every state change for actions: validate, flush, record activity. The caller commits.

Features raise actions on their own parents (self-assessment: a rated criterion; findings: a round or campaign
finding; statements: a risk) through `create_action`; anyone who may open an action adds dated updates through
`update_action` (app.actions.access decides who).
"""

from __future__ import annotations

from datetime import date

from app.accounts.models import Organisation
from app.actions.models import ActionItem, ActionPriority, ActionStatus, ActionUpdate, PartnershipPriority
from app.activity import record
from app.errors import DomainError, checked_text
from app.extensions import db
from app.utils import utcnow

DESCRIPTION_MAX = 4000
NOTE_MAX = 4000
OWNER_NAME_MAX = 200


def _as_priority(priority) -> ActionPriority:
    if priority is None or priority == "":
        return ActionPriority.medium
    if isinstance(priority, ActionPriority):
        return priority
    try:
        return ActionPriority(priority)
    except ValueError:
        raise DomainError("Select the action's priority", field="priority") from None


def _partnership_priorities(ids, current=()) -> list[PartnershipPriority]:
    """The chosen partnership priorities: each must exist, and be in use (not retired) unless already tagged."""
    wanted = {int(i) for i in ids or () if i not in (None, "")}
    kept = {p.id for p in current}
    found = []
    for priority_id in sorted(wanted):
        priority = db.session.get(PartnershipPriority, priority_id)
        if priority is None or (priority.retired and priority_id not in kept):
            raise DomainError("Select partnership priorities from the list", field="partnership_priorities")
        found.append(priority)
    return found


def _as_status(status) -> ActionStatus:
    if isinstance(status, ActionStatus):
        return status
    try:
        return ActionStatus(status)
    except ValueError:
        raise DomainError("Select a status", field="status") from None


def create_action(
    *,
    description,
    owner_organisation_id,
    owner_name,
    due_date,
    return_answer_id=None,
    finding_id=None,
    risk_id=None,
    priority=None,
    partnership_priority_ids=(),
    actor=None,
) -> ActionItem:
    """A new action on exactly one parent: a return answer, a round/campaign finding or a statement risk, with a
    priority (medium unless given) and any partnership priorities it serves. Called by the features that raise
    actions, after their own permission checks."""
    parents = [p for p in (return_answer_id, finding_id, risk_id) if p is not None]
    if len(parents) != 1:
        raise DomainError("An action belongs to exactly one return answer, finding or risk")
    description = checked_text(
        description, field="description", label="a description of the action", max_length=DESCRIPTION_MAX
    )
    owner_name = checked_text(
        owner_name, field="owner_name", label="the name of the person responsible", max_length=OWNER_NAME_MAX
    )
    if not isinstance(due_date, date):
        raise DomainError("Enter a due date", field="due_date")
    if owner_organisation_id is None or db.session.get(Organisation, owner_organisation_id) is None:
        raise DomainError("Select the organisation responsible", field="owner_organisation_id")
    priority = _as_priority(priority)
    tags = _partnership_priorities(partnership_priority_ids)

    action = ActionItem(
        description=description,
        owner_organisation_id=owner_organisation_id,
        owner_name=owner_name,
        due_date=due_date,
        status=ActionStatus.not_started,
        return_answer_id=return_answer_id,
        finding_id=finding_id,
        risk_id=risk_id,
        priority=priority,
        partnership_priorities=tags,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(action)
    db.session.flush()
    record("created", action, f"Action added: {description[:200]}", actor=actor)
    return action


def update_action(action: ActionItem, *, note, status, actor=None) -> ActionUpdate:
    """A dated progress note, optionally moving the action's status (not to complete or verified: those are
    app.actions.verification's, with a completion note and QA's check). Anyone who may open the action
    (app.actions.access.action_for), and features tidying their own actions (a removed risk cancels its action)."""
    note = checked_text(note, field="note", label="a progress note", max_length=NOTE_MAX)
    new_status = _as_status(status)
    old_status = action.status
    if new_status != old_status:
        if new_status in (ActionStatus.complete, ActionStatus.verified):
            raise DomainError("Use “Mark as complete” to complete an action, with a completion note", field="status")
        if old_status == ActionStatus.complete:
            raise DomainError(
                "This action is awaiting verification: the QA group verifies it or sends it back", field="status"
            )
        old_status.check_move(new_status)
        action.status = new_status
        if new_status == ActionStatus.complete:
            action.completed_at = utcnow()
        elif old_status == ActionStatus.complete:
            action.completed_at = None
    update = ActionUpdate(
        action=action, note=note, status_after=new_status.value, created_by_id=getattr(actor, "id", None)
    )
    db.session.add(update)
    db.session.flush()
    summary = f"Action update ({new_status.label.lower()})"
    if new_status != old_status:
        summary = f"Action moved from {old_status.label.lower()} to {new_status.label.lower()}"
    record("updated", action, summary, actor=actor)
    return update


def set_priorities(action: ActionItem, *, priority, partnership_priority_ids=(), actor=None) -> None:
    """Change an action's priority and the partnership priorities it is tagged with (a retired one stays only if it
    was already there). Staff, or the owner organisation's lead (routes check app.actions.access.action_for)."""
    priority = _as_priority(priority)
    tags = _partnership_priorities(partnership_priority_ids, current=action.partnership_priorities)
    before = (action.priority, {p.id for p in action.partnership_priorities})
    action.priority = priority
    action.partnership_priorities = tags
    db.session.flush()
    if before != (priority, {p.id for p in tags}):
        names = ", ".join(p.name for p in tags) or "none"
        record(
            "updated",
            action,
            f"Action priority {priority.label.lower()}; partnership priorities: {names}"[:250],
            actor=actor,
        )
