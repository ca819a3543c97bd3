"""Who may open the action tracker and an action: partnership staff, and organisation leads for their own
organisation's actions; its signatories read them too, without changing them."""

from __future__ import annotations

from app.permissions import is_partnership_staff, own_organisation, require
from app.actions.models import ActionCompletion, ActionItem
from app.errors import PermissionDenied, get_or_404

TRACKER_USERS = ("admin", "qa", "org_lead", "signatory")
UPDATERS = ("admin", "qa", "org_lead")


def can_update_action(user) -> bool:
    """Add an update to an action it may open: everyone but a signatory only (who reads)."""
    return user.is_authenticated and user.has_role(*UPDATERS)


def can_open_tracker(user) -> bool:
    """The action tracker (actions.tracker): staff and organisation leads of an organisation."""
    if not (user.is_authenticated and user.has_role(*TRACKER_USERS)):
        return False
    return is_partnership_staff(user) or user.organisation_id is not None


def can_open_action(user, action: ActionItem) -> bool:
    if is_partnership_staff(user):
        return True
    return user.has_role(*TRACKER_USERS) and action.owner_organisation_id == user.organisation_id


def visible_actions(actions, organisation_id: int | None) -> list[ActionItem]:
    """The actions a viewer restricted to `organisation_id` may see (all of them for staff, given None)."""
    return [a for a in actions if organisation_id is None or a.owner_organisation_id == organisation_id]


def action_for(user, action_id: int) -> ActionItem:
    action = get_or_404(ActionItem, action_id, "action")
    own = own_organisation(user)
    require(own is None or action.owner_organisation_id == own)
    return action


VERIFIERS = ("admin", "qa")


def can_complete(user, action: ActionItem) -> bool:
    """Only the owner organisation's lead says an action is done."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_role("org_lead")
        and user.organisation_id is not None
        and action.owner_organisation_id == user.organisation_id
    )


def can_verify(user, action: ActionItem) -> bool:
    """QA and admins check a completion, but never one they made themselves."""
    if not (user is not None and user.is_authenticated and user.has_role(*VERIFIERS)):
        return False
    latest = action.latest_completion
    return latest is None or latest.completed_by_id != user.id


def require_complete(user, action: ActionItem) -> None:
    if not can_complete(user, action):
        raise PermissionDenied("Only the lead of the organisation responsible can mark this action as complete.")


def require_verify(user, action: ActionItem) -> None:
    if not can_verify(user, action):
        raise PermissionDenied("Only the QA group or an administrator who did not complete it can verify an action.")


def completion_for_download(user, completion_id: int) -> ActionCompletion:
    """A completion whose evidence file `user` may download: one of an action they may open (404 otherwise)."""
    completion = get_or_404(ActionCompletion, completion_id, "evidence")
    require(can_open_action(user, completion.action), not_found=True)
    require(completion.evidence_stored_name is not None, not_found=True)
    return completion
