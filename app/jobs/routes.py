"""The status page of a download and the file itself, for the user who asked only (404 for anyone else)."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required

from app import filestore, web
from app.urls import here
from app.jobs import bp, expiry, services
from app.jobs.queue import dispatch

REFRESH_SECONDS = 3


@bp.route("/<int:job_id>")
@login_required
def status(job_id: int):
    job = services.job_for(current_user, job_id)
    services.revive_if_abandoned(job)
    expiry.expire_if_due(job)
    return render_template(
        "jobs/status.html", job=job, refresh_seconds=REFRESH_SECONDS, kept_for=expiry.retention_label()
    )


@bp.route("/<int:job_id>/file")
@login_required
def download(job_id: int):
    job = services.job_for(current_user, job_id)
    if job.status == "expired" or expiry.expire_if_due(job):
        return redirect(url_for("jobs.status", job_id=job.id))  # its page says the file has expired
    record = filestore.record_for(job.file_name) if job.status == "done" and job.file_name else None
    if record is None:
        abort(404)
    response = Response(
        stream_with_context(filestore.chunks(record.name)),
        mimetype=job.mimetype or record.content_type,
        direct_passthrough=True,
    )
    response.content_length = record.size_bytes
    response.headers.set("Content-Disposition", "attachment", filename=job.download_name or "download")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def offer_or_start(kind: str, params: dict, *, title: str, back_url: str, noun: str = "workbook"):
    """For a download route whose access it has checked: GET offers to prepare the file ("Prepare the workbook"), POST
    asks for the job and sends the user to its page, which refreshes until the file is ready."""
    if request.method != "POST":
        return render_template("jobs/start.html", title=title, back_url=back_url, noun=noun)
    offer_url = here(query=True)
    job = web.run_or_flash(
        services.request_download, current_user, kind, params, title=title, offer_url=offer_url, back_url=back_url
    )
    if job is None:
        return redirect(back_url)
    dispatch(job.id)
    return redirect(url_for("jobs.status", job_id=job.id))
