"""Backups: `python -m app.backup backup` then `restore` brings back a database whose signed statements
still verify and whose evidence files (held in the database) are whole. Runs against a database of its own (SQLite
file, or `test_backup` on the PostgreSQL pass)."""

from __future__ import annotations

import hashlib
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


def test_restored_backup_brings_back_signed_statements_and_evidence_files(seeded_database, tmp_path):
    url = seeded_database
    signed = _verified_count(url)
    assert signed >= 1, "the demo data should include a signed statement"

    evidence = b"%PDF-1.4\n" + bytes(range(256)) * 1200
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # an uploaded evidence file: held in the database, so in its backup
        conn.execute(
            sa.text(
                "INSERT INTO stored_file (name, content_type, size_bytes, sha256, created_at) "
                "VALUES ('feedfacefeedfacefeedfacefeedface.pdf', 'application/pdf', :n, :sha, CURRENT_TIMESTAMP)"
            ),
            {"n": len(evidence), "sha": hashlib.sha256(evidence).hexdigest()},
        )
        for seq, start in enumerate(range(0, len(evidence), 100_000)):
            conn.execute(
                sa.text(
                    "INSERT INTO stored_file_chunk (file_name, seq, data) "
                    "VALUES ('feedfacefeedfacefeedfacefeedface.pdf', :seq, :data)"
                ).bindparams(sa.bindparam("data", type_=sa.LargeBinary)),
                {"seq": seq, "data": evidence[start : start + 100_000]},
            )
    engine.dispose()

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
        conn.execute(sa.text("DELETE FROM stored_file"))
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
        restored_bytes = b"".join(
            bytes(chunk)
            for chunk in conn.execute(
                sa.text("SELECT data FROM stored_file_chunk WHERE file_name LIKE 'feedface%' ORDER BY seq")
            ).scalars()
        )
        assert restored_bytes == evidence
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
