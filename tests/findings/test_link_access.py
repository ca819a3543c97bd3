"""Findings pages link only to pages the viewer may open; wide tables scroll; tags match the rest of the service."""

from __future__ import annotations

import re

from app.extensions import db
from app.audits.models import RoundState
from app.selfassessment.models import CampaignState
from app.selfassessment.survey_services import close_campaign_surveys
from tests.findings import factories as f
from tests.findings.test_round_findings import text_of
from tests.selfassessment.factories import no_noise


def _hrefs(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', response.get_data(as_text=True)))


def _links_to(response, path: str) -> bool:
    return any(href.split("?")[0].split("#")[0] == path for href in _hrefs(response))


def _every_link_opens(client, response) -> None:
    for href in _hrefs(response):
        if href.startswith("/findings/") and not href.endswith((".xlsx", ".csv")):
            assert client.get(href).status_code == 200, href


def test_auditor_organisation_page_has_no_link_to_the_action_tracker(client, login_as, make):
    auditor = login_as("auditor")
    response = client.get(f"/findings/organisations/{auditor.organisation_id}")
    assert response.status_code == 200
    assert client.get("/findings/actions").status_code == 403
    assert not _links_to(response, "/findings/actions")
    assert "Actions for" not in text_of(response)


def test_org_lead_and_staff_organisation_pages_link_to_the_action_tracker(client, login_as, make):
    lead = login_as("org_lead")
    response = client.get(f"/findings/organisations/{lead.organisation_id}")
    assert _links_to(response, "/findings/actions")
    _every_link_opens(client, response)

    login_as("qa")
    response = client.get(f"/findings/organisations/{lead.organisation_id}")
    assert f'href="/findings/actions?organisation={lead.organisation_id}"' in response.get_data(as_text=True)


def test_trend_and_theme_pages_link_only_rounds_and_campaigns_the_org_lead_may_open(
    client, login_as, make, db, small_round, small_campaign
):
    other = make.make_org(name="Test Harbour Council", org_type="local_authority")
    rnd = f.make_round(organisations=[small_round.police, other], state=RoundState.closed, title="Other round")
    f.add_response(f.add_case(rnd), other, {"convened_promptly": "yes"})
    db.session.commit()
    round_path = f"/findings/rounds/{small_round.round.id}"
    campaign_path = f"/findings/campaigns/{small_campaign.campaign.id}"

    login_as("org_lead", organisation=other)
    assert client.get(round_path).status_code == 403
    trend = client.get("/findings/trends/strategy-discussion")
    assert trend.status_code == 200
    assert not _links_to(trend, round_path)
    assert _links_to(trend, f"/findings/rounds/{rnd.id}")
    # the trend covers only rounds the organisation took part in (app.findings.access.trend_scope)
    assert "Strategy discussions test" not in text_of(trend)
    assert "Other round" in text_of(trend)
    _every_link_opens(client, trend)
    for key in ("timeliness", "leadership_and_accountability"):
        theme = client.get(f"/findings/themes/{key}")
        assert theme.status_code == 200
        assert not _links_to(theme, round_path) and not _links_to(theme, campaign_path)
        _every_link_opens(client, theme)

    login_as("org_lead", organisation=small_campaign.school)
    theme = client.get("/findings/themes/leadership_and_accountability")
    assert _links_to(theme, campaign_path)
    _every_link_opens(client, theme)

    login_as("qa")
    trend = client.get("/findings/trends/strategy-discussion")
    assert _links_to(trend, round_path)


def test_campaign_page_wide_tables_scroll_in_a_focusable_region(client, login_as, small_campaign):
    login_as("qa")
    html = client.get(f"/findings/campaigns/{small_campaign.campaign.id}").get_data(as_text=True)
    assert "app-overflow" not in html
    tables = html.count("<table")
    regions = re.findall(r'<div class="app-table-scroll" role="region" aria-label="[^"]+" tabindex="0">', html)
    assert tables and len(regions) == tables


def test_index_state_tags_use_the_service_colours(client, login_as, make, db):
    police = make.make_org(org_type="police")
    for state in (RoundState.open, RoundState.moderation, RoundState.closed):
        f.make_round(organisations=[police], state=state, title=f"Round {state.value}")
    for cycle, state in (("2024-25", CampaignState.closed), ("2025-26", CampaignState.open)):
        f.make_campaign(state=state, title=f"Campaign {state.value}", survey_key=None, cycle=cycle)
    db.session.commit()
    login_as("qa")
    html = client.get("/findings/").get_data(as_text=True)
    tags = {
        label.strip(): colour
        for colour, label in re.findall(r'class="govuk-tag govuk-tag--(\w[\w-]*)"\s*>\s*([^<]+)<', html)
    }
    assert tags.get(RoundState.open.label) == "green"
    assert tags.get(RoundState.moderation.label) == "purple"
    assert tags.get(RoundState.closed.label) == "blue"


def test_triangulation_mismatches_follow_the_configured_agreement_threshold(
    app, client, login_as, monkeypatch, small_campaign
):
    """The school rated policies Green and no practitioner agreed: a mismatch at any threshold above 0%."""
    no_noise(monkeypatch)
    close_campaign_surveys(small_campaign.campaign)
    db.session.commit()
    login_as("qa")
    findings_page = f"/findings/campaigns/{small_campaign.campaign.id}"
    triangulation_page = f"/self-assessment/campaigns/{small_campaign.campaign.id}/triangulation"
    assert "Green 0% agree Mismatch" in text_of(client.get(findings_page))
    assert re.search(r">\s*Mismatch\s*<", client.get(triangulation_page).get_data(as_text=True))

    monkeypatch.setitem(app.config, "TRIANGULATION_AGREEMENT_THRESHOLD", 0)
    assert "Mismatch" not in text_of(client.get(findings_page))
    assert not re.search(r">\s*Mismatch\s*<", client.get(triangulation_page).get_data(as_text=True))
