"""A worker killed in the middle of a job: the job is left 'running', and the next worker to start picks it up,
runs it again and finishes it, with the cut-short attempt counted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from tests.e2e.live import ROOT, app_env, create_database, drop_database, flask_cli
from tests.faults.conftest import second_app
from tests.jobs.conftest import REDIS_URL
from tests.jobs.gated_worker import gated

pytestmark = pytest.mark.slow


def _row(url: str, job_id: int):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT status, attempts, worker, file_name FROM background_job WHERE id = :id"), {"id": job_id}
            ).one()
    finally:
        engine.dispose()


def _wait_for(url: str, job_id: int, status: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = _row(url, job_id)
        if row.status == status:
            return row
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached {status}: {_row(url, job_id)}")


def _worker(url: str, gate, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.gated_worker", str(gate), *args],
        cwd=ROOT,
        env=app_env(url, JOBS_REDIS_URL=REDIS_URL, JOBS_RETRY_SECONDS="0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as a whole as a crash would
    )


def test_a_job_cut_short_by_a_killed_worker_is_finished_by_the_next(redis_db, tmp_path):
    from app import jobs
    from app.extensions import db
    from app.jobs.registry import register_kind, unregister_kind
    from tests import factories

    url = create_database("test_jobs_restart", tmp_path)
    flask_cli(url, "db", "upgrade")
    gate = tmp_path / "gate"
    app = second_app(url, JOBS_REDIS_URL=REDIS_URL)
    register_kind("test_gated", gated)
    first = None
    try:
        with app.app_context():
            user = factories.make_user(roles=["qa"])
            job = jobs.request_download(user, "test_gated", {"gate": str(gate)}, title="Gated")
            db.session.commit()
            job_id = job.id
            jobs.dispatch(job_id)
            db.session.remove()
        first = _worker(url, gate)
        try:
            running = _wait_for(url, job_id, "running")
        except AssertionError:
            os.killpg(first.pid, signal.SIGKILL)
            raise AssertionError(first.communicate()[0].decode()) from None
        assert running.worker.endswith(f":{first.pid}")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        assert _row(url, job_id).status == "running"  # nothing told the database: the worker just vanished

        gate.touch()
        second = _worker(url, gate, "--burst")
        output = second.communicate(timeout=180)[0].decode()
        assert second.returncode == 0, output
        done = _row(url, job_id)
        assert (done.status, done.attempts) == ("done", 2), output
        with app.app_context():
            from app import filestore

            assert b"".join(filestore.chunks(done.file_name)) == b"made after the gate opened"
            db.session.remove()
    finally:
        unregister_kind("test_gated")
        if first is not None and first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        with app.app_context():
            db.engine.dispose()
        drop_database(url)
