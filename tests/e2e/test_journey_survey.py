"""Journey 5: a practitioner answers the anonymous survey through their organisation's link, without signing in."""
from __future__ import annotations

import re

import pytest

from tests.e2e.questionnaire import answer_visible_questions

LEADS = ["lead@oakfield-school.riverside.example", "lead@youth-trust.riverside.example",
         "lead@brookside-primary.riverside.example", "lead@northgate-college.riverside.example"]


@pytest.fixture(scope="module")
def survey_path(browser, live_server):
    """The link an organisation lead shares with their staff, read from the lead's own return page."""
    context = browser.new_context()
    page = context.new_page()
    try:
        for email in LEADS:
            page.goto(live_server.base_url + "/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill("demo-password")
            page.get_by_role("button", name="Sign in").click()
            page.goto(live_server.base_url + "/self-assessment/my-returns")
            for href in [a.get_attribute("href") for a in page.locator("table a").all()]:
                page.goto(live_server.base_url + href)
                links = page.locator("a[href*='/survey/']")
                if links.count():
                    return re.sub(r"^https?://[^/]+", "", links.first.get_attribute("href"))
            context.clear_cookies()
    finally:
        context.close()
    pytest.fail("no organisation lead has a practitioner survey link")


def test_practitioner_answers_the_survey_without_signing_in(visitor, survey_path):
    visitor.goto(survey_path)
    assert visitor.page.get_by_role("button", name="Sign out").count() == 0
    submit = visitor.page.locator("form button[type=submit], form input[type=submit]").last
    visitor.click(submit)
    assert visitor.page.locator(".govuk-error-summary").is_visible(), "an empty survey is refused with reasons"
    if visitor.javascript:
        assert visitor.error_summary_focused()
    answer_visible_questions(visitor.page, "Supervision helps me think about risk.")
    visitor.click(visitor.page.locator("form button[type=submit], form input[type=submit]").last)
    assert re.search(r"/survey/[^/]+/thanks$", visitor.path()), visitor.path()
    assert "Sign in" in visitor.page.locator("header").inner_text()
