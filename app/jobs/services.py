"""Asking for a download, finding one's own, and picking up jobs whose runner went away."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.db import writing
from app.errors import DomainError, NotFound
from app.extensions import db
from app.jobs import queue
from app.jobs.models import BackgroundJob
from app.jobs.registry import is_registered
from app.security import is_safe_next
from app.utils import as_aware, utcnow

log = logging.getLogger(__name__)


def _local_path(url: str | None) -> str | None:
    """A path on this site (never another host), short enough to keep; else None."""
    return url if is_safe_next(url) and len(url) <= 500 else None


def request_download(
    user, kind: str, params: dict, *, title: str, offer_url: str | None = None, back_url: str | None = None
) -> BackgroundJob:
    """Write a queued job of `kind` for `user` in the current transaction; the route commits and then calls
    `jobs.dispatch(job.id)`. The caller has checked that the user may have this file:
    it is shown to nobody else. `offer_url` is the page that offered it (posting to it asks again, with the
    access checks of that page), `back_url` the page before."""
    if not is_registered(kind):
        raise DomainError(f"Nothing prepares downloads of kind {kind}.")
    job = BackgroundJob(
        user_id=user.id,
        kind=kind,
        title=title[:300],
        params=params,
        progress_text="Waiting to start",
        offer_url=_local_path(offer_url),
        back_url=_local_path(back_url),
    )
    db.session.add(job)
    db.session.flush()
    return job


def job_for(user, job_id: int) -> BackgroundJob:
    """The user's own job; NotFound (404) for anyone else's, so another's downloads are not even known to exist."""
    job = db.session.get(BackgroundJob, job_id)
    if job is None or user is None or not user.is_authenticated or job.user_id != user.id:
        raise NotFound("No such download.")
    return job


def _queued_grace() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("JOBS_QUEUED_GRACE_SECONDS", 30)))


def is_abandoned(job: BackgroundJob) -> bool:
    """A job nothing will finish: running in a process that has gone, or queued for a while with nothing about to
    run it (the queue lost it, or the process that was to run it stopped)."""
    if job.status == "running":
        return not queue.worker_alive(job)
    if job.status == "queued":
        return utcnow() - as_aware(job.queued_at) > _queued_grace() and not queue.is_pending(job)
    return False


def revive_if_abandoned(job: BackgroundJob) -> bool:
    """Put an abandoned job back in the queue and start it again (an attempt that was cut short counts). Commits;
    called from the job's page and by the worker when it starts. True if it was revived."""
    if not is_abandoned(job):
        return False
    job_id, status, kind, worker = job.id, job.status, job.kind, job.worker
    db.session.commit()  # the update begins a transaction of its own: on SQLite, with the write lock
    with writing():
        revived = db.session.execute(
            sa.update(BackgroundJob)
            .where(BackgroundJob.id == job_id, BackgroundJob.status == status)
            .values(status="queued", worker=None, progress_text="Starting again", queued_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
    if revived:
        log.warning("background job %s (%s) was abandoned by %s; starting it again", job_id, kind, worker)
        queue.dispatch(job_id)
    db.session.refresh(job)
    return bool(revived)


def recover_abandoned() -> list[int]:
    """Revive every abandoned job (the worker does this when it starts and on each sweep): their ids."""
    ids = (
        db.session.execute(sa.select(BackgroundJob.id).where(BackgroundJob.status.in_(("queued", "running"))))
        .scalars()
        .all()
    )
    revived = []
    for job_id in ids:
        job = db.session.get(BackgroundJob, job_id)
        if job is not None and revive_if_abandoned(job):
            revived.append(job_id)
    return revived
