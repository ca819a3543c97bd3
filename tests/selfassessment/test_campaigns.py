"""Campaign lifecycle (QA): create with validation, open (returns + survey links), status board, close, re-open."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.selfassessment.models import Campaign, CampaignState, Return, ReturnState, SurveyLink
from app.utils import today
from tests.selfassessment.factories import (
    complete_return,
    make_campaign,
    return_for,
    self_assessment_version,
    survey_version,
)


CONFIRM = {"confirm": "yes"}


def _form(**overrides):
    due = today() + timedelta(days=90)
    data = {
        "title": "Safeguarding self-assessment 2025-26",
        "instrument_version_id": str(self_assessment_version().id),
        "survey_version_id": str(survey_version().id),
        "cycle": "2025-26",
        "due_date": [str(due.day), str(due.month), str(due.year)],
        "org_types": ["school", "charity"],
    }
    data.update(overrides)
    return data


def test_new_campaign_form_preselects_nothing(client, login_as):
    """GOV.UK: nothing ticked or chosen for the user; the only instrument there is shown as fixed text."""
    login_as("qa")
    page = client.get("/self-assessment/campaigns/new").get_data(as_text=True)
    assert "Create a self-assessment campaign" in page
    assert page.count('name="org_types"') == 17
    assert "checked" not in page
    version = self_assessment_version()
    assert f'<input type="hidden" name="instrument_version_id" value="{version.id}">' in page
    assert version.label in page


def test_new_campaign_with_no_type_selected_is_explained(client, login_as, db):
    login_as("qa")
    data = _form()
    del data["org_types"]
    page = client.post("/self-assessment/campaigns/new", data=data).get_data(as_text=True)
    assert "There is a problem" in page and "Select at least one type of organisation to invite" in page
    assert db.session.execute(sa.select(sa.func.count(Campaign.id))).scalar_one() == 0


def test_bad_campaign_input_is_explained_and_kept(client, login_as, db):
    login_as("qa")
    response = client.post(
        "/self-assessment/campaigns/new",
        data=_form(cycle="2025-27", due_date=["31", "2", "2026"], org_types=[], title=""),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the cycle as two consecutive years, like 2025-26" in page
    assert "The due date must be a real date" in page
    assert "Select at least one type of organisation to invite" in page
    assert "Enter a title for the campaign" in page
    assert 'value="2025-27"' in page
    assert db.session.execute(sa.select(sa.func.count(Campaign.id))).scalar_one() == 0


def test_duplicate_cycle_is_refused(client, login_as, db):
    login_as("qa")
    make_campaign(open_it=False)
    page = client.post("/self-assessment/campaigns/new", data=_form()).get_data(as_text=True)
    assert "There is already a 2025-26 campaign using this instrument version" in page


def test_campaign_lifecycle(client, login_as, make, db):
    qa = login_as("qa")
    school = make.make_org(org_type="school", name="Ashgrove School")
    charity = make.make_org(org_type="charity", name="Kestrel Youth Club")
    make.make_org(org_type="police", name="Not Invited Police")
    make.make_org(org_type="school", name="Closed School", active=False)
    response = client.post("/self-assessment/campaigns/new", data=_form())
    assert response.status_code == 302
    campaign = db.session.execute(sa.select(Campaign)).scalar_one()
    assert campaign.state == CampaignState.draft and campaign.invited_org_types == ["charity", "school"]
    board = client.get(f"/self-assessment/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Ashgrove School" in board and "Kestrel Youth Club" in board and "Not Invited Police" not in board

    assert client.post(f"/self-assessment/campaigns/{campaign.id}/open", data=CONFIRM).status_code == 302
    db.session.expire_all()
    assert campaign.state == CampaignState.open and campaign.opened_at is not None
    returns = db.session.execute(sa.select(Return).order_by(Return.organisation_id)).scalars().all()
    assert [r.organisation_id for r in returns] == [school.id, charity.id]
    assert all(r.state == ReturnState.not_started for r in returns)
    links = db.session.execute(sa.select(SurveyLink)).scalars().all()
    assert {link.organisation_id for link in links} == {school.id, charity.id}
    assert all(len(link.token) >= 43 for link in links) and len({link.token for link in links}) == 2

    complete_return(return_for(campaign, school), submit=True, actor=qa)
    board = client.get(f"/self-assessment/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Submitted" in board and "Not started" in board
    assert "Charity or voluntary organisation" in board

    assert client.post(f"/self-assessment/campaigns/{campaign.id}/close", data=CONFIRM).status_code == 302
    db.session.expire_all()
    assert campaign.state == CampaignState.closed
    # closing twice is refused with a message, not an error page
    response = client.post(f"/self-assessment/campaigns/{campaign.id}/close", data=CONFIRM, follow_redirects=True)
    assert "Cannot change from “closed” to “closed”" in response.get_data(as_text=True)
    # re-opening creates returns only for newly eligible organisations
    make.make_org(org_type="charity", name="Late Joiner Trust")
    db.session.commit()
    assert client.post(f"/self-assessment/campaigns/{campaign.id}/open", data=CONFIRM).status_code == 302
    assert db.session.execute(sa.select(sa.func.count(Return.id))).scalar_one() == 3
    verbs = db.session.execute(sa.select(ActivityEvent.verb).where(ActivityEvent.object_type == "campaign")).scalars()
    assert {"created", "opened", "closed"} <= set(verbs)


def test_overdue_flag_on_the_board(client, login_as, make, db):
    login_as("admin")
    make.make_org(org_type="school", name="Late School")
    campaign = make_campaign(due_in_days=-1)
    page = client.get(f"/self-assessment/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Overdue" in page


def test_only_partnership_staff_manage_campaigns(client, login_as, make):
    campaign = make_campaign(open_it=False)
    login_as("org_lead")
    assert client.get("/self-assessment/campaigns").status_code == 403
    assert client.post(f"/self-assessment/campaigns/{campaign.id}/open").status_code == 403


def test_closing_is_confirmed_on_a_page_of_its_own(client, login_as, make, db):
    login_as("qa")
    make.make_org(org_type="school", name="Ashgrove School")
    campaign = make_campaign()
    board = client.get(f"/self-assessment/campaigns/{campaign.id}").get_data(as_text=True)
    assert f'href="/self-assessment/campaigns/{campaign.id}/close"' in board
    page = client.get(f"/self-assessment/campaigns/{campaign.id}/close").get_data(as_text=True)
    assert "Are you sure you want to close the campaign?" in page
    assert "1 return has not been submitted" in page
    assert "closed practitioner surveys cannot be opened again" in page
    assert ">Cancel</a>" in page and "Close campaign" in page
    # a post without the confirmation page's button closes nothing
    response = client.post(f"/self-assessment/campaigns/{campaign.id}/close")
    assert response.status_code == 200 and "Are you sure" in response.get_data(as_text=True)
    db.session.expire_all()
    assert campaign.state == CampaignState.open
    assert client.post(f"/self-assessment/campaigns/{campaign.id}/close", data=CONFIRM).status_code == 302
    db.session.expire_all()
    assert campaign.state == CampaignState.closed


def test_opening_is_confirmed_on_a_page_of_its_own(client, login_as, make, db):
    login_as("admin")
    make.make_org(org_type="school", name="Ashgrove School")
    campaign = make_campaign(open_it=False, org_types=["school"])
    page = client.get(f"/self-assessment/campaigns/{campaign.id}/open").get_data(as_text=True)
    assert "Are you sure you want to open the campaign?" in page and "each of the 1 active organisations" in page
    client.post(f"/self-assessment/campaigns/{campaign.id}/open")
    db.session.expire_all()
    assert campaign.state == CampaignState.draft
    assert db.session.execute(sa.select(sa.func.count(Return.id))).scalar_one() == 0
