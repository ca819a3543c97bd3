"""Who may open the action tracker and an action: partnership staff, and organisation leads for their own
organisation's actions; its signatories read them too, without changing them."""

from __future__ import annotations

from app.permissions import is_partnership_staff, own_organisation, require
from app.actions.models import ActionItem
from app.errors import get_or_404

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
