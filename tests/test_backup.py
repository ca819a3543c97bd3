"""Backups: `python -m app.backup backup` then `restore` brings back a database whose signed statements
still verify. Runs against a database of its own (SQLite file, or `test_backup` on the PostgreSQL pass)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.e2e.live import ROOT, app_env, demo_database, flask_cli

pytestmark = pytest.mark.slow


def _backup_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.backup", *args],
        cwd=ROOT,
        env=app_env(url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _verified_count(url: str) -> int:
    result = flask_cli(url, "statements", "verify", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return int(re.search(r"OK: (\d+) signed", result.stdout).group(1))


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory):
    with demo_database("test_backup", tmp_path_factory.mktemp("backup")) as url:
        yield url


def test_restored_backup_still_verifies_every_statement(seeded_database, tmp_path):
    url = seeded_database
    signed = _verified_count(url)
    assert signed >= 1, "the demo data should include a signed statement"

    backup_file = tmp_path / "riverside.backup"
    taken = _backup_cli(url, "backup", "--output", str(backup_file))
    assert taken.returncode == 0, taken.stderr
    assert backup_file.stat().st_size > 0
    assert not list(tmp_path.glob("*.partial"))

    engine = sa.create_engine(url)
    with engine.begin() as conn:  # lose and damage data after the backup was taken
        original = conn.execute(
            sa.text("SELECT id, sections FROM statement WHERE content_hash IS NOT NULL ORDER BY id")
        ).all()
        conn.execute(
            sa.text("UPDATE statement SET sections = :s WHERE id = :id"),
            {"s": '{"nature": "tampered"}', "id": original[0].id},
        )
        conn.execute(sa.text("DELETE FROM action_update"))  # (the activity log itself refuses deletes)
    engine.dispose()
    assert flask_cli(url, "statements", "verify", check=False).returncode == 1

    restored = _backup_cli(url, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert _verified_count(url) == signed
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT id, sections FROM statement WHERE content_hash IS NOT NULL ORDER BY id")).all()
            == original
        )
        assert conn.execute(sa.text("SELECT count(*) FROM action_update")).scalar_one() > 0
    engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(seeded_database, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    result = _backup_cli(seeded_database, "restore", str(bogus))
    assert result.returncode == 1
    assert "not a" in result.stderr and "Traceback" not in result.stderr
    missing = _backup_cli(seeded_database, "restore", str(tmp_path / "missing.dump"))
    assert missing.returncode == 1 and "no such backup file" in missing.stderr
    assert _verified_count(seeded_database) >= 1  # nothing was touched
