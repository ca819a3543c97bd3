"""Backups of the whole database, and restoring one (`make backup`, `make restore FILE=...`).

    python -m app.backup backup [--output FILE] [--database-url URL]
    python -m app.backup restore FILE [--database-url URL]

SQLite is copied with sqlite3's online backup API, so a backup taken while the service runs is consistent.
PostgreSQL uses pg_dump's custom format (-Fc) and pg_restore, which replaces every object in one transaction.
The database is the one the service uses: DATABASE_URL, or the SQLite file under instance/ by default.
Uploaded evidence files held in the database (app/filestore.py, the default) are in the backup; with
FILE_STORAGE_URL naming an S3-compatible store, the backup holds their rows (name, size, SHA-256, where the object
is) but not the objects: back the bucket up beside it.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

from config import INSTANCE_DIR, normalise_database_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


def database_url(explicit: str | None = None) -> str:
    if explicit:
        return normalise_database_url(explicit)
    from config import config_for

    return config_for(None).SQLALCHEMY_DATABASE_URI


def _libpq_url(url: str) -> str:
    """pg_dump and pg_restore take a libpq URL: the same address without SQLAlchemy's driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up; set DATABASE_URL to a file")
    return Path(parsed.database)


def default_output(url: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return INSTANCE_DIR / "backups" / f"{_sqlite_path(url).stem}-{stamp}.sqlite3"
    return INSTANCE_DIR / "backups" / f"{parsed.database}-{stamp}.dump"


def backup(url: str, output: Path | None = None) -> Path:
    output = Path(output) if output else default_output(url)
    output.parent.mkdir(parents=True, exist_ok=True)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        source_path = _sqlite_path(url)
        if not source_path.exists():
            raise BackupError(f"{source_path}: no such database file")
        partial = output.with_name(output.name + ".partial")
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        os.replace(partial, output)  # a reader never sees a half-written backup
    elif backend == "postgresql":
        partial = output.with_name(output.name + ".partial")
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(partial),
                "--dbname",
                _libpq_url(url),
            ]
        )
        os.replace(partial, output)
    else:
        raise BackupError(f"backups of {backend} databases are not supported")
    return output


def restore(url: str, source: Path) -> None:
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    with source.open("rb") as handle:
        magic = handle.read(16)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        if not magic.startswith(SQLITE_MAGIC):
            raise BackupError(f"{source}: not a SQLite backup (for PostgreSQL backups set DATABASE_URL to the server)")
        target_path = _sqlite_path(url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            backup_db.backup(target)  # replaces every page of the target in one step
        finally:
            target.close()
            backup_db.close()
    elif backend == "postgresql":
        if not magic.startswith(PGDUMP_MAGIC):
            raise BackupError(f"{source}: not a pg_dump custom-format backup")
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                _libpq_url(url),
                str(source),
            ]
        )
    else:
        raise BackupError(f"restoring {backend} databases is not supported")


def _run(command: list[str]) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (install the PostgreSQL client tools)") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="defaults to DATABASE_URL, as the service uses")
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("backup", help="write a backup file")
    take.add_argument("--output", "-o", type=Path, help="backup file (default: instance/backups/<db>-<time>)")
    take.add_argument("--database-url", dest="database_url_sub")
    put_back = commands.add_parser("restore", help="replace the database with a backup")
    put_back.add_argument("file", type=Path)
    put_back.add_argument("--database-url", dest="database_url_sub")
    args = parser.parse_args(argv)
    url = database_url(args.database_url_sub or args.database_url)
    try:
        if args.command == "backup":
            path = backup(url, args.output)
            print(f"Backup written to {path}")
        else:
            restore(url, args.file)
            print(f"Restored {args.file} into {make_url(url).render_as_string(hide_password=True)}")
    except BackupError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
