"""Reminders (returns due soon / overdue; overdue actions: tests/actions/test_escalation.py), dashboard panels,
and the read functions other features use."""

from __future__ import annotations


import sqlalchemy as sa

from app.notifications.services import due_reminders, queue_reminders
from app.selfassessment import queries, services
from app.selfassessment.models import Campaign
from app.selfassessment.reminders import due_reminders as sa_reminders
from app.utils import today
from tests.selfassessment.factories import complete_return, make_campaign, return_for


def _org_with_lead(make, name, org_type="school"):
    org = make.make_org(org_type=org_type, name=name)
    lead = make.make_user(roles=["org_lead"], organisation=org, email=f"lead@{org.slug}.example")
    return org, lead


def test_returns_due_soon_and_overdue_go_to_org_leads(make, db):
    soon_org, soon_lead = _org_with_lead(make, "Soon School")
    late_org, late_lead = _org_with_lead(make, "Late School", org_type="charity")
    done_org, _done_lead = _org_with_lead(make, "Done School")
    make.make_user(roles=["org_lead"], organisation=soon_org, email="gone@soon.example", active=False)
    soon = make_campaign(cycle="2025-26", due_in_days=10, org_types=["school"])
    late = make_campaign(cycle="2024-25", due_in_days=-3, org_types=["charity"])
    complete_return(return_for(soon, done_org), submit=True)
    far = make_campaign(cycle="2026-27", due_in_days=40, org_types=["school"])
    assert far is not None

    items = {(r.kind, r.recipient, r.target_id) for r in sa_reminders(today())}
    assert ("return_due_soon", soon_lead.email, return_for(soon, soon_org).id) in items
    assert ("return_overdue", late_lead.email, return_for(late, late_org).id) in items
    assert not any(recipient == "gone@soon.example" for _, recipient, _ in items)
    assert not any(target == return_for(soon, done_org).id for _, _, target in items)
    assert not any(target == return_for(far, soon_org).id for _, _, target in items)


def test_reminders_are_sent_once(make, db, smtp_server):
    org, lead = _org_with_lead(make, "Once School")
    make_campaign(due_in_days=7)
    db.session.commit()
    first = queue_reminders()
    assert any(item.recipient == lead.email and item.kind == "return_due_soon" for item in first.queued)
    assert any("Due soon" in (m["Subject"] or "") for m in smtp_server.messages)
    assert not [r for r in due_reminders() if r.recipient == lead.email and r.kind == "return_due_soon"]


def test_has_submitted_return_and_latest_return(make, db):
    org, lead = _org_with_lead(make, "Statement School")
    other, _ = _org_with_lead(make, "No Return School")
    assert not queries.has_submitted_return(org.id)
    old = make_campaign(cycle="2023-24", due_in_days=-700)
    complete_return(return_for(old, org), submit=True)
    services.close_campaign(old)
    make_campaign(cycle="2024-25", due_in_days=-300)
    current = make_campaign(cycle="2025-26")
    assert not queries.has_submitted_return(org.id)  # 2023-24 is too old
    assert queries.has_submitted_return(org.id, since_cycle_of_campaign=old.id)
    prev = db.session.execute(sa.select(Campaign).where(Campaign.cycle == "2024-25")).scalar_one()
    complete_return(return_for(prev, org), submit=True)
    assert queries.has_submitted_return(org.id)  # previous cycle counts
    assert not queries.has_submitted_return(other.id)
    latest = queries.latest_return_for(org.id)
    assert latest.campaign_id == current.id
    # (an active organisation added now would be invited into the open campaigns: this one is not active)
    assert queries.latest_return_for(make.make_org(name="Never Invited", active=False).id) is None


def test_dashboard_panels(client, make, login_as, db):
    org, lead = _org_with_lead(make, "Panel School")
    campaign = make_campaign()
    login_as(lead)
    page = client.get("/tasks").get_data(as_text=True)
    assert "Safeguarding self-assessment" in page and f"/self-assessment/returns/{return_for(campaign, org).id}" in page
    complete_return(return_for(campaign, org), submit=True)
    login_as("qa")
    page = client.get("/tasks").get_data(as_text=True)
    assert "Self-assessment returns to review" in page and "1 submitted return to review" in page
