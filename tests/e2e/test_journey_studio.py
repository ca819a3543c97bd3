"""Journey: a QA user builds a case audit tool from nothing in the studio, previews it as a police auditor would
see it, publishes it, and finds it offered when creating a round."""

from __future__ import annotations

from tests.e2e.questionnaire import _check


def _save(visitor, name: str = "Save and continue"):
    return visitor.click_button(name, exact=True)


def _add_option(
    visitor,
    label: str,
    value: str,
    *,
    score: str = "",
    meets: str | None = None,
    rag: str | None = None,
    excluded: bool = False,
    another: bool = True,
):
    page = visitor.page
    page.get_by_label("Label", exact=True).fill(label)
    page.get_by_label("Value", exact=True).fill(value)
    page.get_by_label("Score (optional)").fill(score)
    if meets:
        _check(page.get_by_label(meets, exact=True))
    if rag:
        _check(page.get_by_label(rag, exact=True))
    if excluded:
        _check(page.get_by_label("Not applicable: left out of scores"))
    _save(visitor, "Save and add another" if another else "Save and continue")


def build_missing_episodes_tool(
    visitor, title: str, key: str, question_text: str = "Was a return interview offered within 72 hours?"
) -> str:
    """In the studio, from nothing: a case audit with a three-point scale of its own and "not applicable", and two
    sections, the second asking why only if the first answer was not in line. Returns the draft's path."""
    page = visitor.page
    visitor.goto("/admin/instruments/")
    visitor.click_link("instrument studio")
    visitor.click_button("Start a new instrument", exact=True)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Key", exact=True).fill(key)
    _check(page.get_by_label("Case audit", exact=True))
    _save(visitor, "Create draft")
    draft = visitor.path()
    assert "problem" in page.locator(".govuk-error-summary").inner_text()  # no sections yet

    visitor.click_link("Add a scale")
    page.get_by_label("Name", exact=True).fill("practice")
    _save(visitor, "Add scale")
    _add_option(
        visitor, "In line with practice standards", "in_line", score="2", meets="Meets the standard", rag="Green"
    )
    _add_option(visitor, "Partially in line", "partly", score="1", meets="Does not meet the standard", rag="Amber")
    _add_option(visitor, "Not in line", "not_in_line", score="0", meets="Does not meet the standard", rag="Red")
    _add_option(visitor, "Not applicable", "na", excluded=True, another=False)
    assert page.locator("table tbody tr").count() == 4
    assert "Partially in line" in page.locator("table").inner_text()
    visitor.goto(draft)

    visitor.click_button("Add a section", exact=True)
    page.get_by_label("Title", exact=True).fill("The return interview")
    page.get_by_label("Key", exact=True).fill("interview")
    _save(visitor)
    _check(page.get_by_label("Rating on a scale"))
    _save(visitor, "Continue")
    page.get_by_label("Question", exact=True).fill(question_text)
    page.get_by_label("Key", exact=True).fill("interview_offered")
    page.get_by_label("Scale", exact=True).select_option("practice")
    _save(visitor)
    assert visitor.path().startswith(draft)

    visitor.click_button("Add a section", exact=True)
    page.get_by_label("Title", exact=True).fill("Planning")
    page.get_by_label("Key", exact=True).fill("planning")
    _save(visitor)
    _check(page.get_by_label("Long text"))
    _save(visitor, "Continue")
    page.get_by_label("Question", exact=True).fill("Why was the interview not offered in time?")
    page.get_by_label("Key", exact=True).fill("why_not")
    page.get_by_label("Show this question only if an earlier question was answered").select_option("interview_offered")
    _check(page.get_by_label("interview_offered: Partially in line"))
    _check(page.get_by_label("interview_offered: Not in line"))
    _save(visitor)
    assert "No problems found" in page.locator("main").inner_text()
    return draft


def test_qa_builds_previews_and_publishes_a_case_audit(visitor):
    suffix = "js" if visitor.javascript else "nojs"
    title = f"Repeat missing episodes ({suffix})"
    page = visitor.page
    visitor.sign_in("qa@riverside.example")
    draft = build_missing_episodes_tool(visitor, title, f"missing-episodes-{suffix}")

    # Preview as the police would see it.
    visitor.click_button("Preview", exact=True)
    page.get_by_label("Preview as an organisation of type").select_option("police")
    visitor.click_button("Start preview")
    assert "The return interview" in page.locator("h1").inner_text()
    _check(page.get_by_label("Partially in line"))
    _save(visitor)
    assert "Planning" in page.locator("h1").inner_text()
    page.get_by_label("Why was the interview not offered in time?").fill("No worker was free that weekend.")
    _save(visitor)
    check = page.locator("main").inner_text()
    assert "Check your answers" in check and "Partially in line" in check and "No worker was free" in check

    # Publish, and the new tool is offered for a new round.
    visitor.goto(draft)
    visitor.click_button("Check changes and publish", exact=True)
    visitor.click_button("Publish version 1")
    assert "Published" in page.locator(".govuk-notification-banner").inner_text()
    visitor.goto("/audits/new")
    assert f"{title} (version 1)" in page.locator("main").inner_text()
