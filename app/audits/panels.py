"""'Your tasks' panels: auditors' case audits, and rounds needing QA's attention."""

from __future__ import annotations

from app.permissions import is_partnership_staff
from app.audits import queries
from app.audits.models import RoundState
from app.main.dashboard import Panel


def tasks_panel(user):
    if not user.has_role("auditor"):
        return None
    tasks = queries.tasks_for(user)
    if not tasks:
        return None
    # The panel lists only what is left to do, so its count and its table agree; submitted audits stay on the
    # "All your case audits" page.
    unfinished = [t for t in tasks if t.status != queries.SUBMITTED]
    return Panel(
        title="Case audits",
        template="audits/_panel_tasks.html",
        order=10,
        context={"tasks": unfinished, "overdue": sum(1 for t in unfinished if t.overdue)},
    )


def rounds_panel(user):
    if not is_partnership_staff(user):
        return None
    rows = [row for row in queries.list_rounds() if row.round.state in (RoundState.open, RoundState.moderation)]
    if not rows:
        return None
    return Panel(
        title="Audit rounds in progress", template="audits/_panel_rounds.html", order=20, context={"rows": rows}
    )


def concerns_panel(user):
    """Open live concerns, first on the page, for whoever may see them (QA, admins, the lead agency's leads)."""
    if not user.has_role("admin", "qa", "org_lead", "auditor"):
        return None
    concerns = [c for c in queries.open_concerns() if queries.can_see_concern(user, c)]
    if not concerns:
        return None
    return Panel(
        title="Open live concerns", template="audits/_panel_concerns.html", order=5, context={"concerns": concerns}
    )
