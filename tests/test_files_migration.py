"""Migration 0022 moves evidence files kept under UPLOAD_FOLDER into the database, checking each one's SHA-256,
and stops, naming the file, when one is missing or altered. Runs on a database of its own."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.extensions import db as _db
from tests.e2e.live import create_database, drop_database

CONTENT = b"%PDF-1.4\n" + bytes(range(256)) * 2000  # over two chunks


def _database_name() -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    stem = make_url(base).database if base and base.startswith("postgres") else "test"
    return f"{stem}_files_migration"


def _add_evidence_row(engine, stored_name: str, sha256: str) -> None:
    """An evidence_file row as a release before 0022 wrote it; its parents do not matter here, so foreign key
    checks are off for this one connection."""
    now = datetime.now(timezone.utc)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if engine.dialect.name == "sqlite" else now
    values = (stored_name, len(CONTENT), sha256, stamp)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("COMMIT") if raw.driver_connection.in_transaction else None
            cursor.execute("PRAGMA foreign_keys=OFF")
            marker = "?"
        else:
            cursor.execute("SET session_replication_role = replica")
            marker = "%s"
        cursor.execute(
            "INSERT INTO evidence_file (return_answer_id, original_name, stored_name, content_type, size_bytes,"
            f" sha256, uploaded_at) VALUES (999, 'policy.pdf', {marker}, 'application/pdf', {marker}, {marker},"
            f" {marker})",
            values,
        )
        raw.commit()
    finally:
        raw.close()


@pytest.fixture
def old_release(app, tmp_path):
    """A database at migration 0021 holding one evidence file on disk, as releases before 0022 kept them."""
    from flask_migrate import upgrade

    from app import create_app

    url = create_database(_database_name(), tmp_path)
    folder = tmp_path / "uploads"
    folder.mkdir()
    other = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(folder))
    try:
        with other.app_context():
            upgrade(revision="0021")
            stored_name = "0123456789abcdef0123456789abcdef.pdf"
            (folder / stored_name).write_bytes(CONTENT)
            _add_evidence_row(_db.engine, stored_name, hashlib.sha256(CONTENT).hexdigest())
            yield other, folder / stored_name
            _db.engine.dispose()
    finally:
        drop_database(url)


def test_files_on_disk_move_into_the_database_unchanged(old_release):
    from flask_migrate import upgrade

    from app import filestore

    application, path = old_release
    upgrade()
    with application.test_request_context():
        record = filestore.record_for(path.name)
        assert record.size_bytes == len(CONTENT) and record.sha256 == hashlib.sha256(CONTENT).hexdigest()
        assert b"".join(filestore.chunks(path.name)) == CONTENT
        assert _db.session.execute(sa.text("SELECT count(*) FROM stored_file_chunk")).scalar_one() > 1
        _db.session.remove()
    assert path.exists(), "the folder is left for the operator to remove once the upgrade is checked"


def _upgrade_raising(application) -> None:
    """Upgrade to head through alembic itself, which lets the migration's error through (flask db upgrade prints
    it and exits 1)."""
    from alembic import command

    command.upgrade(application.extensions["migrate"].migrate.get_config(), "head")


def test_an_altered_file_stops_the_upgrade_and_names_it(old_release):
    application, path = old_release
    path.write_bytes(CONTENT + b"changed")
    with pytest.raises(RuntimeError, match=f"{path.name}: its SHA-256 is not the one recorded at upload"):
        _upgrade_raising(application)


def test_a_missing_file_stops_the_upgrade_and_names_it(old_release):
    application, path = old_release
    path.unlink()
    with pytest.raises(RuntimeError, match=f"{path.name}: missing"):
        _upgrade_raising(application)
