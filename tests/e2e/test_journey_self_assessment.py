"""Journey 2: an organisation lead completes a self-assessment, uploads evidence, and sends it for sign-off by the
organisation's leaders (who sign it off in tests/e2e/test_journey_signoff.py)."""

from __future__ import annotations

import pytest

from tests.e2e.questionnaire import answer_visible_questions

# Brookside Primary and Northgate College are the sign-off journey's; Millbrook waits for its sign-off in the demo.
LEADS = {
    True: [
        "lead@riverside-juniors-fc.riverside.example",
        "lead@riverside-homes.riverside.example",
    ],
    False: [
        "lead@st-columbas.riverside.example",
        "lead@riverside-homes.riverside.example",
    ],
}
EDITABLE = ("Not started", "In progress", "Returned")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _editable_return(visitor) -> str:
    for email in LEADS[visitor.javascript]:
        visitor.sign_in(email)
        visitor.goto("/self-assessment/my-returns")
        for row in visitor.page.locator("table tbody tr").all():
            if any(state in row.inner_text() for state in EDITABLE):
                return row.get_by_role("link").first.get_attribute("href")
        visitor.sign_out()
    pytest.fail("no demo organisation lead has a self-assessment to complete")


def _pending_sections(visitor) -> list[str]:
    pending = []
    for item in visitor.page.locator(".govuk-task-list__item").all():
        link = item.locator("a[href*='/sections/']")
        if link.count() and "Completed" not in item.locator(".govuk-task-list__status").inner_text():
            pending.append(link.get_attribute("href"))
    return list(dict.fromkeys(pending))


def test_lead_completes_self_assessment_with_an_upload_and_sends_it_for_signoff(visitor, tmp_path):
    evidence = tmp_path / "safeguarding-policy-2025.pdf"
    evidence.write_bytes(PDF)
    ret = _editable_return(visitor)
    visitor.goto(ret)
    sections = _pending_sections(visitor)
    assert sections, "the return has standards to complete"
    for index, href in enumerate(sections):
        visitor.goto(href)
        answer_visible_questions(
            visitor.page, "Policy reviewed by governors in September; training log kept.", skip_within=".app-new-action"
        )
        if index == 0:
            visitor.page.locator("input[type=file]").first.set_input_files(str(evidence))
        visitor.click_button("Save and continue", exact=True)
        if index == 0:
            visitor.goto(href)
            assert visitor.page.get_by_role("link", name=evidence.name).count() == 1, "the evidence file is listed"
    visitor.goto(ret)
    visitor.click_link("Check your answers and send for sign-off")
    assert evidence.name in visitor.page.content()

    visitor.click_button("Send for sign-off")
    assert visitor.page.locator(".govuk-error-summary").is_visible(), "submitting without the declaration"
    if visitor.javascript:
        assert visitor.error_summary_focused()
    visitor.page.locator("input[type=checkbox][name=confirmed]").check(force=True)
    visitor.page.locator("input[name=declaration_name]").fill("Jamie Football-Lead")
    visitor.click_button("Send for sign-off")
    assert visitor.page.locator(".govuk-panel__title").inner_text().strip() == "Self-assessment sent for sign-off"
