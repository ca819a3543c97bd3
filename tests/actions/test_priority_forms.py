"""Every form that raises an action sets its priority and partnership priorities: a finding's action (QA), a
self-assessment standard (organisation lead) and a statement risk (organisation lead)."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app.actions import priorities
from app.actions.models import ActionItem, ActionPriority
from app.findings import services as findings_services
from app.utils import today
from tests.selfassessment.factories import instrument_for, make_campaign, return_for, section_form
from tests.statements.factories import make_people
from tests.statements.test_risk_assessment import _risk_form


def _tags(action) -> set[str]:
    return {p.name for p in action.partnership_priorities}


def test_a_findings_action_gets_priority_and_tags(client, login_as, db, small_round):
    voice = priorities.add_priority("Voice of the child")
    finding = findings_services.add_finding(
        heading="area_for_improvement", text="Schools not invited.", round_id=small_round.round.id
    )
    db.session.commit()
    login_as("qa")
    page = client.get(f"/findings/items/{finding.id}/actions/new").get_data(as_text=True)
    assert 'name="priority"' in page and "Voice of the child" in page
    due = today() + timedelta(days=30)
    response = client.post(
        f"/findings/items/{finding.id}/actions/new",
        data={
            "description": "Invite schools",
            "owner_organisation_id": str(small_round.police.id),
            "owner_name": "MASH manager",
            "due_date": [str(due.day), str(due.month), str(due.year)],
            "priority": "high",
            "partnership_priorities": [str(voice.id)],
        },
    )
    assert response.status_code == 302
    action = db.session.execute(sa.select(ActionItem).where(ActionItem.finding_id == finding.id)).scalar_one()
    assert action.priority == ActionPriority.high and _tags(action) == {"Voice of the child"}


def test_a_self_assessment_action_gets_priority_and_tags(client, login_as, make, db):
    safer = priorities.add_priority("Safer recruitment")
    org = make.make_org(org_type="school")
    login_as(make.make_user(roles=["org_lead"], organisation=org))
    ret = return_for(make_campaign(), org)
    section = instrument_for(ret).sections[0]
    first = section.questions[0].key
    url = f"/self-assessment/returns/{ret.id}/sections/{section.key}"
    page = client.get(url).get_data(as_text=True)
    assert f'name="{first}__action_priority"' in page and "Safer recruitment" in page
    due = today() + timedelta(days=30)
    data = section_form(ret, section)
    data.update(
        {
            first: "amber",
            f"{first}__action_description": "Appoint a deputy designated safeguarding lead",
            f"{first}__action_owner": "Headteacher",
            f"{first}__action_due-day": str(due.day),
            f"{first}__action_due-month": str(due.month),
            f"{first}__action_due-year": str(due.year),
            f"{first}__action_priority": "low",
            f"{first}__action_tags": [str(safer.id)],
        }
    )
    assert client.post(url, data=data).status_code == 302
    action = db.session.execute(sa.select(ActionItem)).scalar_one()
    assert action.priority == ActionPriority.low and _tags(action) == {"Safer recruitment"}


def test_a_statement_risk_action_gets_priority_and_tags(client, login_as, db):
    trips = priorities.add_priority("Trips and visits")
    people = make_people()
    login_as(people.lead)
    url = "/statements/manage/risk-assessment/risks/new"
    assert "Trips and visits" in client.get(url).get_data(as_text=True)
    response = client.post(url, data=_risk_form(priority="high", partnership_priorities=[str(trips.id)]))
    assert response.status_code == 302
    action = db.session.execute(sa.select(ActionItem)).scalar_one()
    assert action.priority == ActionPriority.high and _tags(action) == {"Trips and visits"}
    # changing the risk without changing its further action changes the tracked action's priority
    risk_url = f"/statements/manage/risk-assessment/risks/{action.risk_id}"
    edit = client.get(risk_url).get_data(as_text=True)
    assert re.search(r'name="priority" type="radio" value="high"\s+checked', edit), "the action's priority is shown"
    assert client.post(risk_url, data=_risk_form(priority="medium")).status_code == 302
    db.session.expire_all()
    assert action.priority == ActionPriority.medium and _tags(action) == set()
