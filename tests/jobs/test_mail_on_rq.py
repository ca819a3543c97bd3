"""With Redis, email leaves through RQ: the commit that wrote it to the outbox puts a delivery on the queue, and
the worker's sweep sends what is left. Without Redis nothing is queued (the mail loop sends the outbox)."""

from __future__ import annotations

from rq import Queue

from app.jobs import queue
from app.jobs.registry import sweeps
from app.notifications.outbox import queue_email
from app.notifications.queued_delivery import deliver_outbox
from tests.jobs.conftest import run_worker_burst


def _queued(redis) -> list[str]:
    return [job.func_name for job in Queue(queue.QUEUE_NAME, connection=redis).jobs]


def test_a_committed_email_is_delivered_by_the_rq_worker(db, smtp_server, rq_mode):
    queue_email("lead@test.example", "A reminder", "Your return is due.")
    assert _queued(rq_mode) == []  # nothing before the commit
    db.session.commit()
    assert _queued(rq_mode) == ["app.notifications.queued_delivery.deliver_outbox"]
    assert smtp_server.received == []
    assert run_worker_burst()
    assert [m["To"] for m in smtp_server.received] == ["lead@test.example"]


def test_an_email_rolled_back_queues_no_delivery(db, rq_mode):
    queue_email("never@test.example", "Never", "Rolled back.")
    db.session.rollback()
    db.session.commit()
    assert _queued(rq_mode) == []


def test_without_redis_nothing_is_queued(app, db, redis_db):
    assert not app.config["JOBS_REDIS_URL"]
    queue_email("lead@test.example", "A reminder", "Your return is due.")
    db.session.commit()
    assert _queued(redis_db) == []


def test_the_worker_sweep_sends_the_outbox(db, smtp_server):
    queue_email("late@test.example", "Waiting", "Left in the outbox.")
    db.session.commit()
    assert deliver_outbox in sweeps()
    for sweep in sweeps():
        sweep()
    assert [m["To"] for m in smtp_server.received] == ["late@test.example"]
