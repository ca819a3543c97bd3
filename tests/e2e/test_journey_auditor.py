"""Journey 1: an auditor scores a case across several pages, leaves, signs back in, finishes and submits."""

from __future__ import annotations

import re

import pytest

from tests.e2e.questionnaire import answer_visible_questions

AUDITORS = {True: "auditor.police@riverside.example", False: "auditor.health@riverside.example"}


def _open_tasks(visitor) -> list[str]:
    visitor.goto("/audits/tasks")
    table = visitor.page.locator("table").first
    return [
        link.get_attribute("href")
        for link in table.get_by_role("link").all()
        if "Submitted" not in link.locator("xpath=ancestor::tr").inner_text()
    ]


def _first_open_task(visitor) -> str:
    tasks = _open_tasks(visitor)
    if not tasks:
        pytest.fail("the demo auditor has no open case audit")
    return tasks[0]


def _sections(visitor) -> list[tuple[str, str]]:
    """(link, status) of each section in the task list on screen."""
    items = visitor.page.locator(".govuk-task-list__item").all()
    found = []
    for item in items:
        link = item.locator("a[href*='/sections/']")
        if link.count():
            found.append((link.get_attribute("href"), item.locator(".govuk-task-list__status").inner_text()))
    return found


def _section_links(visitor) -> list[str]:
    return [href for href, _status in _sections(visitor)]


def _task_with_unstarted_sections(visitor, wanted: int = 3) -> tuple[str, list[str]]:
    for task in _open_tasks(visitor):
        visitor.goto(task)
        pending = [href for href, status in _sections(visitor) if "Not yet started" in status]
        if len(pending) >= wanted:
            return task, pending
    pytest.fail(f"the demo auditor has no open case audit with {wanted} sections not yet started")


def test_auditor_scores_across_pages_leaves_returns_and_submits(visitor):
    email = AUDITORS[visitor.javascript]
    visitor.sign_in(email)
    task, sections = _task_with_unstarted_sections(visitor)

    # First page: "Save and continue" with nothing answered shows the error summary, focused (with JavaScript).
    visitor.goto(sections[0])
    visitor.click_button("Save and continue")
    assert visitor.page.locator(".govuk-error-summary").is_visible()
    assert visitor.page.title().startswith("Error:")
    if visitor.javascript:
        assert visitor.error_summary_focused()
    answer_visible_questions(visitor.page)
    visitor.click_button("Save and continue")
    assert visitor.path() != sections[0] and "/sections/" in visitor.path(), "continues to the next section"

    answer_visible_questions(visitor.page, "Partly recorded; see the strategy minutes.")
    visitor.click_button("Save and come back later")
    assert visitor.path() == task
    assert "Your answers have been saved" in visitor.page.locator(".govuk-notification-banner").inner_text()
    visitor.sign_out()

    visitor.sign_in(email)
    visitor.goto(task)
    statuses = dict(_sections(visitor))
    assert "Completed" in statuses[sections[0]]
    for href, status in _sections(visitor):
        if "Completed" in status:
            continue
        visitor.goto(href)
        answer_visible_questions(visitor.page)
        visitor.click_button("Save and continue")
    visitor.goto(task)
    assert "Ready to submit" in visitor.page.locator(".govuk-task-list").inner_text()
    visitor.click_link("Check your answers and submit")
    assert re.search(r"/check$", visitor.path()), visitor.path()
    assert "Partly recorded; see the strategy minutes." in visitor.page.locator("#answers").inner_text()
    visitor.click_button("Submit audit")
    assert visitor.page.locator(".govuk-panel__title").inner_text().strip() == "Audit submitted"

    visitor.goto(task)
    assert "Submitted" in visitor.page.locator(".govuk-task-list").inner_text()


def test_scale_question_page_can_be_completed_with_the_keyboard_only(visitor_factory):
    visitor = visitor_factory(True)
    visitor.sign_in("auditor.council@riverside.example")
    task = _first_open_task(visitor)
    visitor.goto(task)
    sections = _section_links(visitor)
    target = next((s for s in sections if _has_scale_question(visitor, s)), None)
    assert target, "an audit section with a scale question"
    visitor.goto(target)
    page = visitor.page
    page.locator("body").focus()
    answered_groups, ticked_groups = set(), set()
    for _ in range(250):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName, type: e.type || '', name: e.name || '', text: (e.innerText || e.value || '').trim(),
                    hidden: e.closest('[hidden]') !== null}; }""")
        if focused["hidden"]:
            continue
        if focused["type"] == "radio" and focused["name"] not in answered_groups:
            page.keyboard.press("Space")
            answered_groups.add(focused["name"])
        elif focused["type"] == "checkbox" and focused["name"] not in ticked_groups:
            page.keyboard.press("Space")
            ticked_groups.add(focused["name"])
        elif focused["tag"] == "TEXTAREA" or (focused["tag"] == "INPUT" and focused["type"] in ("text", "number")):
            if not page.evaluate("document.activeElement.value"):
                page.keyboard.type("Typed with the keyboard only.")
        elif focused["tag"] == "BUTTON" and focused["text"] == "Save and continue":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    else:
        pytest.fail("could not reach the Save and continue button with the Tab key")
    visitor.arrived()
    assert answered_groups, "at least one scale question was answered with the keyboard"
    assert visitor.path() != target and not page.locator(".govuk-error-summary").count(), visitor.path()


def _has_scale_question(visitor, href) -> bool:
    visitor.goto(href)
    return visitor.page.locator("input[type=radio]").count() >= 3
