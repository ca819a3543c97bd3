"""Trends across rounds by question key, carried across a renamed key; cross-instrument theme pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.audits.models import RoundState
from app.questionnaire import load_files
from tests.findings import factories as f
from tests.findings.test_campaign_findings import chart_figure
from tests.findings.test_round_findings import text_of

FIXTURES = Path(__file__).parent / "fixtures"


def test_trend_follows_a_renamed_question(client, login_as, make, db):
    v1, v2 = load_files([FIXTURES / "trend-v1.yaml", FIXTURES / "trend-v2.yaml"])
    police = make.make_org(org_type="police")
    first = f.make_round(organisations=[police], version=v1, title="Trend round 2024", period_start=date(2024, 1, 1))
    second = f.make_round(organisations=[police], version=v2, title="Trend round 2025", period_start=date(2025, 1, 1))
    for value in ("yes", "no"):
        f.add_response(f.add_case(first), police, {"timely": value}, version=v1)
    for value in ("yes", "yes", "na"):
        f.add_response(f.add_case(second), police, {"convened_on_time": value}, version=v2)
    f.make_round(organisations=[police], version=v2, title="Draft round", state=RoundState.draft)
    db.session.commit()

    login_as("qa")
    response = client.get("/findings/trends/findings-trend-test")
    assert response.status_code == 200
    page = text_of(response)
    assert "timely is now convened_on_time" in page
    assert "Was the discussion convened on time? (convened_on_time) 50% (n=2) 100% (n=2)" in page
    assert "Draft round" not in page
    figure = chart_figure(response.get_data(as_text=True), "chart-trend-themes")
    timeliness = next(trace for trace in figure["data"] if trace["name"] == "Timeliness")
    assert timeliness["x"] == ["Jan 2024", "Jan 2025"]
    assert timeliness["customdata"] == ["Trend round 2024", "Trend round 2025"]
    assert timeliness["y"] == [50.0, 100.0]

    # each round's own page reports the question under its current key too
    page = text_of(client.get(f"/findings/rounds/{first.id}"))
    assert "Was the discussion timely?" in page


def test_unknown_trend_or_theme_is_not_found(client, login_as):
    login_as("qa")
    assert client.get("/findings/trends/no-such-instrument").status_code == 404
    assert client.get("/findings/themes/no_such_theme").status_code == 404


def test_theme_page_gathers_questions_from_every_instrument(client, login_as, small_round, small_campaign):
    login_as("qa")
    response = client.get("/findings/themes/leadership_and_accountability")
    assert response.status_code == 200
    page = text_of(response)
    assert "Annual safeguarding self-assessment" in page or "self-assessment" in page.lower()
    assert "Practitioner safeguarding survey" in page
    # self-assessment: senior lead agreed Green in 0 of 2 returns (school challenged to amber, charity red)
    assert "(s11_1_senior_lead) 0% (0 of 2)" in page
    # practitioners: the school's 6 all know their lead; the charity's 4 responses are too few to count
    # anywhere, or the campaign page's figures could be subtracted from these to reveal them
    assert "(know_safeguarding_lead) 100% (6 of 6)" in page
    timeliness = text_of(client.get("/findings/themes/timeliness"))
    assert "Quality of strategy discussions" in timeliness
    # yes, no, yes, partly: the theme page weighs answers as the instrument now says (version 2: partly counts half)
    assert "(convened_promptly) 62.5% (2 of 4)" in timeliness
