"""Campaign findings: returns received, RAG per standard (self and agreed), heatmap, types, survey, statements."""

from __future__ import annotations

import html
import json
import re

from app.extensions import db
from app.selfassessment.survey_services import close_campaign_surveys
from tests.findings.test_round_findings import text_of
from tests.selfassessment.factories import no_noise


def chart_figure(page: str, chart_id: str) -> dict:
    return json.loads(html.unescape(re.search(rf'id="{chart_id}" data-figure="([^"]*)"', page).group(1)))


def test_campaign_figures_match_a_hand_computation(client, login_as, small_campaign):
    login_as("qa")
    response = client.get(f"/findings/campaigns/{small_campaign.campaign.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Returns received 2 (66.7%)" in page
    # standard 1: self-assessed G3 A0 R1, agreed (school's senior lead challenged to amber) G2 A1 R1
    assert re.search(r"Standard 1: Senior management commitment to safeguarding 3 0 1 2 1 1", page)
    assert re.search(r"Standard 2: [^0-9]* 1 1 0 1 1 0", page)


def test_heatmap_labels_every_cell_in_text(client, login_as, small_campaign):
    login_as("qa")
    html = client.get(f"/findings/campaigns/{small_campaign.campaign.id}").get_data(as_text=True)
    figure = chart_figure(html, "chart-heatmap")
    heat = figure["data"][0]
    assert heat["texttemplate"] == "%{text}"
    rows = dict(zip(heat["y"], heat["text"]))
    assert rows["Test Oakfield School"][:2] == ["Amber", "Green"]
    assert rows["Test Youth Charity"][:2] == ["Red", "Amber"]
    assert "Test Northgate College" not in rows
    assert all(cell in ("Green", "Amber", "Red", "N/A") for row in heat["text"] for cell in row)


def test_triangulation_hides_small_organisations_and_flags_mismatches(client, login_as, small_campaign, monkeypatch):
    no_noise(monkeypatch)
    login_as("qa")
    url = f"/findings/campaigns/{small_campaign.campaign.id}"

    def triangulation_section():
        page = text_of(client.get(url))
        return page, page.split("Triangulation by organisation and theme")[1].split("Child Safeguarding Statements")[0]

    # while the surveys are open, no organisation's practitioners' figures are shown, even to QA
    page, survey = triangulation_section()
    school = survey.split("Test Oakfield School")[1].split("Test Youth Charity")[0]
    assert school.strip().startswith("Survey still open") and "agree" not in school

    close_campaign_surveys(small_campaign.campaign)
    db.session.commit()
    page, survey = triangulation_section()
    charity = survey.split("Test Youth Charity")[1]
    assert charity.strip().startswith("Fewer than 5")
    assert "agree" not in charity and "%" not in charity
    school = survey.split("Test Oakfield School")[1].split("Test Youth Charity")[0]
    assert school.strip().startswith("Check 6")
    assert "Green 0% agree Mismatch" in school  # policies: self-assessed Green, no practitioner agreed
    assert "Green 100% agree" in school  # leadership: self-assessed Green, all agreed
    assert "Test Northgate College" not in survey  # no counted return, no survey
    # partnership agreement (exact, for QA) is built only from organisations with enough responses
    assert "from the 1 organisations with at least 5 responses (6 responses)" in page
    assert re.search(r"Leadership and accountability 100% \(6 of 6\)", page)


def test_statement_coverage_is_shown(client, login_as, small_campaign):
    login_as("qa")
    page = text_of(client.get(f"/findings/campaigns/{small_campaign.campaign.id}"))
    section = page.split("Child Safeguarding Statements Child Safeguarding Statements")[-1]
    assert "Organisations 3" in section
    assert "No statement 3" in section


def test_organisation_lead_sees_own_ratings_and_survey_only(client, login_as, make, small_campaign, monkeypatch):
    login_as(make.make_user(roles=["org_lead"], organisation=small_campaign.school))
    response = client.get(f"/findings/campaigns/{small_campaign.campaign.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Test Youth Charity" not in page and "Test Northgate College" not in page
    assert re.search(r"Standard 1: Senior management commitment to safeguarding Green Amber 50%", page)
    assert "Your practitioner survey is still open" in page and "practitioners agreeing" not in page
    no_noise(monkeypatch)
    close_campaign_surveys(small_campaign.campaign)
    db.session.commit()
    page = text_of(client.get(f"/findings/campaigns/{small_campaign.campaign.id}"))
    assert "about 6 practitioner responses" in page and "Test Youth Charity" not in page
    login_as(make.make_user(roles=["org_lead"], organisation=make.make_org(org_type="school")))
    assert client.get(f"/findings/campaigns/{small_campaign.campaign.id}").status_code == 403


def test_organisation_view_shows_spread_not_just_the_mean(client, login_as, small_campaign):
    login_as("qa")
    response = client.get(f"/findings/organisations/{small_campaign.school.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    figure = chart_figure(html, f"chart-campaign-{small_campaign.campaign.id}")
    box = figure["data"][0]
    assert box["type"] == "box"
    themes = dict(zip(box["y"], zip(box["q1"], box["median"], box["q3"])))
    # leadership: the school had 1 of 2 criteria agreed Green (50%), the charity 1 of 2 (50%)
    assert themes["Leadership and accountability"] == (50.0, 50.0, 50.0)
    page = text_of(response)
    assert "Median" in page and "Middle half (quartiles)" in page
