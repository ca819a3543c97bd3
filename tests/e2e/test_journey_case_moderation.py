"""Journey: QA, chairing a moderation panel, opens a case of the round in moderation, reads the summary of where the
agencies disagree, follows its jump link to one disagreement, agrees a rating for it and saves; the agreed questions
stay folded away. Axe checks every page reached; a screenshot of the moderation page is kept (E2E_SCREENSHOTS names
a folder to keep it in, otherwise the test's own).

Case CR-000302 (already moderated once) is the one changed: CR-000303 must stay unmoderated for the live concern
journey, which closes the round afterwards."""

from __future__ import annotations

import os
import re
from pathlib import Path

QA = "qa@riverside.example"
ROUND = "Child protection conference reports"
REFERENCE = "CR-000302"


def test_panel_jumps_to_a_disagreement_agrees_it_and_saves(visitor, tmp_path):
    page = visitor.page
    visitor.sign_in(QA)
    visitor.goto("/audits/")
    visitor.click_link(ROUND)
    round_path = visitor.path()
    visitor.click_link(REFERENCE, exact=True)
    visitor.click_link("Moderate this case")
    assert visitor.path().endswith("/moderate"), visitor.path()
    moderation_path = visitor.path()

    summary = page.locator("[data-summary=disagreements]")
    rows = summary.locator("tbody tr")
    assert rows.count() >= 1, "the page opens with the questions the agencies disagree on"
    first = rows.first
    key = first.get_attribute("data-question")
    question = first.get_by_role("link").inner_text()
    answers = first.locator("td").first.inner_text()
    assert re.search(r": \d+ agenc(y|ies)", answers), answers

    # Questions every agency agreed on are folded away; disagreements are shown in full.
    folded = page.locator("details[data-fold]:not([open])")
    assert folded.count() >= 3
    assert not folded.first.locator("table").is_visible()
    block = page.locator(f"#question-{key}")
    assert block.locator("details[data-fold]").count() == 0

    directory = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = "js" if visitor.javascript else "nojs"
    page.screenshot(path=str(directory / f"case-moderation-{suffix}.png"), full_page=True)

    first.get_by_role("link").click()
    assert page.url.endswith(f"#question-{key}")
    radios = block.get_by_role("group", name="Agreed rating")
    assert radios.is_visible() and block.is_visible()
    box = block.bounding_box()
    assert box["y"] < page.viewport_size["height"] and box["y"] + box["height"] > 0, "the jump brings it into view"
    options = radios.get_by_role("radio")
    choice = next(
        options.nth(i)
        for i in range(options.count())
        if not options.nth(i).is_checked() and options.nth(i).is_enabled()
    )
    label = block.locator(f"label[for='{choice.get_attribute('id')}']").inner_text().strip()
    choice.check()
    block.get_by_label("Panel’s comment (optional)").fill(f"Panel agreed “{label}” after hearing each agency.")
    visitor.click_button("Save moderation")
    assert f"Moderation of case {REFERENCE} saved." in page.locator(".govuk-notification-banner").inner_text()

    visitor.goto(moderation_path)
    row = page.locator(f"[data-summary=disagreements] tr[data-question='{key}']")
    assert question in row.inner_text()
    assert row.locator("td").last.inner_text().strip() == label, "the summary shows the rating the panel agreed"
    assert block.get_by_role("radio", name=label, exact=True).is_checked()
    visitor.goto(round_path)
