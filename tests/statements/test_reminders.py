"""`flask reminders send`: reviews coming due, and signatures still awaited."""

from __future__ import annotations

from datetime import timedelta

from app.utils import today
from tests import factories
from tests.statements.factories import in_force_statement, make_people, sent_statement


def _subjects(smtp_server, user):
    return [" ".join(str(m["Subject"]).split()) for m in smtp_server.messages if m["To"] == user.email]


def test_awaited_signatures_are_reminded_once_to_each_signatory_still_to_sign(runner, smtp_server, db):
    from app.statements import services

    people = make_people(org_type="school")
    statement = sent_statement(people)
    services.sign_statement(
        statement, people.signatory("headteacher"), password=factories.PASSWORD, shown_hash=statement.content_hash
    )
    db.session.commit()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    chair = people.signatory("chair_of_governors")
    assert _subjects(smtp_server, chair) == [f"Please sign the Child Safeguarding Statement of {people.org.name}"]
    body = smtp_server.bodies_to(chair.email)[0]
    assert "chair of governors" in body
    assert _subjects(smtp_server, people.signatory("headteacher")) == []

    smtp_server.clear()
    runner.invoke(args=["reminders", "send"])
    assert _subjects(smtp_server, chair) == []


def test_reviews_due_within_90_days_and_overdue_go_to_leads_and_signatories(runner, smtp_server, db):
    soon = make_people(org_type="charity")
    soon_statement = in_force_statement(soon)
    soon_statement.review_due = today() + timedelta(days=80)
    late = make_people(org_type="other")
    late_statement = in_force_statement(late)
    late_statement.review_due = today() - timedelta(days=3)
    fine = make_people(org_type="other")
    in_force_statement(fine)
    db.session.commit()

    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    for user in [soon.lead, *soon.signatories.values()]:
        (subject,) = _subjects(smtp_server, user)
        assert subject.startswith("Child Safeguarding Statement review is due") and soon.org.name in subject
    for user in [late.lead, *late.signatories.values()]:
        (subject,) = _subjects(smtp_server, user)
        assert subject.startswith("Child Safeguarding Statement review was due")
    for user in [fine.lead, *fine.signatories.values()]:
        assert _subjects(smtp_server, user) == []

    smtp_server.clear()
    runner.invoke(args=["reminders", "send"])
    assert smtp_server.messages == []
