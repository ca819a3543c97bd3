"""Prepared downloads expire: JOBS_FILE_RETENTION_HOURS after a job finished, its file is deleted from the store
that holds it and the job is marked 'expired', so its page says so and offers to prepare the file again.

The worker's sweep (every JOBS_SWEEP_SECONDS, with Redis) and `flask jobs sweep` (cron, without Redis) expire what
is due; a job's own page expires it when it is opened past its time, whichever comes first."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app import filestore
from app.db import writing
from app.extensions import db
from app.jobs.models import BackgroundJob
from app.utils import as_aware, utcnow

log = logging.getLogger(__name__)


def retention() -> timedelta | None:
    """How long a prepared file is kept after its job finished; None keeps it for ever (a setting of 0)."""
    hours = float(current_app.config.get("JOBS_FILE_RETENTION_HOURS") or 0)
    return timedelta(hours=hours) if hours > 0 else None


def retention_label() -> str:
    keep = retention()
    if keep is None:
        return ""
    hours = keep.total_seconds() / 3600
    if hours % 24 == 0 and hours >= 48:
        return f"{int(hours // 24)} days"
    shown = int(hours) if hours == int(hours) else round(hours, 1)
    return f"{shown} hour{'' if shown == 1 else 's'}"


def is_due(job: BackgroundJob) -> bool:
    """Whether a finished job's file has been kept longer than JOBS_FILE_RETENTION_HOURS."""
    keep = retention()
    if keep is None or job.status != "done" or job.finished_at is None:
        return False
    return utcnow() - as_aware(job.finished_at) > keep


def expire(job: BackgroundJob) -> None:
    """Delete a finished job's file (from the store that holds it) and mark the job expired, in the current
    transaction (the caller commits). Called by the sweep and by the job's page; nobody else needs it."""
    if job.file_name:
        filestore.delete(job.file_name)
    job.status, job.file_name = "expired", None
    job.progress_text = "Expired"
    db.session.flush()


def expire_if_due(job: BackgroundJob) -> bool:
    """Expire the job now if its time has come (its page was opened before the sweep got to it). Commits, in a
    transaction of its own; called from the job's page. True if it expired."""
    if not is_due(job):
        return False
    job_id = job.id
    db.session.commit()  # the update begins a transaction of its own: on SQLite, with the write lock
    with writing():
        fresh = db.session.get(BackgroundJob, job_id, populate_existing=True)
        expired = fresh is not None and is_due(fresh)
        if expired:
            expire(fresh)
        db.session.commit()
    db.session.refresh(job)
    return expired


def expire_downloads() -> str:
    """The sweep: expire every finished job kept past JOBS_FILE_RETENTION_HOURS, one transaction each (commits).
    Registered with jobs.register_sweep; also run by `flask jobs sweep`."""
    keep = retention()
    if keep is None:
        return "prepared downloads are kept (JOBS_FILE_RETENTION_HOURS is 0)"
    cutoff = utcnow() - keep
    ids = (
        db.session.execute(
            sa.select(BackgroundJob.id).where(BackgroundJob.status == "done", BackgroundJob.finished_at < cutoff)
        )
        .scalars()
        .all()
    )
    db.session.commit()
    expired = 0
    for job_id in ids:
        with writing():
            job = db.session.get(BackgroundJob, job_id, populate_existing=True)
            if job is not None and is_due(job):
                expire(job)
                expired += 1
            db.session.commit()
    if expired:
        log.info("expired %d prepared download(s)", expired)
    return f"{expired} prepared download(s) expired"
