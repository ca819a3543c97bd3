"""`flask jobs worker`: RQ's worker, with the app, beside gunicorn. It picks up the jobs a dead worker left, runs
each job in an app context of its own, and keeps the sweep going (the outbox, abandoned jobs)."""

from __future__ import annotations

import logging

from flask import Flask, current_app
from rq import SimpleWorker

from app.extensions import db
from app.jobs import queue, services
from app.jobs.registry import sweeps

log = logging.getLogger(__name__)


class AppWorker(SimpleWorker):
    """Runs jobs in this process (no fork per job: exports stream, so memory stays flat), each in a fresh app
    context, so every job has its own database session and none leaks into the next."""

    flask_app: Flask | None = None

    def perform_job(self, *args, **kwargs):
        with self.flask_app.app_context():
            try:
                return super().perform_job(*args, **kwargs)
            finally:
                db.session.remove()


def sweep() -> None:
    """Periodic work on the queue: each registered sweep (the outbox), then abandoned jobs; and the next sweep."""
    for function in sweeps():
        try:
            function()
        except Exception:
            log.exception("sweep %s failed", getattr(function, "__name__", function))
            db.session.rollback()
    try:
        services.recover_abandoned()
    except Exception:
        log.exception("recovering abandoned jobs failed")
        db.session.rollback()
    queue.schedule_sweep(sweep)


def run_worker(*, burst: bool = False) -> bool:
    """Run the worker until stopped (or, with burst, until the queue is empty). Returns whether it did any work."""
    app = current_app._get_current_object()
    revived = services.recover_abandoned()
    if revived:
        log.warning("started again %d job(s) left by a worker that stopped: %s", len(revived), revived)
    db.session.remove()
    worker = AppWorker([queue.rq_queue()], connection=queue.connection())
    worker.flask_app = app
    if burst:
        for function in sweeps():
            function()
    else:
        queue.schedule_sweep(sweep)
    return worker.work(burst=burst, with_scheduler=not burst, logging_level="INFO")
