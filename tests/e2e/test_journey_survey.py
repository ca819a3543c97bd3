"""Journey 5: an organisation lead creates one-time response codes, and a practitioner answers the anonymous survey
through the organisation's link with one of them, without signing in; a spent code cannot answer again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.questionnaire import answer_visible_questions

LEADS = [
    "lead@oakfield-school.riverside.example",
    "lead@youth-trust.riverside.example",
    "lead@brookside-primary.riverside.example",
    "lead@northgate-college.riverside.example",
]
PUBLIC_LINK = re.compile(r"^https?://[^/]+(/survey/[^/?]+)$")
CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@pytest.fixture(scope="module")
def survey(browser, live_server):
    """(the link an organisation lead shares with their staff, codes the lead created), from the lead's pages."""
    for email in LEADS:
        # A browser of each lead's own: nothing of one lead's visit can reach the next one's.
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(live_server.base_url + "/sign-in")
            assert page.url.endswith("/sign-in"), f"/sign-in showed {page.url}: {page.title()}"
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill("demo-password")
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            page.goto(live_server.base_url + "/self-assessment/my-returns")
            for href in [a.get_attribute("href") for a in page.locator("table a").all()]:
                page.goto(live_server.base_url + href)
                links = [
                    m.group(1)
                    for a in page.locator("a[href*='/survey/']").all()
                    if (m := PUBLIC_LINK.match(a.get_attribute("href") or ""))
                ]
                if links:
                    page.get_by_role("link", name="Create response codes").click()
                    page.get_by_label("How many codes do you need?").fill("4")
                    page.get_by_role("button", name="Create response codes").click()
                    expect(page.get_by_role("link", name="Download the codes (CSV)")).to_be_visible()
                    codes = list(dict.fromkeys(CODE.findall(page.locator("main").inner_text())))
                    assert len(codes) == 4, "the codes are shown once, to print or download"
                    return links[0], codes
        finally:
            context.close()
    pytest.fail("no organisation lead has an open practitioner survey")


def test_practitioner_answers_the_survey_without_signing_in(visitor, survey):
    survey_path, codes = survey
    code = codes.pop()
    visitor.goto(survey_path)
    assert visitor.page.get_by_role("button", name="Sign out").count() == 0
    assert "We do not keep your name, your response code, your IP address" in visitor.page.inner_text("main")
    submit = visitor.page.locator("form button[type=submit], form input[type=submit]").last
    visitor.click(submit)
    summary = visitor.page.locator(".govuk-error-summary")
    assert summary.is_visible(), "an empty survey is refused with reasons"
    assert "Enter your response code" in summary.inner_text()
    if visitor.javascript:
        assert visitor.error_summary_focused()
    answer_visible_questions(visitor.page, "Supervision helps me think about risk.")
    visitor.page.get_by_label("Your response code").fill(code)
    visitor.click(visitor.page.locator("form button[type=submit], form input[type=submit]").last)
    assert re.search(r"/survey/[^/]+/thanks$", visitor.path()), visitor.path()
    assert "Sign in" in visitor.page.locator("header").inner_text()

    # the same code cannot answer again, even through the link that fills it in
    visitor.goto(f"{survey_path}?code={code}")
    assert visitor.page.get_by_label("Your response code").input_value() == code
    answer_visible_questions(visitor.page, "Supervision helps me think about risk.")
    visitor.click(visitor.page.locator("form button[type=submit], form input[type=submit]").last)
    assert "already been used" in visitor.page.locator(".govuk-error-summary").inner_text()
    assert not visitor.path().endswith("/thanks")


def test_lead_sees_results_only_once_the_survey_has_closed(visitor):
    # Oakfield School closed its survey in the demo: its frozen results show, with nothing below the minimum
    visitor.sign_in("lead@oakfield-school.riverside.example")
    visitor.goto("/self-assessment/my-returns")
    visitor.click_link("2025-26")
    visitor.click_link("See the results")
    main = visitor.page.inner_text("main")
    assert "These figures were worked out once, when the survey closed" in main
    assert visitor.page.locator("table tbody tr").count() > 5
    visitor.sign_out()
    # Brookside Primary's is open: no figures, no closing yet, but codes can be created
    visitor.sign_in("lead@brookside-primary.riverside.example")
    visitor.goto("/self-assessment/my-returns")
    visitor.click_link("2025-26")
    visitor.click_link("About the results")
    main = visitor.page.inner_text("main")
    assert "The survey is still open" in main and "%" not in main
    assert visitor.page.get_by_role("button", name="Close the survey and see the results").count() == 0
    visitor.page.go_back()
    visitor.click_link("Create response codes")
    visitor.click_button("Create response codes")
    assert "Enter how many codes you need" in visitor.page.locator(".govuk-error-summary").inner_text()
