"""Journey: QA finds the overdue actions escalated to them on the tracker and opens one to see when it climbed."""

from __future__ import annotations

import re


def test_qa_filters_the_tracker_to_escalated_actions_and_reads_the_escalation(visitor):
    visitor.sign_in("qa@riverside.example")
    visitor.goto("/findings/actions")
    visitor.page.get_by_label("Escalated only").check()
    visitor.click_button("Apply filters")
    assert "escalated=y" in visitor.path()
    rows = visitor.page.locator("tbody tr")
    assert rows.count() >= 1
    assert rows.filter(has_text="Escalated to executive").count() == 1, "the demo's longest-overdue action"
    assert rows.filter(has_text="Escalated to QA").count() >= 1
    visitor.click(rows.filter(has_text="Escalated to executive").locator("a").first)
    assert re.search(r"/findings/actions/\d+$", visitor.path())
    assert visitor.page.locator("h2#escalation").is_visible()
    text = visitor.page.locator("main").inner_text()
    assert re.search(r"Escalated to the partnership executive on \d{1,2} \w+ \d{4}", text)
    assert re.search(r"Escalated to the QA sub-group on \d{1,2} \w+ \d{4}", text)
    assert "Owner organisation reminded on" in text
