"""Campaign findings split by area (Organisation.areas): the page, its Excel workbook and its returns CSV take the
same ?area= filter, and counts of organisations below MIN_CELL_SIZE are hidden under it."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from app.selfassessment.models import ReturnState
from tests.findings import factories as f
from tests.findings.test_campaign_findings import chart_figure
from tests.findings.test_round_findings import text_of
from tests.downloads import prepared_download


def _campaign(make, db):
    """East: 6 schools (Green), 3 charities (Red), 2 police forces covering East and West (Amber), all returned.
    West: the 2 police forces, 2 schools (Amber) and a college that has not started."""
    campaign = f.make_campaign(title="Areas test", cycle="2025-26")

    def org(name, org_type, areas, rag, state=ReturnState.submitted):
        organisation = make.make_org(name=name, org_type=org_type, areas=areas)
        f.add_return(campaign, organisation, {"s11_1_senior_lead": rag}, state=state)

    for n in range(6):
        org(f"East School {n}", "school", ["East"], "green")
    for n in range(3):
        org(f"East Charity {n}", "charity", ["East"], "red")
    for n in range(2):
        org(f"Both Police {n}", "police", ["East", "West"], "amber")
        org(f"West School {n}", "school", ["West"], "amber")
    org("West College", "college", ["West"], "green", state=ReturnState.in_progress)
    db.session.commit()
    return campaign


def _org_types(page: str) -> dict[str, list]:
    figure = chart_figure(page, "chart-org-types")
    return {name: figure["data"][1]["x"][n] for n, name in enumerate(figure["data"][1]["y"])}


def test_area_filter_shows_only_that_areas_organisations(client, login_as, make, db):
    campaign = _campaign(make, db)
    login_as("qa")
    whole = client.get(f"/findings/campaigns/{campaign.id}")
    page = text_of(whole)
    assert "Organisations invited 14" in page
    assert "for its board. All areas East West Show figures" in page  # the filter lists the campaign's areas
    assert _org_types(whole.get_data(as_text=True)) == {
        "Charity or voluntary organisation": 0.0,
        "Police": 0.0,
        "School": 75.0,
    }

    east = client.get(f"/findings/campaigns/{campaign.id}?area=East")
    assert east.status_code == 200
    page = text_of(east)
    assert "Showing the organisations that report to East" in page
    assert "Organisations invited 11" in page and "Returns received 11 (100%)" in page
    assert "West School" not in page and "West College" not in page
    html = east.get_data(as_text=True)
    # only the schools are drawn by type: charities (3) and police (2) are below the minimum cell size
    assert _org_types(html) == {"School": 100.0}
    standards = chart_figure(html, "chart-standards")
    agreed_green = next(t for t in standards["data"] if t["name"] == "Green" and t.get("xaxis") == "x2")
    assert agreed_green["customdata"][0] == 6  # East's six Green schools, not the West's Amber ones


def test_a_filtered_cell_below_the_minimum_is_hidden(client, login_as, make, db):
    campaign = _campaign(make, db)
    login_as("qa")
    page = text_of(client.get(f"/findings/campaigns/{campaign.id}?area=East"))
    assert "School 6 6 100% 100%" in page
    # 3 charities and 2 police forces: counts and ratings hidden, together at least the minimum
    assert "Charity or voluntary organisation fewer than 5 fewer than 5 – –" in page
    assert "Police fewer than 5 fewer than 5 – –" in page
    # in the West, 2 police, 2 schools and a college that has not started: every count is hidden
    page = text_of(client.get(f"/findings/campaigns/{campaign.id}?area=West"))
    assert "Organisations invited 5 Returns received Fewer than 5 Contents" in page
    assert "No organisation type in West has 5 or more returns received" in page


def test_workbook_and_csv_take_the_same_area(client, login_as, make, db):
    campaign = _campaign(make, db)
    login_as("qa")
    response = prepared_download(client, f"/findings/campaigns/{campaign.id}/findings.xlsx?area=East")
    assert response.status_code == 200
    assert "-east-findings.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True) if len(row) > 1 and row[0]}
    assert summary["Area"] == "East"
    assert summary["Organisations invited"] == 11
    assert summary["Charity or voluntary organisation"] == "fewer than 5"
    returned = {row[0] for row in workbook["Returns"].iter_rows(min_row=2, values_only=True)}
    assert returned and all(not name.startswith("West") for name in returned)
    assert "Both Police 0" in returned

    rows = list(csv.reader(io.StringIO(client.get(f"/findings/campaigns/{campaign.id}/responses.csv?area=West").text)))
    names = sorted(row[1] for row in rows[1:])
    assert names == ["Both Police 0", "Both Police 1", "West School 0", "West School 1"]
    # an area none of the campaign's organisations reports to is the whole partnership
    rows = list(
        csv.reader(io.StringIO(client.get(f"/findings/campaigns/{campaign.id}/responses.csv?area=Nowhere").text))
    )
    assert len(rows) == 1 + 13


def test_organisations_are_not_offered_the_area_filter(client, login_as, make, db):
    campaign = _campaign(make, db)
    school = make.make_org(name="Lead School", org_type="school", areas=["East"])
    f.add_return(campaign, school, {"s11_1_senior_lead": "green"})
    db.session.commit()
    login_as(make.make_user(roles=["org_lead"], organisation=school))
    page = text_of(client.get(f"/findings/campaigns/{campaign.id}?area=West"))
    assert "Showing the organisations that report to" not in page
    assert "All areas" not in page
