"""Journey: QA reads the findings charts at a glance in a real browser. A choice question's answers are drawn in
distinct colours with the legend in the order of the bars; a trend page draws the questions chosen as small
multiples; campaign 1's figures change when filtered by area. Screenshots of each are saved (E2E_SCREENSHOTS, or
the test's temporary directory) to be looked at."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Per trace of a drawn plotly chart: its name, the colour it was given, the fill its first bar was drawn in and
# that bar's left edge; and the legend's entries in the order shown.
READ_CHART = """(el) => ({
  traces: el.data.map((t, i) => {
    const bar = el.querySelectorAll('.barlayer .trace')[i].querySelector('path');
    return {name: t.name, colour: t.marker.color, fill: bar.style.fill, left: bar.getBBox().x};
  }),
  legend: Array.from(el.querySelectorAll('.legend .traces .legendtext')).map(t => t.textContent),
})"""


@pytest.fixture
def shots(tmp_path) -> Path:
    directory = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _drawn(page, chart_id: str):
    page.wait_for_function(f"document.querySelector('#{chart_id} .main-svg') !== null")
    return page.locator(f"#{chart_id}")


def test_findings_charts_read_at_a_glance(visitor_factory, shots):
    visitor = visitor_factory(True)
    page = visitor.page
    visitor.sign_in("qa@riverside.example")
    visitor.goto("/findings/")
    visitor.click_link("Strategy discussions – spring 2026", exact=True)

    heading = page.get_by_role("heading", name="Answers to “How was the strategy discussion held?”")
    figure = page.locator("figure", has=heading)
    chart_id = figure.locator(".app-chart").get_attribute("id")
    chart = _drawn(page, chart_id)
    drawn = chart.evaluate(READ_CHART)
    names = [t["name"] for t in drawn["traces"]]
    assert names[0] == "Meeting in person" and len(names) == 4
    colours = [t["colour"] for t in drawn["traces"]]
    assert len(set(colours)) == len(colours), f"each answer has its own colour: {colours}"
    assert len({t["fill"] for t in drawn["traces"]}) == len(colours), "the bars are drawn in those colours"
    left_to_right = [t["name"] for t in sorted(drawn["traces"], key=lambda t: t["left"])]
    assert drawn["legend"] == left_to_right == names, "the legend is in the order of the bars"
    figure.scroll_into_view_if_needed()
    figure.screenshot(path=str(shots / "round-choice-question.png"))
    figure.locator("summary").click()
    assert figure.locator("table tbody tr").count() == 1, "the chart's data table is kept"

    visitor.goto("/findings/trends/strategy-discussion")
    themes = _drawn(page, "chart-trend-themes")
    assert themes.evaluate("el => new Set(el.data.map(t => t.yaxis)).size") == themes.evaluate("el => el.data.length")
    page.locator("figure", has=themes).screenshot(path=str(shots / "trend-themes.png"))
    page.get_by_text("Choose the questions to draw").click()
    for box in page.locator("input[name=question]").all():
        box.uncheck()
    page.get_by_label("Was the strategy discussion convened promptly", exact=False).check()
    page.get_by_label("Were the right agencies invited, and did they take part?").check()
    visitor.click_button("Draw these questions")
    assert re.search(r"question=convened_promptly&question=right_agencies_involved", visitor.path())
    questions = _drawn(page, "chart-trend-questions")
    assert questions.evaluate("el => el.data.length") == 2
    assert questions.locator(".subplot").count() == 2, "one small chart per question chosen"
    page.locator("figure", has=questions).screenshot(path=str(shots / "trend-questions.png"))

    visitor.goto("/findings/")
    visitor.click_link("Annual safeguarding self-assessment 2024-25")
    invited = page.locator("#campaign-summary .govuk-summary-list__value").first
    everyone = invited.inner_text().strip()
    page.get_by_label("Area", exact=True).select_option("North")
    visitor.click_button("Show figures")
    assert "area=North" in visitor.path()
    assert page.get_by_text("Showing the organisations that report to North").is_visible()
    assert invited.inner_text().strip() != everyone
    standards = _drawn(page, "chart-standards")
    page.screenshot(path=str(shots / "campaign-north.png"), full_page=False)
    page.locator("figure", has=standards).screenshot(path=str(shots / "campaign-north-standards.png"))
