"""A round whose findings are agreed, organisations with leads, and QA: what a learning briefing is made from."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.audits.models import RoundState
from app.findings import services as findings
from tests.findings import factories as f


@dataclass
class BriefingWorld:
    round: object
    qa: object
    police: object
    school: object
    charity: object
    police_lead: object
    school_lead: object
    charity_lead: object


@pytest.fixture
def world(db, make) -> BriefingWorld:
    police = make.make_org(name="Riverside Test Police", org_type="police")
    school = make.make_org(name="Test Oak School", org_type="school")
    charity = make.make_org(name="Test Youth Charity", org_type="charity")
    qa = make.make_user(roles=["qa"], name="Quinn Test-QA")
    leads = [
        make.make_user(roles=["org_lead"], organisation=org, name=f"Lead of {org.name}")
        for org in (police, school, charity)
    ]
    rnd = f.make_round(organisations=[police, school], state=RoundState.moderation, title="Strategy test round")
    f.add_case(rnd, reference="CR-200001")
    f.add_case(rnd, reference="CR-200002")
    f.add_case(rnd, reference="CR-200003")
    for heading, text in (
        ("strength", "Police shared information the same day."),
        ("area_for_improvement", "Schools were rarely invited."),
        ("learning", "Invite everyone who knows the child."),
        ("impact", "Not in the briefing's prefill."),
    ):
        findings.add_finding(heading=heading, text=text, round_id=rnd.id, actor=qa)
    db.session.commit()
    return BriefingWorld(rnd, qa, police, school, charity, *leads)
