"""Running one attempt of a job, wherever it runs (an RQ worker, a thread of the app server, or the request).

An attempt claims the row (queued → running, in a short transaction of its own, so two runners never both run
it), calls the kind's function with a temporary file, stores the file with app.filestore and marks the job done;
or, when the function raises, puts it back in the queue for another attempt, or marks it failed after the last.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import tempfile
import time

import sqlalchemy as sa
from flask import current_app, has_app_context

from app import filestore
from app.db import writing
from app.extensions import db
from app.jobs.models import BackgroundJob
from app.jobs.registry import kind_function
from app.utils import utcnow

log = logging.getLogger(__name__)

DONE, FAILED, RETRY, SKIPPED = "done", "failed", "retry", "skipped"


class AttemptFailed(Exception):
    """Raised to RQ when an attempt failed and the job may be tried again, so RQ's Retry runs it again."""


def worker_label() -> str:
    """Who is running a job: host and process, so that a job left 'running' by a dead process can be told."""
    return f"{socket.gethostname()}:{os.getpid()}"


def max_attempts() -> int:
    return max(1, int(current_app.config.get("JOBS_MAX_ATTEMPTS", 3)))


def perform(job_id: int) -> str:
    """The RQ entry point: one attempt. Raises AttemptFailed when it failed, so RQ's Retry runs another attempt
    (or, after the last, RQ lists the job as failed as the row says)."""
    if not has_app_context():  # started by a bare `rq worker` rather than `flask jobs worker`
        from app import create_app

        with create_app().app_context():
            return perform(job_id)
    outcome = run_once(job_id)
    if outcome == RETRY:
        raise AttemptFailed(f"background job {job_id}: attempt failed, to be tried again")
    if outcome == FAILED:
        raise AttemptFailed(f"background job {job_id} failed after its last attempt")
    return outcome


def run_until_settled(job_id: int) -> str:
    """In-process running: attempts one after another (JOBS_RETRY_SECONDS apart) until done or failed."""
    outcome = run_once(job_id)
    while outcome == RETRY:
        time.sleep(float(current_app.config.get("JOBS_RETRY_SECONDS", 10)))
        outcome = run_once(job_id)
    return outcome


def _claim(job_id: int) -> BackgroundJob | None:
    db.session.commit()  # a transaction of its own, which on SQLite takes the write lock at BEGIN
    with writing():
        claimed = db.session.execute(
            sa.update(BackgroundJob)
            .where(BackgroundJob.id == job_id, BackgroundJob.status == "queued")
            .values(
                status="running",
                attempts=BackgroundJob.attempts + 1,
                worker=worker_label(),
                started_at=utcnow(),
                progress_percent=0,
                progress_text="Starting",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
    if not claimed:
        return None
    return db.session.get(BackgroundJob, job_id, populate_existing=True)


def run_once(job_id: int) -> str:
    """One attempt at the job: DONE, FAILED, RETRY (another attempt should follow) or SKIPPED (it was not queued:
    another runner has it, or it has finished)."""
    job = _claim(job_id)
    if job is None:
        return SKIPPED
    if job.attempts > max_attempts():
        return _settle_failure(job_id, "it was stopped before it finished too many times", final=True)
    function = kind_function(job.kind)
    if function is None:
        return _settle_failure(job_id, f"nothing prepares downloads of kind {job.kind!r}", final=True)
    params = dict(job.params or {})
    progress = Progress(job_id)
    with tempfile.TemporaryFile() as spool:
        try:
            download_name, mimetype = function(params, spool, progress)
        except Exception as exc:
            log.exception("background job %s (%s) attempt %s failed", job_id, job.kind, job.attempts)
            db.session.rollback()
            return _settle_failure(job_id, f"{type(exc).__name__}: {exc}"[:2000], final=False)
        db.session.commit()  # end the reads before writing: SQLite cannot upgrade a reader that others overtook
        spool.seek(0)
        with writing():
            name = secrets.token_hex(20)
            filestore.put(name, spool, content_type=mimetype)
            job = db.session.get(BackgroundJob, job_id, populate_existing=True)
            job.status, job.file_name, job.download_name, job.mimetype = "done", name, download_name, mimetype
            job.progress_percent, job.progress_text, job.error = 100, "Ready", None
            job.finished_at = utcnow()
            db.session.commit()
    log.info("background job %s (%s) done: %s", job_id, job.kind, download_name)
    return DONE


def complete_now(job: BackgroundJob) -> None:
    """Prepare a queued job's file here and now, in the current transaction (the caller commits): for demo data,
    which must load as one transaction. Requests never call this; they dispatch."""
    function = kind_function(job.kind)
    with tempfile.TemporaryFile() as spool:
        download_name, mimetype = function(dict(job.params or {}), spool, lambda percent, text="": None)
        spool.seek(0)
        name = secrets.token_hex(20)
        filestore.put(name, spool, content_type=mimetype)
    now = utcnow()
    job.status, job.file_name, job.download_name, job.mimetype = "done", name, download_name, mimetype
    job.attempts, job.worker, job.started_at, job.finished_at = 1, worker_label(), now, now
    job.progress_percent, job.progress_text = 100, "Ready"
    db.session.flush()


def _settle_failure(job_id: int, error: str, *, final: bool) -> str:
    with writing():
        job = db.session.get(BackgroundJob, job_id, populate_existing=True)
        job.error = error
        if final or job.attempts >= max_attempts():
            job.status, job.finished_at = "failed", utcnow()
            outcome = FAILED
        else:
            job.status, job.progress_text = "queued", "Waiting to try again"
            outcome = RETRY
        db.session.commit()
    return outcome


class Progress:
    """The `progress(percent, text)` a kind's function is given. Written on a connection of its own, at most once a
    second, so the status page sees it while the function's reads go on; a write that cannot be made at once (the
    database busy) is skipped, as the next one will say more."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last_written = 0.0

    def __call__(self, percent: int, text: str = "") -> None:
        now = time.monotonic()
        if now - self.last_written < 1.0:
            return
        self.last_written = now
        values = {"progress_percent": max(0, min(99, int(percent))), "progress_text": text[:200]}
        try:
            with db.engine.connect() as conn:
                sqlite = conn.dialect.name == "sqlite"
                if sqlite:  # on the driver's connection: through SQLAlchemy it would BEGIN, and wait, first
                    conn.connection.driver_connection.execute("PRAGMA busy_timeout = 100")
                try:
                    conn.execute(
                        sa.update(BackgroundJob.__table__)
                        .where(
                            BackgroundJob.__table__.c.id == self.job_id, BackgroundJob.__table__.c.status == "running"
                        )
                        .values(**values)
                    )
                    conn.commit()
                finally:
                    if sqlite:
                        conn.rollback()
                        timeout_ms = int(float(current_app.config.get("SQLITE_BUSY_TIMEOUT_SECONDS") or 10) * 1000)
                        conn.connection.driver_connection.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        except sa.exc.OperationalError as exc:
            log.debug("progress of background job %s not written: %s", self.job_id, exc)
