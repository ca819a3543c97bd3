"""Prepared downloads expire JOBS_FILE_RETENTION_HOURS after they were ready: the sweep deletes the file from the
store that holds it and marks the job expired; its page says so and offers to prepare it again; fresh downloads
are untouched. Run against both stores."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app import filestore
from app.jobs import registry
from app.jobs.expiry import expire_downloads
from app.jobs.models import BackgroundJob
from app.utils import utcnow
from tests.downloads import DOWNLOAD_LINK, job_page_of
from tests.files.conftest import s3_keys

XLSX_START = b"PK\x03\x04"


def _prepare(client, url: str) -> BackgroundJob:
    page = job_page_of(client, url)
    job_id = int(re.search(r"/downloads/(\d+)$", page).group(1))
    assert "Your download is ready" in client.get(page).text
    return client.application.extensions["sqlalchemy"].session.get(BackgroundJob, job_id)


def _age(db, job: BackgroundJob, hours: float) -> None:
    job.finished_at = utcnow() - timedelta(hours=hours)
    db.session.commit()


def test_the_sweep_deletes_old_files_and_their_page_offers_to_prepare_again(
    client, db, login_as, small_round, store, runner
):
    login_as("qa")
    offer = f"/findings/rounds/{small_round.round.id}/findings.xlsx"
    old, fresh = _prepare(client, offer), _prepare(client, offer)
    old_file, fresh_file = old.file_name, fresh.file_name
    if store is not None:
        assert len(s3_keys(store)) == 2
    _age(db, old, 25)
    _age(db, fresh, 23)

    result = runner.invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0, result.output
    assert "expire_downloads: 1 prepared download(s) expired" in result.output

    db.session.expire_all()
    old, fresh = db.session.get(BackgroundJob, old.id), db.session.get(BackgroundJob, fresh.id)
    assert (old.status, old.file_name) == ("expired", None)
    assert filestore.record_for(old_file) is None and list(filestore.database_chunks(old_file)) == []
    assert (fresh.status, fresh.file_name) == ("done", fresh_file)
    if store is not None:
        assert s3_keys(store) == [f"files/{fresh_file}"], "the expired file's bytes are gone from the store"
    assert client.get(f"/downloads/{fresh.id}/file").data.startswith(XLSX_START)

    page = client.get(f"/downloads/{old.id}")
    assert page.status_code == 200
    text = page.text
    assert "<title>Your download has expired" in text
    assert "Prepared files are deleted 24 hours after they are ready" in text
    assert f'href="/findings/rounds/{small_round.round.id}"' in text  # the back link
    assert f'<form method="post" action="{offer}"' in text and "Prepare it again" in text
    assert DOWNLOAD_LINK.search(text) is None and "<meta http-equiv" not in text
    link = client.get(f"/downloads/{old.id}/file")
    assert link.status_code == 302 and link.headers["Location"].endswith(f"/downloads/{old.id}")

    again = client.post(offer)  # the button on the expired page
    assert again.status_code == 302
    assert "Your download is ready" in client.get(again.headers["Location"]).text


def test_a_page_opened_past_its_time_expires_the_file_before_the_sweep_runs(client, db, login_as, small_round, store):
    login_as("qa")
    job = _prepare(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx")
    name = job.file_name
    _age(db, job, 30)
    assert "Your download has expired" in client.get(f"/downloads/{job.id}").text
    assert client.get(f"/downloads/{job.id}/file").status_code == 302
    db.session.expire_all()
    assert filestore.record_for(name) is None
    if store is not None:
        assert s3_keys(store) == []


def test_a_retention_of_zero_keeps_prepared_files(app, client, db, login_as, small_round, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_FILE_RETENTION_HOURS", 0)
    login_as("qa")
    job = _prepare(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx")
    _age(db, job, 24 * 365)
    assert "kept" in expire_downloads()
    assert "Your download is ready" in client.get(f"/downloads/{job.id}").text
    assert db.session.execute(sa.select(BackgroundJob.status).where(BackgroundJob.id == job.id)).scalar_one() == "done"


def test_the_worker_sweeps_expired_downloads():
    assert expire_downloads in registry.sweeps()
