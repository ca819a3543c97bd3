"""SMTP down: the change that causes an email still commits, its email waits in the outbox, and
once the mail server is back the delivery worker sends it exactly once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.notifications import services as notifications
from app.notifications.models import OutboxMessage, Reminder
from app.utils import today


@pytest.fixture
def due_reminder():
    item = notifications.DueReminder(
        kind="fault_test_due",
        target_type="audit_round",
        target_id=424242,
        due_date=today(),
        recipient="lead@fault-test.example",
        subject="Your case audit is due",
        body="Please finish CR-000123.",
    )

    def provider(on):
        return [item]

    notifications.register_reminder_provider(provider)
    yield item
    notifications._providers.remove(provider)


def _queued(db, item) -> int:
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(Reminder)
        .where(Reminder.kind == item.kind, Reminder.target_id == item.target_id)
    ).scalar_one()


def _message(db, item) -> OutboxMessage:
    return db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.recipient == item.recipient)).scalar_one()


def test_with_smtp_down_the_reminder_still_commits_and_its_email_waits(app, db, runner, due_reminder, smtp_down):
    queued = runner.invoke(args=["reminders", "send"])
    assert queued.exit_code == 0
    assert f"queued {due_reminder.kind} to {due_reminder.recipient}" in queued.output
    assert _queued(db, due_reminder) == 1
    failed = runner.invoke(args=["mail", "deliver"])
    assert failed.exit_code == 1
    assert f"NOT SENT email {_message(db, due_reminder).id} to {due_reminder.recipient}" in failed.output
    message = _message(db, due_reminder)
    assert (message.state, message.attempts, message.sent_at) == ("pending", 1, None)
    assert message.next_attempt_at > message.created_at


def test_with_smtp_back_the_waiting_email_is_sent_once(app, db, runner, due_reminder, smtp_down, request):
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    assert runner.invoke(args=["mail", "deliver"]).exit_code == 1
    server = request.getfixturevalue("smtp_server")  # the mail server comes back, and the retry falls due
    message = _message(db, due_reminder)
    message.next_attempt_at = message.created_at
    db.session.commit()
    sent = runner.invoke(args=["mail", "deliver"])
    assert sent.exit_code == 0 and f"sent email {message.id} to {due_reminder.recipient}" in sent.output
    assert [m["Subject"] for m in server.received if m["To"] == due_reminder.recipient] == [due_reminder.subject]
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    again = runner.invoke(args=["mail", "deliver"])
    assert "sent email" not in again.output
    assert len([m for m in server.received if m["To"] == due_reminder.recipient]) == 1
    assert _queued(db, due_reminder) == 1 and _message(db, due_reminder).state == "sent"
