"""Journey: a QA user builds a missing-episodes case audit in the studio, previews it as the police, publishes it,
runs a round with it that a police auditor scores, reads the round's findings and Excel export; then publishes
version 2 with a reworded and renamed question, runs a second round, and the trend page joins the two rounds on
that question."""

from __future__ import annotations

import re
from datetime import date

from openpyxl import load_workbook

from tests.e2e.questionnaire import _check
from tests.e2e.test_journey_studio import _save, build_missing_episodes_tool
from tests.e2e.downloads import prepared_download

KEY = "missing-episodes-rounds"
TITLE = "Repeat missing episodes audit"
AUDITOR = "auditor.police@riverside.example"
POLICE = "Riverside Police"
OLD_TEXT = "Was a return interview offered within 72 hours?"
NEW_TEXT = "Was a return home interview offered within three days?"


def _preview_as_police(visitor, draft: str) -> None:
    page = visitor.page
    visitor.goto(draft)
    visitor.click_button("Preview", exact=True)
    page.get_by_label("Preview as an organisation of type").select_option("police")
    visitor.click_button("Start preview")
    assert "The return interview" in page.locator("h1").inner_text()
    _check(page.get_by_label("In line with practice standards"))
    _save(visitor)
    assert "Planning" in page.locator("h1").inner_text()
    assert not page.get_by_label("Why was the interview not offered in time?").is_visible(), (
        "the show_if question stays hidden when the answer is in line"
    )
    _save(visitor)
    check = page.locator("main").inner_text()
    assert "Check your answers" in check and "In line with practice standards" in check


def _publish(visitor, draft: str, number: int, continues: dict[str, str] | None = None) -> None:
    page = visitor.page
    visitor.goto(draft)
    visitor.click_button("Check changes and publish", exact=True)
    for old, new in (continues or {}).items():
        page.locator(f"#continues-{old}").select_option(new)
    visitor.click_button(f"Publish version {number}")
    assert f"Published {TITLE} (version {number})" in page.locator(".govuk-notification-banner").inner_text()


def _fill_date(page, legend: str, when: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))


def _open_round(visitor, title: str, version: int, reference: str, start: date) -> str:
    """Create a round with this version of the tool, a case for the police, and open it; returns its path."""
    page = visitor.page
    visitor.goto("/audits/")
    visitor.click_button("Create a round")
    page.get_by_label("Title", exact=True).fill(title)
    _check(page.get_by_label(f"{TITLE} (version {version})", exact=True))
    _fill_date(page, "Start of the audit period", start)
    _fill_date(page, "End of the audit period", date(start.year, start.month, 28))
    _fill_date(page, "Due date", date(date.today().year + 1, 3, 31))
    _check(page.get_by_label(re.compile(rf"{POLICE} \(")))
    visitor.click_button("Create round", exact=True)
    round_path = visitor.path()
    assert re.fullmatch(r"/audits/\d+", round_path), round_path
    assert f"{TITLE} (version {version})" in page.locator("main").inner_text()

    visitor.click_button("Add a case")
    page.get_by_label("Case reference", exact=True).fill(reference)
    visitor.click_button("Add case", exact=True)
    visitor.click_link(reference)
    visitor.click_link("Change which agencies audit this case")
    _check(page.get_by_label(POLICE, exact=True))
    visitor.click_button("Save assignments")
    assert POLICE in page.locator("main").inner_text()

    visitor.goto(round_path)
    visitor.click_button("Open the round")
    visitor.click_button("Open round", exact=True)
    assert "is now open" in page.locator(".govuk-notification-banner").inner_text()
    return round_path


def _auditor_scores(visitor_factory, reference: str, question: str, answer: str, why: str | None) -> None:
    auditor = visitor_factory(True)
    page = auditor.page
    auditor.sign_in(AUDITOR)
    auditor.goto("/audits/tasks")
    row = page.locator("tr", has_text=reference)
    auditor.click(row.get_by_role("link").first)
    auditor.click(page.locator("a[href*='/sections/']").first)
    assert question in page.locator("main").inner_text()
    _check(page.get_by_label(answer, exact=True))
    _save(auditor)
    why_box = page.get_by_label("Why was the interview not offered in time?")
    if why:
        why_box.fill(why)
    else:
        assert not why_box.is_visible(), "the show_if question is hidden when the answer is in line"
    _save(auditor)
    if "/check" not in auditor.path():
        auditor.click_link("Check your answers and submit")
    answers = page.locator("main").inner_text()
    assert answer in answers and (why or "") in answers
    auditor.click_button("Submit audit")
    assert page.locator(".govuk-panel__title").inner_text().strip() == "Audit submitted"
    auditor.context.close()


def _move_on(visitor, round_path: str) -> None:
    page = visitor.page
    visitor.goto(round_path)
    visitor.click_button("Start moderation")
    visitor.click_button("Start moderation")
    assert "moderation" in page.locator(".govuk-notification-banner").inner_text()
    visitor.click_button("Close the round")
    for box in page.locator("textarea").all():
        box.fill("Scored by one agency only; nothing to moderate.")
    visitor.click_button("Close the round")
    assert "is closed" in page.locator(".govuk-notification-banner").inner_text()


def _findings(visitor, round_path: str, question: str, tmp_path) -> None:
    page = visitor.page
    round_id = round_path.rsplit("/", 1)[-1]
    visitor.goto(f"/findings/rounds/{round_id}")
    assert question in page.locator("main").inner_text()
    path = prepared_download(visitor, "Download findings (Excel)", tmp_path)
    workbook = load_workbook(path, read_only=True)
    cells = {
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    }
    assert any(question in cell for cell in cells), "the Excel export shows the new tool's question"


def test_a_studio_tool_runs_two_rounds_and_its_trend_follows_a_renamed_question(visitor_factory, tmp_path):
    qa = visitor_factory(True)
    page = qa.page
    qa.sign_in("qa@riverside.example")
    draft = build_missing_episodes_tool(qa, TITLE, KEY, OLD_TEXT)
    _preview_as_police(qa, draft)
    _publish(qa, draft, 1)

    first = _open_round(qa, "Missing episodes – spring", 1, "CR-000123", date(date.today().year, 1, 1))
    _auditor_scores(visitor_factory, "CR-000123", OLD_TEXT, "Partially in line", "No worker was free.")
    _move_on(qa, first)
    _findings(qa, first, OLD_TEXT, tmp_path)

    # Version 2: the question is reworded and its key renamed; the publisher says it continues the old one.
    qa.goto("/admin/instruments/")
    qa.click_link(re.compile(rf"Create a new version of {TITLE} from version 1"))
    qa.click_button("Create draft", exact=True)
    draft_2 = qa.path()
    qa.click_link(re.compile("Change interview_offered"))
    page.get_by_label("Question", exact=True).fill(NEW_TEXT)
    page.get_by_label("Key", exact=True).fill("return_interview_offered")
    _save(qa)
    qa.goto(draft_2)
    qa.click_button("Check changes and publish", exact=True)
    changes = page.locator("main").inner_text()
    assert OLD_TEXT in changes and "return_interview_offered" in changes
    _publish(qa, draft_2, 2, {"interview_offered": "return_interview_offered"})

    second = _open_round(qa, "Missing episodes – summer", 2, "CR-000124", date(date.today().year, 6, 1))
    _auditor_scores(visitor_factory, "CR-000124", NEW_TEXT, "In line with practice standards", None)
    _move_on(qa, second)
    _findings(qa, second, NEW_TEXT, tmp_path)

    # The trend joins both rounds on the renamed question.
    qa.goto("/findings/")
    qa.click_link(re.compile(TITLE))
    assert qa.path() == f"/findings/trends/{KEY}"
    main = page.locator("main").inner_text()
    assert "Missing episodes – spring" in main and "Missing episodes – summer" in main
    table = page.get_by_role("region", name="Figures by question and period").locator("table")
    periods = table.locator("thead th").all_inner_texts()[1:]
    assert len(periods) == 2 and "spring" in periods[0] and "summer" in periods[1], periods
    row = table.locator("tbody tr", has_text=NEW_TEXT)
    assert row.count() == 1 and "return_interview_offered" in row.inner_text()
    cells = [" ".join(c.split()) for c in row.locator("td").all_inner_texts()]
    assert cells == ["0% (n=1)", "100% (n=1)"], f"both rounds' figures on the renamed question's row: {cells}"
    assert page.locator("tr", has_text=OLD_TEXT).count() == 0
