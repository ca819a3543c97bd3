"""The round findings page: figures against a hand computation, own-organisation view and permissions."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from app.audits.models import RoundState


def text_of(response) -> str:
    """Page text with tags removed and whitespace collapsed, for asserting on figures as a reader sees them."""
    html = response.get_data(as_text=True)
    html = re.sub(r'data-figure="[^"]*"', "", html)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_round_figures_match_a_hand_computation(client, login_as, small_round):
    login_as("qa")
    response = client.get(f"/findings/rounds/{small_round.round.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Cases audited 3 of 3" in page
    assert "Responses submitted 4 of 5" in page
    # 4 of 7 criteria (the overall judgement is not a criterion; "not applicable" is left out)
    assert "57.1% (4 of 7 criteria answered" in page
    # themes: timeliness 2 of 4, multi-agency engagement 2 of 3
    assert re.search(r"Timeliness 50% \(2 of 4\)", page)
    assert re.search(r"Multi-agency engagement 66\.7% \(2 of 3\)", page)
    # agencies: police 2 of 3, health 2 of 4
    assert re.search(r"Riverside Test Police 66\.7% \(2 of 3\)", page)
    assert re.search(r"Riverside Test Health 50% \(2 of 4\)", page)
    # distribution of convened_promptly: yes 2, partly 1, no 1, n/a 0 of 4 answers, 50% meeting
    assert re.search(
        r"convened promptly once concerns of significant harm were identified\? 2 1 1 0 4 50% \(2 of 4\)", page
    )
    # agreed grades: good 1, inadequate 1, one case not yet agreed
    assert re.search(r"Outstanding 0 Good 1 Requires improvement 0 Inadequate 1 Not yet agreed 1", page)


def test_themes_are_proposed_as_strengths_or_areas_for_improvement(client, login_as, small_round, app):
    login_as("qa")
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    improvements = page.split("Proposed areas for improvement")[-1].split("By question")[0]
    strengths = (
        page.split("Proposed strengths None")[1].split("Proposed areas for improvement")[0]
        if "Proposed strengths None" in page
        else page.split("Proposed strengths")[-1]
    )
    assert "Timeliness" in improvements and "Multi-agency engagement" not in improvements
    assert "Proposed strengths None." in page and strengths is not None
    app.config["IMPROVEMENT_THRESHOLD"] = 70
    try:
        page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    finally:
        app.config["IMPROVEMENT_THRESHOLD"] = 60
    improvements = page.split("Proposed areas for improvement")[-1].split("By question")[0]
    assert "Multi-agency engagement" in improvements


def test_small_demographic_groups_are_suppressed(client, login_as, small_round):
    login_as("qa")
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    section = page.split("Cases audited by age band and agreed grade")[1].split(" Gender ")[0]
    assert "fewer than 5" in section
    # with three cases nothing may be shown as a count, not even the total
    assert not re.search(r"\b[1-4]\b", section.replace("5 to 9", "").replace("10 to 15", ""))


def test_page_shows_charts_with_their_data_tables(client, login_as, small_round):
    login_as("qa")
    html = client.get(f"/findings/rounds/{small_round.round.id}").get_data(as_text=True)
    assert html.count('class="app-chart"') >= 4
    assert html.count("Show the data in this chart") == html.count('class="app-chart"')
    assert "plotly.min.js" in html and "cdn" not in html.lower()
    assert " style=" not in html.split("<body")[1]
    assert "<script>" not in html  # every script carries the nonce


def test_organisation_lead_sees_own_organisation_against_the_partnership(client, login_as, make, small_round):
    lead = make.make_user(roles=["org_lead"], organisation=small_round.police)
    login_as(lead)
    response = client.get(f"/findings/rounds/{small_round.round.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "You are seeing Riverside Test Police against the whole partnership" in page
    assert "Riverside Test Health" not in page
    assert "By agency" not in page and "Cases audited by" not in page
    # own-organisation figures: police met 2 of 2 on timeliness, partnership 2 of 4
    assert re.search(r"Timeliness 100% \(2 of 2\) 50% \(2 of 4\)", page)
    assert "Add a finding" not in page


@pytest.mark.parametrize("role", ["org_lead", "auditor"])
def test_other_organisations_cannot_read_the_round(client, login_as, make, small_round, role):
    outsider = make.make_user(roles=[role], organisation=make.make_org(org_type="police"))
    login_as(outsider)
    assert client.get(f"/findings/rounds/{small_round.round.id}").status_code == 403
    assert client.get(f"/findings/rounds/{small_round.round.id}/findings.xlsx").status_code == 403
    assert client.get(f"/findings/rounds/{small_round.round.id}/responses.csv").status_code == 403


def test_participants_wait_until_moderation(client, login_as, make, db, small_round):
    small_round.round.state = RoundState.open
    db.session.commit()
    login_as(make.make_user(roles=["auditor"], organisation=small_round.police))
    assert client.get(f"/findings/rounds/{small_round.round.id}").status_code == 403
    assert client.get("/findings/rounds/999999").status_code == 404


def test_signatories_cannot_read_findings(client, login_as, small_round):
    login_as("signatory")
    assert client.get(f"/findings/rounds/{small_round.round.id}").status_code == 403
    assert client.get("/findings/").status_code == 403


def test_index_lists_rounds_by_role(client, login_as, make, small_round):
    login_as("qa")
    page = text_of(client.get("/findings/"))
    assert "Strategy discussions test" in page
    assert "Quality of strategy discussions" in page  # trend link
    login_as(make.make_user(roles=["org_lead"], organisation=make.make_org(org_type="school")))
    page = text_of(client.get("/findings/"))
    assert "Strategy discussions test" not in page
