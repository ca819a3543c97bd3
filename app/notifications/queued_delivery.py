"""Email delivery on RQ: with JOBS_REDIS_URL set, a commit that wrote to the outbox puts a delivery on the queue,
and the worker's sweep (every JOBS_SWEEP_SECONDS) sends whatever is left, such as retries falling due. Without
Redis nothing changes: `flask mail deliver --loop` sends the outbox as before."""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import jobs
from app.notifications.outbox import OUTBOX_WRITTEN, deliver_pending

log = logging.getLogger(__name__)


def deliver_outbox() -> str:
    """The queued work: send what is due now (a no-op until MAIL_SERVER is set; the outbox keeps it)."""
    if not current_app.config.get("MAIL_SERVER"):
        return "MAIL_SERVER is not set; the outbox keeps its messages"
    report = deliver_pending()
    return f"{len(report.sent)} sent, {len(report.problems)} not sent"


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session) -> None:
    if not session.info.pop(OUTBOX_WRITTEN, False) or not has_app_context() or not jobs.uses_rq():
        return
    try:
        jobs.enqueue_task(deliver_outbox, result_ttl=60, failure_ttl=86400)
    except Exception:  # Redis unreachable: the message waits in the outbox for the next sweep
        log.exception("could not put email delivery on the queue")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop(OUTBOX_WRITTEN, None)


def register() -> None:
    jobs.register_sweep(deliver_outbox)
