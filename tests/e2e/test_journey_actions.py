"""Journey: an action's loop. Its owner marks it complete with a note, a file and a link; QA says "not yet" with a
reason; the owner sees the reason and completes it again; QA verifies it. Every page is checked with axe."""

from __future__ import annotations

import re

# One demo action per run (with and without JavaScript), each owned by an organisation whose lead signs in.
RUNS = {
    True: ("lead@riverside-police.riverside.example", "Brief detectives on recording the child's own words"),
    False: ("lead@riverside-council.riverside.example", "Introduce a checklist of agencies to invite"),
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _open_action(visitor, description: str) -> str:
    visitor.goto("/findings/actions")
    visitor.click(visitor.page.get_by_role("link", name=re.compile(re.escape(description))).first)
    assert re.search(r"/findings/actions/\d+$", visitor.path())
    return visitor.path()


def test_owner_completes_qa_sends_back_owner_completes_again_qa_verifies(visitor, tmp_path):
    lead, description = RUNS[visitor.javascript]
    evidence = tmp_path / "strategy-minutes.pdf"
    evidence.write_bytes(PDF)

    visitor.sign_in(lead)
    action = _open_action(visitor, description)
    visitor.click_button("Mark as complete")  # a link drawn as a button (GOV.UK start-style)
    visitor.click_button("Mark as complete")
    assert visitor.page.locator(".govuk-error-summary").is_visible(), "a completion note is required"
    if visitor.javascript:
        assert visitor.error_summary_focused()
    visitor.page.get_by_label("Completion note").fill("Checklist agreed with every agency and in use since May.")
    visitor.page.locator("input[type=file]").set_input_files(str(evidence))
    visitor.page.get_by_label("Link to evidence (optional)").fill("https://www.riverside.example/minutes")
    visitor.click_button("Mark as complete")
    assert visitor.path() == action
    page = visitor.page.locator("main").inner_text()
    assert "Awaiting verification" in page and evidence.name in page
    visitor.sign_out()

    visitor.sign_in("qa@riverside.example")
    visitor.goto(action)
    visitor.click_button("Verify this action")
    visitor.page.get_by_label("Not yet", exact=True).check(force=True)
    visitor.click_button("Save")
    assert visitor.page.locator(".govuk-error-summary").is_visible(), "not yet needs a reason"
    visitor.page.get_by_label("Not yet", exact=True).check(force=True)
    visitor.page.get_by_label("Comment or reason").fill("The minutes do not show the school was invited.")
    visitor.click_button("Save")
    assert visitor.path() == action
    visitor.sign_out()

    visitor.sign_in(lead)
    visitor.goto(action)
    banner = visitor.page.locator("#not-yet").inner_text()
    assert "Not yet verified" in banner and "the school was invited" in banner
    visitor.click_button("Mark as complete")
    visitor.page.get_by_label("Completion note").fill("Schools now invited to every discussion: see May minutes.")
    visitor.click_button("Mark as complete")
    visitor.sign_out()

    visitor.sign_in("qa@riverside.example")
    visitor.goto(action)
    visitor.click_button("Verify this action")
    visitor.page.get_by_label("Yes, verified").check(force=True)
    visitor.click_button("Save")
    main = visitor.page.locator("main").inner_text()
    assert "Action verified" in visitor.page.content() and "Verified" in main
    assert visitor.page.get_by_role("button", name="Verify this action").count() == 0
    visitor.goto("/findings/actions?status=verified")
    assert description[:40] in visitor.page.locator("main").inner_text()
