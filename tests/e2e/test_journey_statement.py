"""Journey 3: a statement is drafted, the QA group checks it, two signatories sign it, it appears on the public
register, and a member of staff confirms they have read it.

With JavaScript: Oakfield School's first statement (risk assessment, draft, headteacher and chair of governors); QA
sends it back with reasons first, the lead changes it and sends it again, then QA approves it.
Without: Riverside Youth Trust changes its statement in force (chief executive and chair of trustees); QA approves
it at once."""

from __future__ import annotations

import re

from urllib.parse import urlsplit

from tests.e2e.questionnaire import answer_visible_questions

ORGS = {
    True: {
        "slug": "oakfield-school",
        "name": "Oakfield School",
        "lead": "lead@oakfield-school.riverside.example",
        "signatories": ["head@oakfield-school.riverside.example", "chair@oakfield-school.riverside.example"],
    },
    False: {
        "slug": "youth-trust",
        "name": "Riverside Youth Trust",
        "lead": "lead@youth-trust.riverside.example",
        "signatories": ["ceo@youth-trust.riverside.example", "chair@youth-trust.riverside.example"],
    },
}
QA = "qa@riverside.example"
REASONS = "Say how staff report a concern out of hours."
CHANGED = "Out of hours, staff call the duty safeguarding lead on 01632 960002."
MARKER = {
    True: "We listen to pupils through the school council and worry boxes.",
    False: "Young people help review this statement every year.",
}


def _draft_first_statement(visitor):
    """Risk assessment, then a new statement from the start page."""
    visitor.goto("/statements/manage/risk-assessment")
    visitor.click_link("Add a risk")
    answer_visible_questions(visitor.page, "Unsupervised access during after-school clubs.")
    visitor.click(visitor.page.locator("form button[type=submit], form input[type=submit]").last)
    assert "Risk added" in visitor.page.locator(".govuk-notification-banner").inner_text()
    visitor.goto("/statements/manage/start")
    visitor.click_button("Start now")


def _draft_new_version(visitor):
    """Make changes to the statement in force: a new draft version, pre-filled."""
    visitor.goto("/statements/manage")
    visitor.click(visitor.page.locator("a[href^='/statements/manage/']").filter(has_text="Version").first)
    visitor.click_button("Make changes")


def test_two_signatories_sign_and_the_statement_is_published(visitor):
    org = ORGS[visitor.javascript]
    visitor.sign_in(org["lead"])
    (_draft_first_statement if visitor.javascript else _draft_new_version)(visitor)
    statement_page = visitor.path()
    assert re.search(r"/statements/manage/\d+$", statement_page), statement_page
    links = [a.get_attribute("href") for a in visitor.page.locator("#sections a, .govuk-task-list a").all()]
    for index, href in enumerate(dict.fromkeys(links)):
        visitor.goto(href)
        box = visitor.page.locator("textarea").first
        if index == 0:
            box.fill(MARKER[visitor.javascript])
        answer_visible_questions(visitor.page, "Our designated safeguarding lead reviews this every term.")
        visitor.click_button("Save and continue", exact=True)
    visitor.goto(statement_page)
    _send_to_be_checked(visitor)
    visitor.sign_out()

    if visitor.javascript:
        _qa_sends_back(visitor, org["name"])
        visitor.sign_in(org["lead"])
        visitor.goto(statement_page)
        banner = visitor.page.locator(".govuk-notification-banner").inner_text()
        assert REASONS in banner, banner
        visitor.goto(statement_page + "/sections/measures_in_place")
        visitor.page.locator("textarea").first.fill(CHANGED)
        visitor.click_button("Save and come back later", exact=True)
        _send_to_be_checked(visitor)
        visitor.sign_out()
    _qa_approves(visitor, org["name"])

    for email in org["signatories"]:
        visitor.sign_in(email)
        visitor.goto("/statements/manage")
        visitor.click(visitor.page.get_by_role("link", name=re.compile(r"Read and sign version")).first)
        visitor.click(visitor.page.get_by_role("button", name=re.compile(r"^Sign as ")))
        assert visitor.page.locator(".govuk-error-summary").is_visible(), "signing needs the password"
        if visitor.javascript:
            assert visitor.error_summary_focused()
        password = visitor.page.get_by_label("Your password", exact=True)
        password.fill("demo-password")
        visitor.click(visitor.page.get_by_role("button", name=re.compile(r"^Sign as ")))
        assert visitor.page.locator(".govuk-panel").count() == 1
        visitor.sign_out()

    visitor.goto("/statements/")
    assert org["name"] in visitor.page.locator("main").inner_text()
    visitor.goto(f"/statements/{org['slug']}")
    public = visitor.page.locator("main").inner_text()
    assert MARKER[visitor.javascript] in public
    assert public.count("Signed") >= 1 or "signed" in public.lower()
    if visitor.javascript:
        assert CHANGED in public
    _staff_member_confirms_reading(visitor)


def _send_to_be_checked(visitor):
    visitor.click_link("Preview and send to be checked")
    visitor.click_button("Send to be checked")
    assert "Waiting for QA check" in visitor.page.content()


def _open_check(visitor, name: str):
    visitor.sign_in(QA)
    visitor.goto("/statements/checks")
    visitor.click(visitor.page.get_by_role("link", name=re.compile(rf"^Check {re.escape(name)}")).first)


def _qa_sends_back(visitor, name: str):
    _open_check(visitor, name)
    visitor.click_button("Send back to the organisation")
    assert visitor.page.locator(".govuk-error-summary").is_visible(), "sending back needs reasons"
    assert visitor.error_summary_focused()
    visitor.page.get_by_label("What needs to change?").fill(REASONS)
    visitor.click_button("Send back to the organisation")
    assert "sent back to its lead" in visitor.page.locator(".govuk-notification-banner").inner_text()
    visitor.sign_out()


def _qa_approves(visitor, name: str):
    _open_check(visitor, name)
    visitor.click_button("Approve for signatures")
    assert "is approved" in visitor.page.locator(".govuk-notification-banner").inner_text()
    visitor.sign_out()


def _staff_member_confirms_reading(visitor):
    """The public statement's short link (also drawn as a QR code) leads to the read confirmation page."""
    assert visitor.page.locator(".app-read-link svg").count() == 1
    link = visitor.page.locator(".app-read-link a").first.get_attribute("href")
    visitor.goto(urlsplit(link).path)
    visitor.click_button("Confirm I have read it")
    assert visitor.page.locator(".govuk-error-summary").is_visible(), "the confirmation box must be ticked"
    visitor.page.get_by_label("Your first name (optional)").fill("Robin")
    visitor.page.get_by_label("I have read this Child Safeguarding Statement").check()
    visitor.click_button("Confirm I have read it")
    assert visitor.page.locator(".govuk-panel").count() == 1
