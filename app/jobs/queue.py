"""Where jobs run. With JOBS_REDIS_URL set they are enqueued on RQ and run by `flask jobs worker`; without it they
run in this process: in a thread after the request has committed (JOBS_IN_PROCESS=thread, the default), or in the
request itself (JOBS_IN_PROCESS=sync, the tests)."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.jobs import runner
from app.jobs.models import BackgroundJob

log = logging.getLogger(__name__)

QUEUE_NAME = "safeguarding"
PENDING_RQ_STATUSES = {"queued", "scheduled", "started", "deferred"}

_connections: dict[str, object] = {}
_running_here: set[int] = set()  # jobs run by threads of this process
_running_lock = threading.Lock()


def redis_url() -> str:
    return current_app.config.get("JOBS_REDIS_URL") or ""


def uses_rq() -> bool:
    return bool(redis_url())


def connection():
    from redis import Redis

    url = redis_url()
    if url not in _connections:
        _connections[url] = Redis.from_url(url)
    return _connections[url]


def rq_queue():
    from rq import Queue

    return Queue(QUEUE_NAME, connection=connection())


def enqueue_task(function: Callable, *args, job_id: str | None = None, **options):
    """Put plain work (not a user's download) on the RQ queue: e.g. delivering the outbox. RQ mode only."""
    return rq_queue().enqueue(function, *args, job_id=job_id, **options)


def dispatch(job_id: int) -> None:
    """Start a committed job: enqueue it on RQ, or run it in this process. Call after the commit that wrote it."""
    if uses_rq():
        _enqueue(job_id)
    elif current_app.config.get("JOBS_IN_PROCESS", "thread") == "sync":
        runner.run_until_settled(job_id)
    else:
        _start_thread(job_id)


def _enqueue(job_id: int) -> None:
    from rq import Retry

    cfg = current_app.config
    rq_id = f"download-{job_id}-{secrets.token_hex(4)}"
    db.session.execute(sa.update(BackgroundJob).where(BackgroundJob.id == job_id).values(rq_job_id=rq_id))
    db.session.commit()
    retries = runner.max_attempts() - 1
    try:
        rq_queue().enqueue(
            runner.perform,
            job_id,
            job_id=rq_id,
            retry=Retry(max=retries, interval=int(cfg.get("JOBS_RETRY_SECONDS", 10))) if retries else None,
            job_timeout=int(cfg.get("JOBS_TIMEOUT_SECONDS", 3600)),
            result_ttl=3600,
            failure_ttl=7 * 86400,
        )
    except Exception:  # Redis unreachable: the job stays queued, and the worker's sweep or its page sends it again
        log.exception("background job %s could not be put on the queue", job_id)


def _start_thread(job_id: int) -> None:
    app = current_app._get_current_object()
    with _running_lock:
        if job_id in _running_here:
            return
        _running_here.add(job_id)

    def run() -> None:
        try:
            with app.app_context():
                runner.run_until_settled(job_id)
        except Exception:
            log.exception("background job %s stopped", job_id)
        finally:
            with _running_lock:
                _running_here.discard(job_id)

    threading.Thread(target=run, name=f"background-job-{job_id}", daemon=True).start()


def is_pending(job: BackgroundJob) -> bool:
    """Whether something is still going to run this queued job."""
    if job.id in _running_here:
        return True
    if not uses_rq() or not job.rq_job_id:
        return False
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        status = Job.fetch(job.rq_job_id, connection=connection()).get_status()
    except NoSuchJobError:
        return False
    return str(getattr(status, "value", status)) in PENDING_RQ_STATUSES


def worker_alive(job: BackgroundJob) -> bool:
    """Whether the process that claimed the job (`host:pid` in BackgroundJob.worker) is still there. This process:
    only while one of its threads runs the job. Another process on this host: the process table says. Another
    host: RQ's register of live workers (a worker killed outright leaves it when its heartbeat runs out); without
    Redis, another host's process is taken to be alive."""
    label = job.worker or ""
    host, _, pid_text = label.rpartition(":")
    if not host or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if host == socket.gethostname():
        if pid == os.getpid():
            return job.id in _running_here
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    if not uses_rq():
        return True
    from rq import Worker

    return any(w.hostname == host and w.pid == pid for w in Worker.all(connection=connection()))


def schedule_sweep(function: Callable) -> None:
    """Have `function` run on the queue in JOBS_SWEEP_SECONDS, once across all workers (a Redis key stands for the
    sweep already scheduled)."""
    interval = int(current_app.config.get("JOBS_SWEEP_SECONDS", 10))
    if connection().set(f"{QUEUE_NAME}:sweep-scheduled", "1", nx=True, ex=max(interval - 1, 1)):
        rq_queue().enqueue_in(timedelta(seconds=interval), function, result_ttl=60, failure_ttl=3600)
