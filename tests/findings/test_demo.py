"""`flask demo load` adds the QA sub-group's report for round 1 and campaign 1, once."""

from __future__ import annotations

import sqlalchemy as sa

from app.demo import Demo
from app.findings import demo as findings_demo
from app.actions.models import ActionItem, ActionStatus
from app.findings.models import Finding
from app.utils import today
from tests.findings import factories as f


def test_demo_report_under_every_heading_with_actions_loads_once(db, make):
    orgs = {
        slug: make.make_org(slug=f"{slug}-findings-demo", org_type=kind)
        for slug, kind in (
            ("riverside-council", "local_authority"),
            ("riverside-police", "police"),
            ("riverside-health", "health_trust"),
            ("youth-trust", "charity"),
        )
    }
    qa = make.make_user(roles=["qa"])
    users = {"qa@riverside.example": qa}
    for slug, org in orgs.items():  # the owners who complete actions in the demo
        users[f"lead@{slug}.riverside.example"] = make.make_user(roles=["org_lead"], organisation=org)
    demo = Demo(password="x", today=today(), organisations=orgs, users=users)
    rnd = f.make_round(organisations=list(orgs.values()))
    campaign = f.make_campaign()
    findings_demo.load(demo)
    findings_demo.load(demo)
    headings = set(db.session.execute(sa.select(Finding.heading).where(Finding.round_id == rnd.id)).scalars())
    assert headings == {"evidence", "strength", "area_for_improvement", "learning", "impact"}
    assert (
        db.session.execute(
            sa.select(sa.func.count()).select_from(Finding).where(Finding.campaign_id == campaign.id)
        ).scalar_one()
        == 5
    )
    actions = db.session.execute(sa.select(ActionItem).join(Finding).where(Finding.round_id == rnd.id)).scalars().all()
    assert len(actions) == 3
    assert {a.status for a in actions} == {ActionStatus.in_progress, ActionStatus.not_started, ActionStatus.verified}
    campaign_actions = (
        db.session.execute(sa.select(ActionItem).join(Finding).where(Finding.campaign_id == campaign.id))
        .scalars()
        .all()
    )
    # the loop in every state: verified (round 1), awaiting verification, and sent back with QA's reason
    assert ActionStatus.complete in {a.status for a in campaign_actions}
    sent_back = [a for a in campaign_actions if a.completions and a.completions[-1].outcome == "not_yet"]
    assert sent_back and sent_back[0].status == ActionStatus.in_progress and sent_back[0].completions[-1].reason
    assert any(a.updates for a in actions)
    assert any(a.due_date < today() and a.status == ActionStatus.not_started for a in actions)
