"""`flask reminders send`: each reminder is queued once with its outbox email, dry runs queue nothing, and the
outbox (`flask mail deliver`) retries a send that failed."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.notifications import services
from app.notifications.models import Reminder
from app.notifications.services import DueReminder


@pytest.fixture
def one_due_reminder():
    item = DueReminder(
        kind="test_rule",
        target_type="test_target",
        target_id=42,
        due_date=date(2026, 12, 1),
        recipient="someone@test.example",
        subject="Something is due",
        body="Please do it.",
    )

    def provider(today):
        return [item]

    services._providers.append(provider)
    yield item
    services._providers.remove(provider)


def _sent_count(db):
    return db.session.execute(
        sa.select(sa.func.count()).select_from(Reminder).where(Reminder.kind == "test_rule")
    ).scalar_one()


def test_dry_run_lists_but_sends_nothing(runner, smtp_server, one_due_reminder, db):
    result = runner.invoke(args=["reminders", "send", "--dry-run"])
    assert result.exit_code == 0
    assert "would send test_rule to someone@test.example" in result.output
    assert smtp_server.messages == []
    assert _sent_count(db) == 0


def test_each_reminder_is_sent_once(runner, smtp_server, one_due_reminder, db):
    first = runner.invoke(args=["reminders", "send"])
    second = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert len(smtp_server.bodies_to("someone@test.example")) == 1
    assert _sent_count(db) == 1


def test_the_reminder_and_its_email_are_queued_together(runner, one_due_reminder, db):
    from app.notifications.models import OutboxMessage

    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0
    assert "queued test_rule to someone@test.example: Something is due" in result.output
    assert "1 reminder(s) queued" in result.output
    [message] = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "someone@test.example")
    ).scalars()
    assert (message.state, message.subject, message.body) == ("pending", "Something is due", "Please do it.")
    assert _sent_count(db) == 1
    assert "0 reminder(s) queued" in runner.invoke(args=["reminders", "send"]).output


def test_failed_reminder_goes_out_when_smtp_returns(app, runner, one_due_reminder, db, smtp_down):
    from app.notifications.models import OutboxMessage
    from tests.smtp import SMTPServer

    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    failed = runner.invoke(args=["mail", "deliver"])
    assert failed.exit_code == 1 and "NOT SENT email" in failed.output and "will retry" in failed.output
    server = SMTPServer(app)
    server.controller.start()
    try:
        app.config.update(MAIL_PORT=server.port)
        assert runner.invoke(args=["mail", "deliver"]).exit_code == 0  # the retry is not due yet
        assert server.received == []
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
        db.session.commit()
        sent = runner.invoke(args=["mail", "deliver"])
        assert sent.exit_code == 0 and "sent email" in sent.output
        assert len(server.bodies_to("someone@test.example")) == 1
        assert runner.invoke(args=["reminders", "send"]).exit_code == 0
        assert len(server.bodies_to("someone@test.example")) == 1
    finally:
        server.controller.stop()
    assert _sent_count(db) == 1
