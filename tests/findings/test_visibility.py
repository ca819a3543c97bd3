"""Who sees which findings (app.findings.access): an auditor or organisation lead sees its own
organisation's actions and named data only, on every page and in every download, and figures only of the rounds
and campaigns its organisation took part in; partnership staff see everything."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from app.actions import services as action_services
from app.actions.access import visible_actions
from app.actions.models import ActionItem
from app.audits.models import RoundState
from app.findings import access, services
from app.utils import today
from tests.findings import factories as f
from tests.findings.test_round_findings import text_of
from tests.downloads import prepared_download

POLICE_ACTION = "Police to attend every strategy discussion in person."
POLICE_PERSON = "Inspector Amara Quayle"
POLICE_NOTE = "Rota agreed with the MASH sergeants."
HEALTH_ACTION = "Health to share the chronology before each discussion."
HEALTH_PERSON = "Named Nurse Bertrand Oyelaran"
HEALTH_NOTE = "Template drafted by the safeguarding team."
SCHOOL_ACTION = "School to publish its safer recruitment checklist."
CHARITY_ACTION = "Charity to train its trustees on escalation."
CHARITY_PERSON = "Trustee Cordelia Marsh"
CHARITY_NOTE = "Training booked with the partnership."


def _action(finding_id, organisation, description, person, note):
    action = action_services.create_action(
        description=description,
        owner_organisation_id=organisation.id,
        owner_name=person,
        due_date=today() + timedelta(days=30),
        finding_id=finding_id,
    )
    action_services.update_action(action, note=note, status="in_progress")
    return action


@pytest.fixture
def round_actions(db, small_round):
    """A finding on the round with one action for police and one for health, each with a progress note."""
    finding = services.add_finding(
        heading="area_for_improvement",
        text="Agencies came unprepared.",
        themes=["multi_agency_engagement"],
        round_id=small_round.round.id,
    )
    _action(finding.id, small_round.police, POLICE_ACTION, POLICE_PERSON, POLICE_NOTE)
    _action(finding.id, small_round.health, HEALTH_ACTION, HEALTH_PERSON, HEALTH_NOTE)
    db.session.commit()
    return small_round


@pytest.fixture
def campaign_actions(db, small_campaign):
    finding = services.add_finding(
        heading="area_for_improvement",
        text="Governance is uneven.",
        themes=["leadership_and_accountability"],
        campaign_id=small_campaign.campaign.id,
    )
    _action(finding.id, small_campaign.school, SCHOOL_ACTION, "Head of School", "Checklist drafted.")
    _action(finding.id, small_campaign.charity, CHARITY_ACTION, CHARITY_PERSON, CHARITY_NOTE)
    db.session.commit()
    return small_campaign


def _workbook_text(response) -> str:
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(io.BytesIO(response.data))
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


# --- the rules, directly ---------------------------------------------------------------------------------------


def test_visible_actions_keep_only_the_viewers_organisation(db, round_actions):
    police, health = round_actions.police.id, round_actions.health.id
    actions = db.session.query(ActionItem).order_by(ActionItem.id).all()
    assert [a.owner_organisation_id for a in visible_actions(actions, police)] == [police]
    assert [a.owner_organisation_id for a in visible_actions(actions, health)] == [health]
    assert len(visible_actions(actions, None)) == 2
    finding = actions[0].finding
    assert [a.description for a in access.report_actions([finding], police)[finding.id]] == [POLICE_ACTION]


def test_trend_scope_limits_everyone_but_staff_to_their_organisation(db, login_as, make):
    assert access.trend_scope(make.make_user(roles=["qa"])) == {"participant_only": False, "organisation_id": None}
    lead = make.make_user(roles=["org_lead"])
    assert access.trend_scope(lead) == {"participant_only": True, "organisation_id": lead.organisation_id}
    auditor = make.make_user(roles=["auditor"])
    assert access.trend_scope(auditor)["organisation_id"] == auditor.organisation_id


# --- pages -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["org_lead", "auditor"])
def test_round_page_lists_only_the_viewers_own_actions(client, login_as, make, round_actions, role):
    login_as(make.make_user(roles=[role], organisation=round_actions.police))
    page = text_of(client.get(f"/findings/rounds/{round_actions.round.id}"))
    assert "Agencies came unprepared." in page  # the finding itself is the partnership's
    assert POLICE_ACTION in page and POLICE_PERSON in page and POLICE_NOTE in page
    for leaked in (HEALTH_ACTION, HEALTH_PERSON, HEALTH_NOTE, round_actions.health.name):
        assert leaked not in page


def test_staff_see_every_organisations_actions(client, login_as, round_actions, campaign_actions):
    login_as("qa")
    page = text_of(client.get(f"/findings/rounds/{round_actions.round.id}"))
    assert POLICE_ACTION in page and HEALTH_ACTION in page and HEALTH_NOTE in page
    page = text_of(client.get(f"/findings/campaigns/{campaign_actions.campaign.id}"))
    assert SCHOOL_ACTION in page and CHARITY_ACTION in page


def test_campaign_page_lists_only_the_leads_own_actions(client, login_as, make, campaign_actions):
    login_as(make.make_user(roles=["org_lead"], organisation=campaign_actions.school))
    page = text_of(client.get(f"/findings/campaigns/{campaign_actions.campaign.id}"))
    assert "Governance is uneven." in page
    assert SCHOOL_ACTION in page
    for leaked in (CHARITY_ACTION, CHARITY_PERSON, CHARITY_NOTE, campaign_actions.charity.name):
        assert leaked not in page


# --- downloads -------------------------------------------------------------------------------------------------


def test_round_downloads_hold_only_the_leads_own_named_data(client, login_as, make, round_actions):
    login_as(make.make_user(roles=["org_lead"], organisation=round_actions.police))
    book = _workbook_text(prepared_download(client, f"/findings/rounds/{round_actions.round.id}/findings.xlsx"))
    assert POLICE_ACTION in book and POLICE_NOTE in book
    for leaked in (HEALTH_ACTION, HEALTH_PERSON, HEALTH_NOTE, round_actions.health.name):
        assert leaked not in book

    response = client.get(f"/findings/rounds/{round_actions.round.id}/responses.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    agencies = {row[2] for row in rows[1:]}
    assert agencies == {round_actions.police.name}
    assert len(rows) == 1 + 2  # the police's two submitted responses (the draft is not exported)


def test_campaign_downloads_hold_only_the_leads_own_named_data(client, login_as, make, campaign_actions):
    login_as(make.make_user(roles=["org_lead"], organisation=campaign_actions.school))
    book = _workbook_text(
        prepared_download(client, f"/findings/campaigns/{campaign_actions.campaign.id}/findings.xlsx")
    )
    assert SCHOOL_ACTION in book
    for leaked in (CHARITY_ACTION, CHARITY_PERSON, CHARITY_NOTE, campaign_actions.charity.name):
        assert leaked not in book

    response = client.get(f"/findings/campaigns/{campaign_actions.campaign.id}/responses.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [row[1] for row in rows[1:]] == [campaign_actions.school.name]


# --- rounds and campaigns the organisation had no part in -------------------------------------------------------


def test_a_round_the_organisation_did_not_take_part_in_is_refused_with_its_downloads(
    client, login_as, make, round_actions
):
    outsider = make.make_org(name="Test Harbour Council", org_type="local_authority")
    for role in ("org_lead", "auditor"):
        login_as(make.make_user(roles=[role], organisation=outsider))
        base = f"/findings/rounds/{round_actions.round.id}"
        for path in (base, base + "/findings.xlsx", base + "/responses.csv"):
            assert client.get(path).status_code in (403, 404), (role, path)


def test_a_campaign_the_organisation_was_not_invited_to_is_refused_with_its_downloads(
    client, login_as, make, campaign_actions
):
    outsider = make.make_org(name="Test Harbour Academy", org_type="school")
    login_as(make.make_user(roles=["org_lead"], organisation=outsider))
    base = f"/findings/campaigns/{campaign_actions.campaign.id}"
    for path in (base, base + "/findings.xlsx", base + "/responses.csv"):
        assert client.get(path).status_code in (403, 404), path


def test_trends_and_themes_cover_only_rounds_the_organisation_took_part_in(client, login_as, make, db, small_round):
    """The small round (police and health, timeliness 50%) and a second round of health alone (100%): the police
    lead's trend and theme pages show the first only; health's and QA's show both."""
    alone = f.make_round(
        organisations=[small_round.health],
        state=RoundState.closed,
        title="Health only round",
        period_start=small_round.round.period_start + timedelta(days=200),
    )
    for _ in range(2):
        f.add_response(f.add_case(alone), small_round.health, {"convened_promptly": "yes"})
    db.session.commit()

    login_as(make.make_user(roles=["org_lead"], organisation=small_round.police))
    trend = text_of(client.get("/findings/trends/strategy-discussion"))
    assert "Strategy discussions test" in trend
    assert "Health only round" not in trend and "100%" not in trend
    theme = text_of(client.get("/findings/themes/timeliness"))
    assert "(convened_promptly) 62.5% (2 of 4)" in theme  # partly counts half in the current version
    assert "Health only round" not in theme and "(2 of 2)" not in theme

    login_as(make.make_user(roles=["auditor"], organisation=small_round.health))
    trend = text_of(client.get("/findings/trends/strategy-discussion"))
    assert "Strategy discussions test" in trend and "Health only round" in trend
    assert "(convened_promptly) 100% (2 of 2)" in text_of(client.get("/findings/themes/timeliness"))

    login_as("qa")
    assert "Health only round" in text_of(client.get("/findings/trends/strategy-discussion"))


def test_trends_cover_only_campaigns_the_organisation_was_invited_to(client, login_as, make, small_campaign):
    outsider = make.make_org(name="Test Harbour Academy", org_type="school")
    login_as(make.make_user(roles=["org_lead"], organisation=outsider))
    for key in ("self-assessment", "practitioner-survey"):
        response = client.get(f"/findings/trends/{key}")
        assert response.status_code == 200
        assert "Self-assessment test" not in text_of(response)
    theme = text_of(client.get("/findings/themes/leadership_and_accountability"))
    assert "(s11_1_senior_lead) 0% (0 of 2)" not in theme
    assert "(know_safeguarding_lead) 100% (6 of 6)" not in theme

    login_as(make.make_user(roles=["org_lead"], organisation=small_campaign.school))
    assert "Self-assessment test" in text_of(client.get("/findings/trends/self-assessment"))
    theme = text_of(client.get("/findings/themes/leadership_and_accountability"))
    assert "(s11_1_senior_lead) 0% (0 of 2)" in theme


def test_organisation_page_shows_no_spread_across_fewer_organisations_than_the_minimum(
    client, login_as, make, app, monkeypatch, small_round
):
    """Police 66.7% and health 50%: with two agencies the range and quartiles are health's own result."""
    login_as(make.make_user(roles=["org_lead"], organisation=small_round.police))
    html = client.get(f"/findings/organisations/{small_round.police.id}").get_data(as_text=True)
    page = text_of(client.get(f"/findings/organisations/{small_round.police.id}"))
    assert "Riverside Test Police 66.7%" in page
    assert "median agency" not in page and "50%" not in page
    assert f'id="chart-round-{small_round.round.id}"' not in html

    monkeypatch.setitem(app.config, "MIN_CELL_SIZE", 2)
    page = text_of(client.get(f"/findings/organisations/{small_round.police.id}"))
    assert "median agency" in page

    monkeypatch.setitem(app.config, "MIN_CELL_SIZE", 5)
    login_as("qa")
    page = text_of(client.get(f"/findings/organisations/{small_round.police.id}"))
    assert "median agency" in page and "50%" in page
