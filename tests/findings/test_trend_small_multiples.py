"""Trend pages draw one small chart per theme and per chosen question on a shared 0–100% axis, the reader chooses
the questions with a GET form that works without JavaScript, and every figure stays in the tables."""

from __future__ import annotations

from datetime import date

from tests.audits.factories import SCALE_KEYS
from tests.findings import factories as f
from tests.findings.test_campaign_findings import chart_figure
from tests.findings.test_round_findings import text_of

QUESTIONS = SCALE_KEYS[:-1]  # the strategy discussion's criteria but the last (minutes circulated)


def _two_rounds(make, db):
    police = make.make_org(org_type="police")
    for year, value in ((2024, "no"), (2025, "yes")):
        rnd = f.make_round(organisations=[police], title=f"Multiples round {year}", period_start=date(year, 3, 1))
        for _ in range(2):
            f.add_response(f.add_case(rnd), police, {key: value for key in QUESTIONS})
    db.session.commit()


def _panels(figure: dict) -> list[str]:
    return [trace["name"] for trace in figure["data"]]


def test_themes_are_small_multiples_on_one_shared_axis(client, login_as, make, db):
    _two_rounds(make, db)
    login_as("qa")
    response = client.get("/findings/trends/strategy-discussion")
    assert response.status_code == 200
    figure = chart_figure(response.get_data(as_text=True), "chart-trend-themes")
    traces = figure["data"]
    assert len(traces) >= 8
    # one panel per theme: each trace on its own axes, no legend needed
    assert len({(t["xaxis"], t["yaxis"]) for t in traces}) == len(traces)
    assert figure["layout"]["showlegend"] is False
    y_axes = [figure["layout"]["yaxis" + ("" if n == 0 else str(n + 1))] for n in range(len(traces))]
    assert all(axis["range"] == y_axes[0]["range"] for axis in y_axes)
    assert all(axis.get("matches") == "y" for axis in y_axes[1:])
    timeliness = next(t for t in traces if t["name"] == "Timeliness")
    assert timeliness["x"] == ["Mar 2024", "Mar 2025"] and timeliness["y"] == [0.0, 100.0]
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert "Timeliness" in titles


def test_reader_chooses_the_questions_to_draw(client, login_as, make, db):
    _two_rounds(make, db)
    login_as("qa")
    response = client.get("/findings/trends/strategy-discussion")
    html = response.get_data(as_text=True)
    drawn = _panels(chart_figure(html, "chart-trend-questions"))
    assert len(drawn) == 6, "the first six questions are drawn until the reader chooses"
    assert 'name="question" type="checkbox" value="clear_next_steps"' in html
    assert "Showing 6 of" in text_of(response)

    response = client.get(
        "/findings/trends/strategy-discussion?question=clear_next_steps&question=identity_considered&question=nope"
    )
    html = response.get_data(as_text=True)
    figure = chart_figure(html, "chart-trend-questions")
    assert len(figure["data"]) == 2
    # in catalogue order, not the order asked
    assert [trace["customdata"] for trace in figure["data"]] == [["Multiples round 2024", "Multiples round 2025"]] * 2
    names = [trace["name"] for trace in figure["data"]]
    assert names[0].startswith("Were the child's race") and names[1].startswith("Were clear next steps"), names
    assert 'value="clear_next_steps" checked' in html
    assert 'value="convened_promptly" checked' not in html
    page = text_of(response)
    assert "Showing 2 of" in page
    # every question stays in the figures table, drawn or not
    assert "(convened_promptly) 0% (n=2; 0 partly) 100% (n=2; 0 partly)" in page
