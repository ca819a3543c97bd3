"""Journey: a police auditor scoring a case in moderation finds the child may be at risk now and raises a live
concern; QA and the council's (lead agency's) lead are emailed at once with the reference and a link only; the round
cannot close while the concern is open; QA records the owner and the outcome, closes the concern, then the round,
and the round page counts the case as escalated. Axe checks every page reached."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.utils import new_figures_token
from tests.e2e.questionnaire import _check

AUDITOR = "auditor.police@riverside.example"
QA = "qa@riverside.example"
COUNCIL_LEAD = "lead@riverside-council.riverside.example"
ROUND = "Child protection conference reports"
REFERENCE = "CR-000303"  # the case the panel has not moderated yet
RISK = "The conference report mentions a new adult in the home who has not been checked; the child is 7."


def _fill_date(page, legend: str, when: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))


def _emails(database_url: str) -> list[tuple[str, str, str]]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    sa.text("SELECT recipient, subject, body FROM mail_outbox WHERE subject LIKE :s"),
                    {"s": f"%{REFERENCE}%"},
                )
            ]
    finally:
        engine.dispose()


@pytest.fixture
def round_put_back(live_server):
    """This journey closes the demo round the moderation journey moderates a case of, and a closed round stays
    closed; afterwards the round is put back in moderation as the demo left it, so that neither journey depends on
    which of them runs first."""
    yield
    engine = sa.create_engine(live_server.database_url)
    try:
        with engine.begin() as connection:
            round_id = connection.execute(
                sa.text("SELECT id FROM audit_round WHERE title LIKE :title"), {"title": f"{ROUND}%"}
            ).scalar_one()
            connection.execute(
                sa.text(
                    "UPDATE audit_round SET state = 'moderation', closed_at = NULL, figures_token = :t WHERE id = :id"
                ),
                {"t": new_figures_token(), "id": round_id},
            )
            connection.execute(
                sa.text("UPDATE audit_case SET not_moderated_reason = NULL WHERE round_id = :id"), {"id": round_id}
            )
    finally:
        engine.dispose()


def test_auditor_raises_a_live_concern_qa_closes_it_and_the_round(visitor_factory, live_server, round_put_back):
    auditor = visitor_factory(True)
    page = auditor.page
    auditor.sign_in(AUDITOR)
    auditor.goto("/audits/tasks")
    auditor.click(page.locator("tr", has_text=REFERENCE).get_by_role("link").first)
    auditor.click_button("Raise a live concern")
    auditor.click_button("Raise the concern")
    assert page.locator(".govuk-error-summary").is_visible()
    assert auditor.error_summary_focused()
    page.get_by_label("What is the risk to the child now?").fill(RISK)
    auditor.click_button("Raise the concern")
    assert "emailed" in page.locator(".govuk-notification-banner").inner_text()
    concern_path = auditor.path()
    assert RISK in page.locator("main").inner_text()
    auditor.context.close()

    emails = _emails(live_server.database_url)
    assert {QA, COUNCIL_LEAD} <= {recipient for recipient, _, _ in emails}
    for _recipient, _subject, body in emails:
        assert concern_path in body
        assert "new adult" not in body, "the email carries the reference and a link, never the details"

    qa = visitor_factory(True)
    page = qa.page
    qa.sign_in(QA)
    qa.goto("/audits/")
    qa.click_link(ROUND)
    round_path = qa.path()
    qa.click_button("Close the round")
    assert f"Live concern on case {REFERENCE}" in page.locator("main").inner_text()
    page.get_by_label(f"Why was case {REFERENCE} not moderated?").fill("The concern came first; moderated next round.")
    qa.click_button("Close the round")
    assert "before closing the round" in page.locator(".govuk-error-summary").inner_text()

    qa.click_link(f"Live concern on case {REFERENCE}", exact=True)
    assert qa.path() == concern_path
    qa.click_button("Record owner and outcome")
    page.get_by_label("Who owns the concern").fill("Sky Council-Lead, children's services safeguarding lead")
    _check(page.get_by_label("Yes", exact=True))
    page.get_by_label("Escalated to (if escalated)").fill("Riverside children's social care front door (MASH)")
    _fill_date(page, "Date escalated (if escalated)", date.today())
    page.get_by_label("Outcome").fill("Checks made the same day; the adult has moved out and a safety plan is agreed.")
    qa.click_button("Save")
    summary = page.locator("main").inner_text()
    assert "Escalated to Riverside children's social care front door (MASH)" in summary
    qa.click_button("Close the concern")
    assert "cannot be reopened" in page.locator("main").inner_text()
    qa.click_button("Close the concern")
    assert "is closed" in page.locator(".govuk-notification-banner").inner_text()

    qa.goto(round_path)
    assert "1 of 3 cases was escalated as live concerns." in page.locator("main").inner_text()
    qa.click_button("Close the round")
    page.get_by_label(f"Why was case {REFERENCE} not moderated?").fill("The concern came first; moderated next round.")
    qa.click_button("Close the round")
    assert "is closed" in page.locator(".govuk-notification-banner").inner_text()
