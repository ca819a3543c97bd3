"""The rules deciding what a reader outside partnership staff may see of the findings figures
(app.findings.figures.visibility): only the partnership's figures and their own organisation's, and no spread across
organisations too few to stay anonymous. Each rule is checked against what partnership staff see of the same data."""

from __future__ import annotations

import json
import re

from app.findings import figures
from tests.findings.test_export import workbook_of
from tests.findings.test_round_findings import text_of
from tests.downloads import prepared_download


def _workbook_text(response) -> str:
    wb = workbook_of(response)
    return " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row)


def test_round_figures_of_other_organisations_reach_staff_only(client, login_as, make, small_round):
    round_id = small_round.round.id
    login_as("qa")
    page = text_of(client.get(f"/findings/rounds/{round_id}"))
    assert re.search(r"Riverside Test Health 50% \(2 of 4\)", page)
    assert "Riverside Test Health" in _workbook_text(
        prepared_download(client, f"/findings/rounds/{round_id}/findings.xlsx")
    )

    login_as(make.make_user(roles=["org_lead"], organisation=small_round.police))
    page = text_of(client.get(f"/findings/rounds/{round_id}"))
    assert "Riverside Test Police" in page
    assert "Riverside Test Health" not in page
    assert "Cases audited by" not in page  # the breakdown tables are partnership staff's only
    # the police's own figure next to the partnership's, and no other organisation's
    assert re.search(r"Timeliness 100% \(2 of 2\) 50% \(2 of 4\)", page)
    workbook = _workbook_text(prepared_download(client, f"/findings/rounds/{round_id}/findings.xlsx"))
    assert "Riverside Test Police" in workbook and "Riverside Test Health" not in workbook


def test_campaign_figures_of_other_organisations_reach_staff_only(client, login_as, make, small_campaign):
    campaign_id = small_campaign.campaign.id
    login_as("qa")
    assert "Test Youth Charity" in text_of(client.get(f"/findings/campaigns/{campaign_id}"))
    assert "Test Youth Charity" in _workbook_text(
        prepared_download(client, f"/findings/campaigns/{campaign_id}/findings.xlsx")
    )

    login_as(make.make_user(roles=["org_lead"], organisation=small_campaign.school))
    page = text_of(client.get(f"/findings/campaigns/{campaign_id}"))
    assert "Test Youth Charity" not in page and "Test Northgate College" not in page
    workbook = _workbook_text(prepared_download(client, f"/findings/campaigns/{campaign_id}/findings.xlsx"))
    assert "Test Youth Charity" not in workbook and "Test Northgate College" not in workbook


def test_no_spread_across_fewer_organisations_than_the_minimum(client, login_as, make, app, monkeypatch, small_round):
    """Police 66.7%, health 50%: across two agencies the spread's range and quartiles are health's own result."""
    page_url = f"/findings/organisations/{small_round.police.id}"
    login_as("qa")
    page = text_of(client.get(page_url))
    assert "median agency" in page and "50%" in page

    login_as(make.make_user(roles=["org_lead"], organisation=small_round.police))
    page = text_of(client.get(page_url))
    assert "Riverside Test Police 66.7%" in page
    assert "median agency" not in page and "50%" not in page

    monkeypatch.setitem(app.config, "MIN_CELL_SIZE", 2)  # two organisations are now enough
    assert "median agency" in text_of(client.get(page_url))


def test_small_breakdown_cells_are_hidden_even_from_staff(client, login_as, small_round):
    login_as("qa")
    workbook = workbook_of(prepared_download(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx"))
    summary = " ".join(str(v) for row in workbook["Summary"].iter_rows(values_only=True) for v in row)
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    section = page.split("Cases audited by age band and agreed grade")[1].split(" Gender ")[0]
    assert "fewer than 5" in section
    assert not re.search(r"\b[1-4]\b", section.replace("5 to 9", "").replace("10 to 15", ""))
    assert "fewer than 5" in summary


def test_own_view_keeps_no_trace_of_another_organisation(db, small_round, small_campaign):
    """The pages and workbooks also leave out staff-only tables; own_view must not rely on that."""
    cases = [
        (figures.round_figures(small_round.round), small_round.police, small_round.health),
        (figures.campaign_figures(small_campaign.campaign), small_campaign.school, small_campaign.charity),
    ]
    for data, own, other in cases:
        assert other.name in json.dumps(data, default=str)
        shown = json.dumps(figures.own_view(data, own.id), default=str)
        assert other.name not in shown
        assert f'"{other.id}":' not in shown  # no table keyed by organisation keeps the other's entry
