"""`flask reminders send`: each reminder goes out once, dry runs send nothing, failed sends are retried next run."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.notifications import services
from app.notifications.models import Reminder
from app.notifications.services import DueReminder


@pytest.fixture
def one_due_reminder():
    item = DueReminder(kind="test_rule", target_type="test_target", target_id=42, due_date=date(2026, 12, 1),
                       recipient="someone@test.example", subject="Something is due", body="Please do it.")

    def provider(today):
        return [item]

    services._providers.append(provider)
    yield item
    services._providers.remove(provider)


def _sent_count(db):
    return db.session.execute(sa.select(sa.func.count()).select_from(Reminder)
                              .where(Reminder.kind == "test_rule")).scalar_one()


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


def test_smtp_down_marks_nothing_sent_and_retries_next_run(app, runner, smtp_down, one_due_reminder, db):
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 1
    assert "will retry" in result.output
    assert _sent_count(db) == 0


def test_failed_reminder_goes_out_when_smtp_returns(app, runner, one_due_reminder, db):
    from tests.smtp import SMTPServer, _free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())
    try:
        assert runner.invoke(args=["reminders", "send"]).exit_code == 1
        server = SMTPServer()
        server.controller.start()
        try:
            app.config.update(MAIL_PORT=server.port)
            assert runner.invoke(args=["reminders", "send"]).exit_code == 0
            assert len(server.bodies_to("someone@test.example")) == 1
        finally:
            server.controller.stop()
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=25)
    assert _sent_count(db) == 1
