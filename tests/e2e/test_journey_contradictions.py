"""Journey: QA opens the assurance contradictions, the agenda of a challenge event, and raises a challenge on an
organisation's return from one of its lines, with the form filled in from the line."""

from __future__ import annotations

import re

CARD = "Riverside Health NHS Trust: Timeliness"


def test_qa_raises_a_challenge_from_a_contradiction(visitor):
    visitor.sign_in("qa@riverside.example")
    visitor.goto("/findings/")
    visitor.click_link("Assurance contradictions")
    assert visitor.path().startswith("/findings/contradictions")
    card = visitor.page.locator(".govuk-summary-card").filter(has_text=CARD)
    assert card.count() == 1, "the demo's audited contradiction is listed"
    assert "its practice fell short of the standard in" in card.inner_text()

    visitor.click(card.get_by_role("link", name=re.compile("Raise a challenge")))
    assert visitor.page.get_by_role("heading", name="Challenge a rating: Timeliness").is_visible()
    reason = visitor.page.get_by_label("Reason for the challenge").input_value()
    assert reason.startswith("Rated Green on ‘Timeliness’"), "the reason is filled in from the line"
    visitor.page.get_by_role("radio", name="Red", exact=True).check()
    visitor.click_button("Save challenge")

    assert visitor.path().startswith("/findings/contradictions")
    assert "Challenge recorded on the return of Riverside Health NHS Trust" in visitor.page.inner_text("main")
    card = visitor.page.locator(".govuk-summary-card").filter(has_text=CARD)
    assert "agreed Red after challenge" in card.inner_text()
