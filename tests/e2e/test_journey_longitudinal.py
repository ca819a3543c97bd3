"""Journey: QA follows a child across rounds and reads the learning re-tested in the summer re-audit."""

from __future__ import annotations

import re


def test_qa_links_an_earlier_case_and_reads_the_learning_retested(visitor):
    visitor.sign_in("qa@riverside.example")
    visitor.goto("/findings/")
    visitor.click_link("Re-audit: strategy discussions – summer 2026")
    retested = visitor.page.locator("table", has=visitor.page.locator("caption", has_text="Criteria re-tested"))
    assert retested.locator("tbody tr").count() == 2
    assert retested.get_by_text("Yes", exact=True).count() == 1
    assert retested.get_by_text("Not yet", exact=True).count() == 1

    round_id = re.search(r"/findings/rounds/(\d+)", visitor.path()).group(1)
    visitor.goto(f"/audits/{round_id}")
    visitor.click_link("CR-000401")
    visitor.page.get_by_label("Case reference in the earlier round").fill("CR-000999")
    visitor.click_button("Link the earlier case")
    assert visitor.page.locator(".govuk-error-summary").is_visible()
    if visitor.javascript:
        assert visitor.error_summary_focused()
    visitor.page.get_by_label("Case reference in the earlier round").fill("CR-000103")
    visitor.click_button("Link the earlier case")
    earlier = visitor.page.locator("#earlier-audit + dl")
    assert "Strategy discussions – spring 2026" in earlier.inner_text()
    assert "Agreed grade" in earlier.inner_text()
    visitor.click_button("Remove the link to the earlier case")  # leaves the demo as it was for other journeys
    assert visitor.page.get_by_role("button", name="Link the earlier case").is_visible()
