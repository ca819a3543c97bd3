"""Journey: QA drafts a learning briefing from round 1's agreed findings, edits a section (the character count
counts), previews, publishes it (confirmation page) and sends it to the leads of schools; the briefing's print
view fits one A4 page; Oakfield School's lead, emailed a link, confirms they have cascaded it, and QA's table shows
who confirmed. Axe checks every page reached."""

from __future__ import annotations

import re

import sqlalchemy as sa

QA = "qa@riverside.example"
LEAD = "lead@oakfield-school.riverside.example"
TITLE = "7-minute briefing: inviting schools to strategy discussions"
ROUND = "Strategy discussions – spring 2026"  # demo round 1: 6 cases, 3 agencies


def _emails(database_url: str, recipient: str) -> list[str]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    sa.text("SELECT body FROM mail_outbox WHERE recipient = :r AND subject LIKE :s"),
                    {"r": recipient, "s": f"%{TITLE}%"},
                ).scalars()
            )
    finally:
        engine.dispose()


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_qa_drafts_publishes_and_sends_a_briefing_and_a_lead_confirms(visitor_factory, live_server):
    qa = visitor_factory(True)
    page = qa.page
    qa.sign_in(QA)
    qa.click_link("Learning briefings", exact=True)
    qa.click_button("Draft a briefing from a round")
    qa.click_button("Draft the briefing")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Which audit round is the briefing about?").select_option(label=ROUND)
    qa.click_button("Draft the briefing")
    assert "/edit" in qa.path()
    assert "6 cases by 3 agencies" in page.get_by_label("What we looked at").input_value()

    page.get_by_label("Title").fill(TITLE)
    found = page.get_by_label("What we found")
    found.fill("- Schools were invited to 1 of 6 strategy discussions.\n- Police shared information the same day.")
    count = page.locator(".govuk-character-count", has=found).locator(".govuk-character-count__status")
    assert re.search(r"\d+ characters remaining", count.inner_text())
    qa.click_button("Save and preview")
    assert "Briefing saved" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("li", has_text="Schools were invited to 1 of 6").is_visible()
    briefing_path = qa.path()

    qa.click_button("Publish", exact=True)
    qa.click_button("Publish the briefing")
    assert "Briefing published" in page.locator(".govuk-panel").inner_text()

    qa.click_button("Send to organisation leads")
    page.get_by_label("The leads of organisations of chosen types").check()
    page.get_by_label("School", exact=True).check()
    qa.click_button("Send the briefing")
    assert "Sent to the leads of 2 organisations" in page.locator(".govuk-notification-banner").inner_text()
    table = page.locator("#organisations ~ table").first
    assert table.locator("tr", has_text="Oakfield School").locator(".govuk-tag").inner_text() == "Not yet confirmed"

    qa.click_link("Print this briefing on one page")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert _pdf_pages(pdf) == 1, "the briefing prints on one A4 page"
    qa.context.close()

    emails = _emails(live_server.database_url, LEAD)
    assert len(emails) == 1 and briefing_path in emails[0]

    lead = visitor_factory(True)
    page = lead.page
    lead.sign_in(LEAD)
    lead.goto(briefing_path)
    lead.click_button("We have cascaded this to our staff")
    assert "your organisation has cascaded" in page.locator(".govuk-notification-banner").inner_text()
    assert "Morgan Oakfield-Lead confirmed on" in page.locator("main").inner_text()
    lead.context.close()

    qa = visitor_factory(True)
    qa.sign_in(QA)
    qa.goto(briefing_path)
    row = qa.page.locator("#organisations ~ table").first.locator("tr", has_text="Oakfield School")
    assert "Confirmed by Morgan Oakfield-Lead on" in " ".join(row.inner_text().split())
