"""The orphan sweep (app.filestore_sweep): objects under FILE_STORAGE_URL's prefix that no stored file points at
are deleted once older than FILE_ORPHAN_GRACE_HOURS, by `flask files sweep` and with the worker's sweeps. An
object's age is set by moving the sweep's "now" on, never by sleeping."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

from app import filestore, filestore_s3, filestore_sweep
from app.filestore import StoredFileRecord
from app.utils import utcnow

from .conftest import BUCKET, PREFIX, s3_keys


def _orphan(client, key: str) -> None:
    client.put_object(Bucket=BUCKET, Key=key, Body=b"no row points here")


def _kept(db, name: str) -> None:
    filestore.put(name, io.BytesIO(b"a stored file"), content_type="application/pdf")
    db.session.commit()


def _later(monkeypatch, hours: float) -> None:
    """The sweep sees every object as `hours` older than it is."""
    moved = utcnow() + timedelta(hours=hours)
    monkeypatch.setattr(filestore_sweep, "utcnow", lambda: moved)


def test_an_old_orphan_goes_while_rowed_and_young_objects_stay(app, db, s3, monkeypatch, caplog):
    _kept(db, "kept.pdf")
    _orphan(s3, f"{PREFIX}orphan.pdf")
    # A row for the same key in another bucket does not keep this bucket's object.
    db.session.add(
        StoredFileRecord(
            name="elsewhere.pdf",
            content_type="application/pdf",
            size_bytes=1,
            sha256="0" * 64,
            backend="s3",
            location=f"s3://another-bucket/{PREFIX}elsewhere.pdf?region=eu-west-2",
        )
    )
    db.session.commit()
    _orphan(s3, f"{PREFIX}elsewhere.pdf")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["files", "sweep"])
    assert result.exit_code == 0, result.output
    assert "removed 0 orphaned object(s) of 3 under s3://evidence-test/files/" in result.output
    assert s3_keys(s3) == [f"{PREFIX}elsewhere.pdf", f"{PREFIX}kept.pdf", f"{PREFIX}orphan.pdf"], (
        "an orphan younger than the grace period may be an upload not yet committed"
    )

    _later(monkeypatch, 25)
    with caplog.at_level(logging.INFO, logger="app.filestore_sweep"):
        result = runner.invoke(args=["files", "sweep"])
    assert result.exit_code == 0, result.output
    assert "removed 2 orphaned object(s) of 3 under s3://evidence-test/files/" in result.output
    assert s3_keys(s3) == [f"{PREFIX}kept.pdf"], "the object a row points at stays"
    logged = [r.getMessage() for r in caplog.records if r.name == "app.filestore_sweep"]
    assert f"deleted the orphaned object {PREFIX}orphan.pdf" in logged
    assert not any("endpoint_url" in message or "127.0.0.1" in message for message in logged)
    assert "endpoint_url" not in result.output
    assert b"".join(filestore.chunks("kept.pdf")) == b"a stored file"


def test_the_grace_period_is_the_setting(app, db, s3, monkeypatch):
    _orphan(s3, f"{PREFIX}orphan.pdf")
    _later(monkeypatch, 2)
    result = app.test_cli_runner().invoke(args=["files", "sweep"])
    assert "removed 0" in result.output and s3_keys(s3) == [f"{PREFIX}orphan.pdf"], "24 hours by default"

    monkeypatch.setitem(app.config, "FILE_ORPHAN_GRACE_HOURS", 1)
    result = app.test_cli_runner().invoke(args=["files", "sweep"])
    assert "removed 1" in result.output and s3_keys(s3) == []


def test_objects_outside_the_prefix_are_never_touched(app, db, s3, monkeypatch):
    outside = ["files-other/report.pdf", "other/files/report.pdf", "stray.pdf"]
    for key in outside:
        _orphan(s3, key)
    _orphan(s3, f"{PREFIX}orphan.pdf")
    _later(monkeypatch, 24 * 365)

    result = app.test_cli_runner().invoke(args=["files", "sweep"])

    assert result.exit_code == 0, result.output
    assert "removed 1 orphaned object(s) of 1 under s3://evidence-test/files/" in result.output
    assert s3_keys(s3) == outside


def test_a_store_with_no_prefix_is_not_swept(app, db, s3, monkeypatch, s3_endpoint):
    """Without a prefix the bucket may be shared: nothing says which objects are the app's, so none is deleted."""
    monkeypatch.setitem(app.config, "FILE_STORAGE_URL", f"s3://{BUCKET}?endpoint_url={s3_endpoint}&region=eu-west-2")
    for key in ("another-app/report.pdf", "stray.pdf"):
        _orphan(s3, key)
    _later(monkeypatch, 24 * 365)

    result = app.test_cli_runner().invoke(args=["files", "sweep"])

    assert result.exit_code == 0, result.output
    assert "not swept: FILE_STORAGE_URL names no prefix" in result.output
    assert s3_keys(s3) == ["another-app/report.pdf", "stray.pdf"]


def test_with_the_database_store_there_is_nothing_to_sweep(app, db):
    assert not app.config["FILE_STORAGE_URL"]
    result = app.test_cli_runner().invoke(args=["files", "sweep"])
    assert result.exit_code == 0, result.output
    assert "nothing to sweep" in result.output


def test_every_page_of_the_listing_is_swept(app, db, s3, monkeypatch):
    _kept(db, "kept.pdf")
    orphans = [f"{PREFIX}orphan-{i}.pdf" for i in range(5)]
    for key in orphans:
        _orphan(s3, key)
    _later(monkeypatch, 25)
    pages = []
    list_objects = s3.list_objects_v2  # the sweep's client: one per endpoint and region

    def counting(**kwargs):
        page = list_objects(**kwargs)
        pages.append(page["KeyCount"])
        return page

    monkeypatch.setattr(s3, "list_objects_v2", counting)

    summary = filestore_sweep.sweep_orphans(page_size=2)

    assert summary == "removed 5 orphaned object(s) of 6 under s3://evidence-test/files/"
    assert pages == [2, 2, 2]
    assert s3_keys(s3) == [f"{PREFIX}kept.pdf"]


def test_an_object_that_cannot_be_deleted_fails_the_command(app, db, s3, monkeypatch):
    for key in (f"{PREFIX}a.pdf", f"{PREFIX}b.pdf"):
        _orphan(s3, key)
    _later(monkeypatch, 25)
    remove = filestore_s3.remove

    def failing(place, key):
        if key.endswith("a.pdf"):
            raise ConnectionError("the store went away")
        remove(place, key)

    monkeypatch.setattr(filestore_s3, "remove", failing)
    result = app.test_cli_runner().invoke(args=["files", "sweep"])
    assert result.exit_code == 1
    assert "removed 1 orphaned object(s) of 2" in result.output and "1 could not be deleted" in result.output
    assert s3_keys(s3) == [f"{PREFIX}a.pdf"], "one failure does not stop the rest"


def test_the_worker_sweeps_orphans_at_most_hourly(app, db, s3, monkeypatch):
    monkeypatch.setattr(filestore_sweep, "_last_run", None)
    _orphan(s3, f"{PREFIX}orphan.pdf")
    _later(monkeypatch, 25)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0, result.output
    assert "sweep_orphans_periodically: removed 1 orphaned object(s) of 1" in result.output
    assert s3_keys(s3) == []

    _orphan(s3, f"{PREFIX}another.pdf")
    result = runner.invoke(args=["jobs", "sweep"])
    assert "swept less than an hour ago" in result.output
    assert s3_keys(s3) == [f"{PREFIX}another.pdf"]
