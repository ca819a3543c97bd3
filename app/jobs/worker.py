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


def run_sweeps(on_done=None) -> list[str]:
    """Run each registered sweep once (the outbox, download expiry); one that fails is logged and rolled back and
    the others still run. `on_done(name, outcome)` hears of each that succeeded; returns `name: error` per
    failure. Called by the worker's periodic sweep and by `flask jobs sweep`."""
    failures = []
    for function in sweeps():
        name = getattr(function, "__name__", str(function))
        try:
            outcome = function()
        except Exception as exc:
            log.exception("sweep %s failed", name)
            db.session.rollback()
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        if on_done is not None:
            on_done(name, outcome)
    return failures


def sweep() -> None:
    """Periodic work on the queue: each registered sweep (the outbox), then abandoned jobs; and the next sweep."""
    run_sweeps()
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
        for failure in run_sweeps():  # (each is logged; a failed sweep must not keep the queue from running)
            log.warning("sweep before the burst failed: %s", failure)
    else:
        queue.schedule_sweep(sweep)
    return worker.work(burst=burst, with_scheduler=not burst, logging_level="INFO")
