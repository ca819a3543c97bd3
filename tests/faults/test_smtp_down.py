"""SMTP down (issue 8): due reminders are not marked sent, and the next run, with the mail server back, sends
each of them exactly once."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.notifications import services as notifications
from app.notifications.models import Reminder
from app.utils import today


@pytest.fixture
def due_reminder():
    item = notifications.DueReminder(kind="fault_test_due", target_type="audit_round", target_id=424242,
                                     due_date=today(), recipient="lead@fault-test.example",
                                     subject="Your case audit is due", body="Please finish CR-000123.")

    def provider(on):
        return [item]

    notifications.register_reminder_provider(provider)
    yield item
    notifications._providers.remove(provider)


def _sent(db, item) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Reminder).where(
        Reminder.kind == item.kind, Reminder.target_id == item.target_id)).scalar_one()


def test_reminders_are_retried_after_smtp_failure_and_sent_once(app, db, runner, due_reminder, smtp_down):
    failed = runner.invoke(args=["reminders", "send"])
    assert failed.exit_code == 1
    assert f"FAILED {due_reminder.kind} to {due_reminder.recipient}" in failed.output
    assert "will retry next run" in failed.output
    assert _sent(db, due_reminder) == 0


def test_next_run_with_smtp_back_sends_once(app, db, runner, due_reminder, smtp_down, request):
    assert runner.invoke(args=["reminders", "send"]).exit_code == 1
    assert _sent(db, due_reminder) == 0
    server = request.getfixturevalue("smtp_server")  # the mail server comes back
    sent = runner.invoke(args=["reminders", "send"])
    assert f"sent {due_reminder.kind} to {due_reminder.recipient}" in sent.output
    assert _sent(db, due_reminder) == 1
    assert [m["Subject"] for m in server.messages if m["To"] == due_reminder.recipient] == [due_reminder.subject]
    again = runner.invoke(args=["reminders", "send"])
    assert f"sent {due_reminder.kind}" not in again.output
    assert len([m for m in server.messages if m["To"] == due_reminder.recipient]) == 1
