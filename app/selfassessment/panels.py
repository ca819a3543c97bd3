"""'Your tasks' panels: an organisation lead's open returns, a signatory's returns to sign off, and returns waiting
for QA review."""

from __future__ import annotations

from app.permissions import is_partnership_staff
from app.main.dashboard import Panel
from app.selfassessment import queries
from app.utils import today


def org_lead_panel(user):
    if not user.has_role("org_lead") or not user.organisation_id:
        return None
    returns = queries.open_returns_for_organisation(user.organisation_id)
    if not returns:
        return None
    return Panel(
        title="Safeguarding self-assessment",
        template="selfassessment/_panel_org.html",
        context={"returns": returns, "today": today()},
        order=20,
    )


def signatory_panel(user):
    if not user.has_role("signatory") or not user.organisation_id:
        return None
    returns = [
        r for r in queries.open_returns_for_organisation(user.organisation_id) if queries.can_sign_off_now(r, user)
    ]
    if not returns:
        return None
    return Panel(
        title="Self-assessment to sign off",
        template="selfassessment/_panel_signatory.html",
        context={"returns": returns},
        order=20,
    )


def staff_panel(user):
    if not is_partnership_staff(user):
        return None
    waiting = queries.awaiting_review()
    if not waiting:
        return None
    return Panel(
        title="Self-assessment returns to review",
        template="selfassessment/_panel_staff.html",
        context={"waiting": waiting},
        order=30,
    )
