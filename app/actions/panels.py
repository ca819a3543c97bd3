"""'Your tasks' panel: open and overdue actions (an organisation lead's own; partnership-wide for QA)."""

from __future__ import annotations

from app.permissions import is_partnership_staff
from app.actions import queries
from app.main.dashboard import Panel
from app.utils import today


def actions_panel(user):
    staff = is_partnership_staff(user)
    if not staff and not (user.has_role("org_lead") and user.organisation_id):
        return None
    counts = queries.open_action_counts(None if staff else user.organisation_id, today())
    if not counts["open"] and not (staff and counts["awaiting_verification"]):
        return None
    return Panel(
        title="Action tracker" if staff else "Your action plan",
        template="actions/_panel_actions.html",
        order=40,
        context={**counts, "staff": staff},
    )
