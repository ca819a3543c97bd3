"""Background jobs: downloads prepared off the request (national-scale exports, board reports) and plain queued
work (email delivery), on RQ when JOBS_REDIS_URL is set and in this process otherwise.

A feature adds a kind of download with `register_kind(kind, function)` in its init_app (see app.jobs.registry for
the function's contract), then its route asks for one and sends the user to the status page:

    job = web.run_or_flash(jobs.request_download, current_user, "round_findings", {"round_id": 1}, title="...")
    jobs.dispatch(job.id)  # after the commit
    return redirect(url_for("jobs.status", job_id=job.id))

The status page ("Your download is being prepared") refreshes itself until the file is ready, then links to it;
both are shown only to the user who asked.
"""

from flask import Blueprint

from app.jobs.queue import dispatch, enqueue_task, uses_rq
from app.jobs.registry import register_kind, register_sweep
from app.jobs.services import request_download

bp = Blueprint("jobs", __name__, url_prefix="/downloads")

__all__ = [
    "bp",
    "dispatch",
    "enqueue_task",
    "offer_or_start",
    "register_kind",
    "register_sweep",
    "request_download",
    "uses_rq",
]

from app.jobs import routes  # noqa: E402,F401
from app.jobs.routes import offer_or_start  # noqa: E402


def init_app(app) -> None:
    """Prepared downloads expire (app.jobs.expiry), and orphaned S3 objects are removed (app.filestore_sweep), on
    the worker's sweep. The file store sits below jobs, so jobs registers its sweep."""
    from app.filestore_sweep import sweep_orphans_periodically
    from app.jobs.expiry import expire_downloads

    register_sweep(expire_downloads)
    register_sweep(sweep_orphans_periodically)
