"""Journey: the lead completes the self-assessment and sends it for sign-off; each leader signs it off with their
password (the first try without one is refused); after the last sign-off the return is submitted.

With JavaScript: Brookside Primary School (headteacher, then chair of governors).
Without: Northgate College (its chief executive)."""

from __future__ import annotations

import re

from tests.e2e.questionnaire import answer_visible_questions

ORGS = {
    True: {
        "lead": ("lead@brookside-primary.riverside.example", "Avery Brookside-Lead"),
        "signatories": ["head@brookside-primary.riverside.example", "chair@brookside-primary.riverside.example"],
    },
    False: {
        "lead": ("lead@northgate-college.riverside.example", "Riley Northgate-Lead"),
        "signatories": ["ceo@northgate-college.riverside.example"],
    },
}


def _pending_sections(visitor) -> list[str]:
    pending = []
    for item in visitor.page.locator(".govuk-task-list__item").all():
        link = item.locator("a[href*='/sections/']")
        if link.count() and "Completed" not in item.locator(".govuk-task-list__status").inner_text():
            pending.append(link.get_attribute("href"))
    return list(dict.fromkeys(pending))


def test_leaders_sign_off_the_return_and_it_is_submitted(visitor):
    org = ORGS[visitor.javascript]
    email, name = org["lead"]
    visitor.sign_in(email)
    visitor.goto("/self-assessment/my-returns")
    ret = visitor.page.locator("table tbody tr").first.get_by_role("link").first.get_attribute("href")
    visitor.goto(ret)
    for href in _pending_sections(visitor):
        visitor.goto(href)
        answer_visible_questions(
            visitor.page, "Safeguarding policy approved by the governors in October.", skip_within=".app-new-action"
        )
        visitor.click_button("Save and continue", exact=True)
    visitor.goto(ret)
    visitor.click_link("Check your answers and send for sign-off")
    visitor.page.locator("input[type=checkbox][name=confirmed]").check(force=True)
    visitor.page.locator("input[name=declaration_name]").fill(name)
    visitor.click_button("Send for sign-off")
    assert visitor.page.locator(".govuk-panel__title").inner_text().strip() == "Self-assessment sent for sign-off"
    visitor.goto(ret)
    assert "Awaiting sign-off" in visitor.page.locator("main").inner_text()
    visitor.sign_out()

    for index, signatory in enumerate(org["signatories"]):
        visitor.sign_in(signatory)
        visitor.goto("/self-assessment/my-returns")
        visitor.click_link("Sign it off")
        sign = visitor.page.get_by_role("button", name=re.compile(r"^Sign off as "))
        visitor.click(sign)
        assert visitor.page.locator(".govuk-error-summary").is_visible(), "signing off needs the password"
        if visitor.javascript:
            assert visitor.error_summary_focused()
        visitor.page.get_by_label("Your password", exact=True).fill("demo-password")
        visitor.click(visitor.page.get_by_role("button", name=re.compile(r"^Sign off as ")))
        banner = visitor.page.locator(".govuk-notification-banner").inner_text()
        last = index == len(org["signatories"]) - 1
        assert ("it has been submitted" in banner) == last, banner
        visitor.sign_out()

    visitor.sign_in(email)
    visitor.goto(ret)
    main = visitor.page.locator("main").inner_text()
    assert "Submitted on" in main and "Signed off by" in main
