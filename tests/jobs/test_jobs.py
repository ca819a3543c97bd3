"""Background jobs: asked for by one user, prepared off the request (in-process, or by an RQ worker), retried when
an attempt fails, and shown, with their file, to that user only."""

from __future__ import annotations

import io
import os
import re
import socket
import time

import sqlalchemy as sa
from openpyxl import load_workbook

from app import jobs
from app.jobs import registry
from app.jobs.models import BackgroundJob
from tests.downloads import DOWNLOAD_LINK, job_page_of, prepared_download
from tests.jobs.conftest import run_worker_burst

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _job(db, job_id: int) -> BackgroundJob:
    return db.session.get(BackgroundJob, job_id, populate_existing=True)


def _job_id(location: str) -> int:
    return int(re.search(r"/downloads/(\d+)$", location).group(1))


def _ask(db, user, kind: str, params: dict) -> BackgroundJob:
    job = jobs.request_download(user, kind, params, title="Test download")
    db.session.commit()
    return job


def _dead_pid() -> int:
    """A process id on this host that no process has (a finished child's)."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- in-process (no Redis) -------------------------------------------------------------------------------------


def test_the_campaign_export_is_prepared_in_process_and_served_to_the_asker(client, login_as, small_campaign):
    qa = login_as("qa")
    url = f"/findings/campaigns/{small_campaign.campaign.id}/findings.xlsx"
    offer = client.get(url)
    assert offer.status_code == 200 and "Prepare the workbook" in offer.text
    response = prepared_download(client, url)
    assert response.mimetype == XLSX
    assert re.match(r'attachment; filename="?[a-z0-9-]+-findings\.xlsx', response.headers["Content-Disposition"])
    assert int(response.headers["Content-Length"]) == len(response.data)
    book = load_workbook(io.BytesIO(response.data))
    assert "Summary" in book.sheetnames
    [job] = (
        client.application.extensions["sqlalchemy"]
        .session.execute(sa.select(BackgroundJob).where(BackgroundJob.user_id == qa.id))
        .scalars()
    )
    assert (job.status, job.attempts, job.kind, job.progress_percent) == ("done", 1, "campaign_findings", 100)


def test_a_download_and_its_page_are_shown_to_nobody_but_the_user_who_asked(client, login_as, make, small_round):
    asker = make.make_user(roles=["qa"])
    colleague = make.make_user(roles=["qa"])
    admin = make.make_user(roles=["admin"])
    login_as(asker)
    page = job_page_of(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx")
    link = DOWNLOAD_LINK.search(client.get(page).text).group(1)
    assert client.get(link).status_code == 200
    for other in (colleague, admin):
        login_as(other)
        assert client.get(page).status_code == 404
        assert client.get(link).status_code == 404
    with client.session_transaction() as session:
        session.clear()
    for url in (page, link):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_page_refreshes_and_shows_progress_until_the_file_is_ready(client, db, login_as, kinds):
    user = login_as("qa")
    job = _ask(db, user, "test_text", {"text": "hello"})
    job.status, job.worker = "running", f"{socket.gethostname()}:{os.getpid()}"
    job.progress_percent, job.progress_text = 40, "Writing the responses sheet"
    job.attempts = 1
    db.session.commit()
    jobs.queue._running_here.add(job.id)  # as if a thread of this server were running it
    try:
        page = client.get(f"/downloads/{job.id}").text
    finally:
        jobs.queue._running_here.discard(job.id)
    assert "<title>Your download is being prepared" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "40% complete: Writing the responses sheet" in page
    assert "In progress" in page
    assert DOWNLOAD_LINK.search(page) is None


def test_a_job_whose_runner_died_is_started_again_when_its_page_is_opened(client, db, login_as, kinds):
    user = login_as("qa")
    job = _ask(db, user, "test_text", {"text": "after the crash"})
    job.status, job.attempts, job.worker = "running", 1, f"{socket.gethostname()}:{_dead_pid()}"
    db.session.commit()
    page = client.get(f"/downloads/{job.id}").text
    assert "Your download is ready" in page and "<meta http-equiv" not in page
    assert client.get(DOWNLOAD_LINK.search(page).group(1)).data == b"after the crash"
    assert _job(db, job.id).attempts == 2


def test_in_process_a_failed_attempt_is_tried_again(client, db, login_as, kinds):
    user = login_as("qa")
    job = _ask(db, user, "test_flaky", {"failures": 1})
    jobs.dispatch(job.id)
    job = _job(db, job.id)
    assert (job.status, job.attempts, kinds.calls["flaky"]) == ("done", 2, 2)


def test_after_the_last_attempt_the_job_fails_and_its_page_says_so(app, client, db, login_as, kinds):
    user = login_as("qa")
    job = _ask(db, user, "test_flaky", {"failures": 99})
    jobs.dispatch(job.id)
    job = _job(db, job.id)
    assert (job.status, job.attempts, job.file_name) == ("failed", app.config["JOBS_MAX_ATTEMPTS"], None)
    assert "simulated failure 3" in job.error
    page = client.get(f"/downloads/{job.id}").text
    assert "Your download could not be prepared" in page and "<meta http-equiv" not in page
    assert client.get(f"/downloads/{job.id}/file").status_code == 404


# --- RQ on Redis -------------------------------------------------------------------------------------------------


def test_progress_never_waits_for_a_busy_database(app, db, login_as):
    """Progress is written on a connection of its own and skipped when the database is busy. A job run from a
    request that may write (in-process) must not wait out the busy timeout at each step while another transaction
    holds the write lock (on SQLite, the test's own transaction holds it here)."""
    steps = 3

    def stepped(params, out, progress):
        for step in range(steps):
            progress(100 * step // steps, f"Step {step + 1}")
            time.sleep(1.05)  # progress is written at most once a second
        out.write(b"done")
        return "steps.txt", "text/plain"

    registry.register_kind("test_steps", stepped)
    try:
        user = login_as("qa")
        job = _ask(db, user, "test_steps", {})
        started = time.monotonic()
        with app.test_request_context(method="POST"):
            jobs.dispatch(job.id)
        elapsed = time.monotonic() - started
    finally:
        registry.unregister_kind("test_steps")
    assert _job(db, job.id).status == "done"
    # waiting out the busy timeout at each step would take steps × SQLITE_BUSY_TIMEOUT_SECONDS (3 × 10 s)
    assert elapsed < steps * 1.05 + 0.5 * steps * app.config["SQLITE_BUSY_TIMEOUT_SECONDS"]


def test_with_redis_the_export_waits_for_the_worker_then_is_ready(client, db, login_as, small_round, rq_mode):
    login_as("qa")
    url = f"/findings/rounds/{small_round.round.id}/findings.xlsx"
    page_url = job_page_of(client, url)
    job = _job(db, _job_id(page_url))
    assert job.status == "queued" and job.rq_job_id
    waiting = client.get(page_url).text
    assert "Your download is being prepared" in waiting and '<meta http-equiv="refresh"' in waiting
    assert "Waiting to start" in waiting
    assert run_worker_burst()
    ready = client.get(page_url).text
    assert "Your download is ready" in ready
    response = client.get(DOWNLOAD_LINK.search(ready).group(1))
    book = load_workbook(io.BytesIO(response.data))
    assert "Responses" in book.sheetnames
    assert (_job(db, job.id).status, _job(db, job.id).attempts) == ("done", 1)


def test_with_redis_rq_retries_a_failed_attempt(db, login_as, kinds, rq_mode):
    user = login_as("qa")
    job = _ask(db, user, "test_flaky", {"failures": 2})
    jobs.dispatch(job.id)
    run_worker_burst()
    job = _job(db, job.id)
    assert (job.status, job.attempts, kinds.calls["flaky"]) == ("done", 3, 3)


def test_with_redis_a_job_that_keeps_failing_is_marked_failed(db, login_as, kinds, rq_mode):
    from rq import Queue

    user = login_as("qa")
    job = _ask(db, user, "test_flaky", {"failures": 99})
    jobs.dispatch(job.id)
    run_worker_burst()
    job = _job(db, job.id)
    assert (job.status, job.attempts) == ("failed", 3)
    assert len(Queue(jobs.queue.QUEUE_NAME, connection=rq_mode).failed_job_registry) == 1


def test_with_redis_a_queued_job_lost_from_the_queue_is_put_back(app, client, db, login_as, kinds, rq_mode):
    user = login_as("qa")
    job = _ask(db, user, "test_text", {"text": "found again"})
    jobs.dispatch(job.id)
    rq_mode.flushdb()  # Redis lost its data
    assert not run_worker_burst()
    app.config["JOBS_QUEUED_GRACE_SECONDS"] = 0
    try:
        assert "Your download is being prepared" in client.get(f"/downloads/{job.id}").text
    finally:
        app.config["JOBS_QUEUED_GRACE_SECONDS"] = 30
    assert run_worker_burst()
    assert _job(db, job.id).status == "done"


def test_a_burst_worker_runs_the_queue_even_when_a_sweep_fails(app, db, login_as, kinds, rq_mode, caplog):
    """`flask jobs worker --burst` sweeps first (the outbox, expired downloads, orphaned files); a sweep that fails
    is logged, and the queued jobs still run."""
    from app.jobs.worker import run_worker

    def broken_sweep():
        raise RuntimeError("the mail server is down")

    user = login_as("qa")
    job = _ask(db, user, "test_text", {"text": "still made"})
    jobs.dispatch(job.id)
    registry.register_sweep(broken_sweep)
    try:
        did = run_worker(burst=True)
    finally:
        registry._sweeps.remove(broken_sweep)
    assert did
    assert _job(db, job.id).status == "done"
    assert "sweep broken_sweep failed" in caplog.text
