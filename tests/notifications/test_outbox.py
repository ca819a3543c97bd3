"""The mail outbox: an email exists only if the change that causes it commits, is sent after commit by
`flask mail deliver`, retried with a growing wait, marked failed after the last attempt, and never sent twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.notifications.models import OutboxMessage
from app.notifications.outbox import deliver_pending, queue_email, retry_delay
from tests.smtp import SMTPServer


def _messages(db, recipient):
    return list(
        db.session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == recipient).order_by(OutboxMessage.id)
        ).scalars()
    )


def test_an_email_is_sent_only_after_its_transaction_commits(db, smtp_server):
    queue_email("kept@test.example", "Kept", "This one commits.")
    change = db.session.begin_nested()
    queue_email("undone@test.example", "Undone", "This one rolls back with its change.")
    change.rollback()
    assert smtp_server.received == []  # queuing sends nothing by itself
    db.session.commit()
    assert [body.strip() for body in smtp_server.bodies_to("kept@test.example")] == ["This one commits."]
    assert smtp_server.bodies_to("undone@test.example") == []
    assert _messages(db, "undone@test.example") == []
    [kept] = _messages(db, "kept@test.example")
    assert (kept.state, kept.attempts, kept.last_error) == ("sent", 1, None) and kept.sent_at is not None


def test_a_failed_send_is_retried_then_marked_failed(app, db, runner, smtp_down, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RETRY_SECONDS", 0)  # each retry is due by the next run
    queue_email("unlucky@test.example", "Unlucky", "The mail server is down.")
    db.session.commit()
    runs = [runner.invoke(args=["mail", "deliver", "--max-attempts", "3"]) for _ in range(4)]
    assert [run.exit_code for run in runs] == [1, 1, 1, 0]
    lines = [line for run in runs for line in run.output.splitlines() if "unlucky@test.example" in line]
    assert [line.split()[0] for line in lines] == ["NOT", "NOT", "FAILED"]  # the fourth run leaves it alone
    assert "will retry" in lines[0] and "(gave up)" in lines[-1]
    [message] = _messages(db, "unlucky@test.example")
    assert (message.state, message.attempts, message.sent_at) == ("failed", 3, None)
    assert "Could not send email to unlucky@test.example" in message.last_error


def test_retries_wait_longer_each_time_up_to_a_limit(app, db, smtp_down):
    assert [retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(seconds=60),
        timedelta(seconds=120),
        timedelta(seconds=240),
    ]
    assert retry_delay(20) == timedelta(seconds=app.config["MAIL_RETRY_MAX_SECONDS"])
    queue_email("later@test.example", "Later", "Waits.")
    db.session.commit()
    assert [d.outcome for d in deliver_pending().deliveries] == ["retrying"]
    assert deliver_pending().deliveries == []  # not due again yet
    [message] = _messages(db, "later@test.example")
    assert message.state == "pending" and message.attempts == 1


def test_two_delivery_runs_do_not_send_a_message_twice(db, runner, smtp_server):
    queue_email("once@test.example", "Once", "Only once.")
    db.session.commit()
    first = runner.invoke(args=["mail", "deliver"])
    second = runner.invoke(args=["mail", "deliver"])
    assert first.exit_code == 0 and "sent email" in first.output and "1 sent, 0 not sent" in first.output
    assert second.exit_code == 0 and "0 sent, 0 not sent" in second.output
    assert len([m for m in smtp_server.received if m["To"] == "once@test.example"]) == 1


def test_without_a_mail_server_delivery_refuses_and_keeps_the_mail(app, db, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    queue_email("waiting@test.example", "Waiting", "Not yet.")
    db.session.commit()
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 1 and "MAIL_SERVER is not configured" in result.output
    [message] = _messages(db, "waiting@test.example")
    assert (message.state, message.attempts) == ("pending", 0)


# --- workers running at the same time, on committed rows (no test transaction around them) ----------------------


@pytest.fixture
def committed_outbox(app):
    """Messages committed for real, so workers on their own connections see them; removed afterwards."""
    server = SMTPServer()
    server.controller.start()
    old = (app.config["MAIL_SERVER"], app.config["MAIL_PORT"])
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    recipients = [f"worker{i}@concurrent.example" for i in range(12)]
    with app.app_context():
        for address in recipients:
            queue_email(address, "Concurrent", f"For {address}.")
        _db.session.commit()
    try:
        yield server, recipients
    finally:
        app.config.update(MAIL_SERVER=old[0], MAIL_PORT=old[1])
        server.controller.stop()
        with app.app_context():
            _db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.recipient.like("%@concurrent.example")))
            _db.session.commit()
            _db.session.remove()


def test_two_workers_at_once_send_each_message_once(app, committed_outbox):
    server, recipients = committed_outbox
    errors = []

    def worker():
        with app.app_context():
            try:
                deliver_pending()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(m["To"] for m in server.received) == sorted(recipients)


def test_a_message_another_worker_holds_is_skipped_not_sent(app, committed_outbox):
    server, recipients = committed_outbox
    with app.app_context():
        if _db.engine.dialect.name != "postgresql":
            pytest.skip("row locks are PostgreSQL's; SQLite serialises whole write transactions (BEGIN IMMEDIATE)")
        with _db.engine.connect() as other_worker:
            held = other_worker.execute(
                sa.select(OutboxMessage.id, OutboxMessage.recipient)
                .where(OutboxMessage.recipient == recipients[0])
                .with_for_update()
            ).one()
            report = deliver_pending()
            _db.session.remove()
            other_worker.rollback()
    assert held.id not in {d.message_id for d in report.deliveries}
    assert sorted(m["To"] for m in server.received) == sorted(recipients[1:])
