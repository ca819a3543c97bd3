"""Moving stored files between stores: `flask files move --to s3` (into the store FILE_STORAGE_URL names) and
`flask files move --to database`. Each file is copied, the copy checked against the SHA-256 recorded when the
file was stored, then its row points at the copy (one transaction per file); the source copy is deleted only
after that commit. A file that cannot be moved is reported as `name: message` and stays where it was.
`flask files sweep` deletes orphaned objects from the S3 store (app.filestore_sweep)."""

from __future__ import annotations

import hashlib

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app import filestore, filestore_s3
from app.db import writing
from app.extensions import db
from app.filestore import DATABASE, S3, StoredFileChunk, StoredFileRecord
from app.filestore_sweep import OrphanSweepError, sweep_orphans

files_cli = AppGroup("files", help="Stored files (evidence, prepared downloads).")


class MoveError(Exception):
    """Why one file was not moved."""


def _record(name: str) -> StoredFileRecord:
    record = db.session.get(StoredFileRecord, name, populate_existing=True)
    if record is None:
        raise MoveError("deleted while it was being moved")
    return record


def _mismatch(where: str, record: StoredFileRecord, size: int, sha256: str) -> MoveError:
    return MoveError(
        f"{where} does not match the SHA-256 recorded when the file was stored "
        f"({size} bytes, SHA-256 {sha256}; expected {record.size_bytes} bytes, SHA-256 {record.sha256})"
    )


def move_to_s3(name: str, place: filestore_s3.S3Place) -> None:
    """Copy a database-held file into the S3 store, check the copy by reading it back, then point the row at it
    and delete its chunks (commits). Only `flask files move` calls this."""
    record = _record(name)
    key = place.key_for(name)
    size, sha256 = filestore_s3.upload(
        place,
        key,
        filestore_s3.ChunkReader(filestore.database_chunks(name)),
        content_type=record.content_type,
        in_this_thread=True,
    )
    try:
        if (size, sha256) != (record.size_bytes, record.sha256):
            raise _mismatch("the file in the database", record, size, sha256)
        digest, read = hashlib.sha256(), 0
        for data in filestore_s3.download_chunks(place, key, filestore.CHUNK_BYTES):
            digest.update(data)
            read += len(data)
        if (read, digest.hexdigest()) != (record.size_bytes, record.sha256):
            raise _mismatch("the copy in the object store", record, read, digest.hexdigest())
        db.session.commit()  # end the reads: SQLite cannot upgrade a reader that others overtook
        with writing():
            record = _record(name)
            if record.backend != DATABASE or record.sha256 != sha256:
                raise MoveError("changed while it was being moved")
            record.backend, record.location = S3, place.location(key)
            db.session.execute(sa.delete(StoredFileChunk.__table__).where(StoredFileChunk.file_name == name))
            db.session.commit()
    except Exception:
        db.session.rollback()
        filestore_s3.remove(place, key)  # the unverified or unused copy; the file stays in the database
        raise


def move_to_database(name: str) -> None:
    """Copy an S3-held file into database chunks, checking its SHA-256 as it is read, point the row at them
    (commits), then delete the object. Only `flask files move` calls this."""
    db.session.commit()
    with writing():
        record = _record(name)
        if record.backend != S3 or not record.location:
            raise MoveError("is not held in an object store")
        location = record.location
        place, key = filestore.s3_place_of(location)
        try:
            size, sha256 = filestore.write_chunks(name, filestore_s3.download_chunks(place, key, filestore.CHUNK_BYTES))
            if (size, sha256) != (record.size_bytes, record.sha256):
                raise _mismatch("the object in the store", record, size, sha256)
        except Exception:
            db.session.rollback()
            raise
        record.backend, record.location = DATABASE, None
        db.session.commit()
    filestore.remove_object(location)


def move_all(to: str, *, echo) -> tuple[int, list[str]]:
    """Move every file not yet in `to` ("s3" or "database"): how many moved, and a `name: message` per failure."""
    if to == S3:
        place = filestore.configured_store()
        if place is None:
            raise click.UsageError("FILE_STORAGE_URL must name the S3 store to move files into (s3://bucket/prefix)")
    names = (
        db.session.execute(
            sa.select(StoredFileRecord.name).where(StoredFileRecord.backend != to).order_by(StoredFileRecord.name)
        )
        .scalars()
        .all()
    )
    moved, failures = 0, []
    for name in names:
        try:
            move_to_s3(name, place) if to == S3 else move_to_database(name)
        except Exception as exc:  # one file's problem never stops the others
            db.session.rollback()
            message = str(exc) if isinstance(exc, MoveError) else f"{type(exc).__name__}: {exc}"
            failures.append(f"{name}: {message}")
            echo(failures[-1], err=True)
            continue
        moved += 1
    return moved, failures


@files_cli.command("move")
@click.option("--to", "to", type=click.Choice([S3, DATABASE]), required=True, help="The store to move files into.")
def move_command(to):
    """Move stored files into the object store FILE_STORAGE_URL names, or back into the database."""
    current_app.logger.info("moving stored files into %s", to)
    moved, failures = move_all(to, echo=click.echo)
    click.echo(f"{moved} file(s) moved into {to}, {len(failures)} not moved")
    if failures:
        raise SystemExit(1)


@files_cli.command("sweep")
def sweep_command():
    """Delete objects in the S3 store that no stored file points at, once older than FILE_ORPHAN_GRACE_HOURS."""
    try:
        click.echo(sweep_orphans())
    except OrphanSweepError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1)
