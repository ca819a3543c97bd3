"""Journey: a campaign through its year. QA is asked to confirm before closing the campaign (and cancels), gives an
organisation an extension with a reason, and filters the triangulation; an organisation lead sees a criterion's
rating at submission beside its current rating after re-rating it."""

from __future__ import annotations

from datetime import date, timedelta

CAMPAIGN = "Annual safeguarding self-assessment 2025-26"


def _open_campaign(visitor):
    visitor.sign_in("qa@riverside.example")
    visitor.goto("/self-assessment/campaigns")
    return visitor.click_link(CAMPAIGN)


def test_qa_confirms_before_closing_and_gives_an_extension(visitor):
    page = _open_campaign(visitor)
    campaign_path = visitor.path()
    visitor.click_button("Close the campaign")
    assert "Are you sure you want to close the campaign?" in page.inner_text("main")
    visitor.click_link("Cancel")
    assert visitor.path() == campaign_path
    assert "Close the campaign" in page.inner_text("main"), "the campaign is still open"

    visitor.click_link("Brookside Primary School")
    visitor.click(page.locator("a[href$='/extension']"))  # "Give an extension", or "Change the extension" once given
    for box in ("day", "month", "year"):  # an extension given earlier fills the form in
        page.locator(f"#extended_to-{box}").fill("")
    visitor.click_button("Give extension")
    assert visitor.error_summary_focused() or not visitor.javascript
    assert "Enter the new date the return is due" in page.inner_text(".govuk-error-summary")
    when = date.today() + timedelta(days=90)
    page.locator("#extended_to-day").fill(str(when.day))
    page.locator("#extended_to-month").fill(str(when.month))
    page.locator("#extended_to-year").fill(str(when.year))
    page.get_by_label("Reason for the extension").fill("The school is merging with another on 1 April.")
    visitor.click_button("Give extension")
    main = page.inner_text("main")
    assert "now has until" in main and "The school is merging with another on 1 April." in main

    visitor.goto(campaign_path)
    visitor.click_link("Triangulation with the practitioner survey")
    page.get_by_label("Show").select_option("amber_red")
    visitor.click_button("Filter")
    assert "show=amber_red" in visitor.path()
    visitor.click_link("Clear filters")


def test_lead_sees_the_rating_at_submission_beside_the_current_one(visitor):
    visitor.sign_in("lead@youth-trust.riverside.example")
    visitor.goto("/self-assessment/my-returns")
    page = visitor.click_link(CAMPAIGN)
    visitor.click_link("Ratings during the year")
    table = page.inner_text("table")
    assert "At submission" in table and "Current" in table and "Not re-rated" in table
    assert page.locator("table .govuk-tag--green").count() > 0
