"""Where uploaded files and prepared downloads live. `app.uploads` checks a file and calls `put`; downloads stream
it back a chunk at a time with `chunks`; `delete` removes it. No file is ever held whole in memory.

Every file is a `stored_file` row (its random name, type, size and SHA-256, and which store holds its bytes), so
permission checks and metadata never depend on the store. FILE_STORAGE_URL chooses where new files' bytes go:

- empty or `database:` (the default): `stored_file_chunk` rows of at most CHUNK_BYTES each, written in the
  request's transaction, so a refused form leaves nothing behind and a database backup holds them;
- `s3://bucket/prefix?endpoint_url=...&region=...`: an S3-compatible object store (app.filestore_s3). The object
  is written when `put` is called; if the transaction that wrote its row is then rolled back, the object is
  deleted, and a deleted file's object is removed only once the deletion has been committed.

A file is read from the store that holds it whatever the setting says now; `flask files move` moves files
between stores (app.filestore_move).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Iterator

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app import filestore_s3
from app.extensions import db
from app.utils import utcnow

log = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024
DATABASE, S3 = "database", "s3"
BACKENDS = (DATABASE, S3)


class StoredFileRecord(db.Model):
    """One stored file: what it is, and which store holds its bytes (its chunks, or an S3 object)."""

    __tablename__ = "stored_file"
    __table_args__ = (sa.CheckConstraint("backend IN ('database', 's3')", name="backend_known"),)

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    backend: Mapped[str] = mapped_column(sa.String(10), default=DATABASE, server_default=DATABASE)
    # For an S3 file, s3://bucket/key with the endpoint and region it was written to; empty in the database.
    location: Mapped[str | None] = mapped_column(sa.String(1000))


class StoredFileChunk(db.Model):
    __tablename__ = "stored_file_chunk"

    file_name: Mapped[str] = mapped_column(sa.ForeignKey("stored_file.name", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


def configured_store() -> filestore_s3.S3Place | None:
    """The S3 store FILE_STORAGE_URL names, or None for the database."""
    return filestore_s3.storage_place(current_app.config.get("FILE_STORAGE_URL"))


def s3_place_of(location: str) -> tuple[filestore_s3.S3Place, str]:
    """Where an S3 file recorded at `location` is read: its bucket and key, through the configured endpoint and
    region while FILE_STORAGE_URL names an S3 store, else through those it was written to."""
    place, key = filestore_s3.parse_location(location)
    configured = configured_store()
    if configured is not None:
        place = filestore_s3.S3Place(
            bucket=place.bucket, endpoint_url=configured.endpoint_url, region=configured.region
        )
    return place, key


def put(name: str, stream: BinaryIO, *, content_type: str) -> tuple[int, str]:
    """Store the rest of `stream` under `name` in the current transaction (the caller commits), in the store
    FILE_STORAGE_URL names: its size and SHA-256. Called by app.uploads.save_upload once the file has been checked,
    and by background jobs for the files they prepare."""
    place = configured_store()
    record = StoredFileRecord(name=name, content_type=content_type, size_bytes=0, sha256="", backend=DATABASE)
    if place is not None:
        record.backend, record.location = S3, place.location(place.key_for(name))
    db.session.add(record)
    db.session.flush()  # a clashing name fails here, before any bytes are written
    if place is None:
        size, sha256 = write_chunks(name, _read_in_chunks(stream))
    else:
        _remember(WRITTEN, record.location)  # removed again if this transaction is rolled back
        size, sha256 = filestore_s3.upload(place, place.key_for(name), stream, content_type=content_type)
    record.size_bytes, record.sha256 = size, sha256
    db.session.flush()
    return size, sha256


def _read_in_chunks(stream: BinaryIO) -> Iterator[bytes]:
    while data := stream.read(CHUNK_BYTES):
        yield data


def write_chunks(name: str, parts: Iterator[bytes]) -> tuple[int, str]:
    """Write `parts` as the database chunks of file `name` (whose row exists), re-cut to CHUNK_BYTES: their size
    and SHA-256. In the current transaction; used by `put` and by moves into the database."""
    digest, size, seq, buffer = hashlib.sha256(), 0, 0, b""
    table = StoredFileChunk.__table__
    for data in parts:
        digest.update(data)
        size += len(data)
        buffer += data
        while len(buffer) >= CHUNK_BYTES:
            db.session.execute(sa.insert(table).values(file_name=name, seq=seq, data=buffer[:CHUNK_BYTES]))
            buffer, seq = buffer[CHUNK_BYTES:], seq + 1
    if buffer:
        db.session.execute(sa.insert(table).values(file_name=name, seq=seq, data=buffer))
    return size, digest.hexdigest()


def record_for(name: str) -> StoredFileRecord | None:
    """The file's row (name, type, size, SHA-256, store), or None; reads only."""
    return db.session.get(StoredFileRecord, name)


def chunks(name: str) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time, from the store that holds it: memory holds one chunk. A streamed
    response wraps this in stream_with_context so that it reads through the request's session."""
    record = db.session.get(StoredFileRecord, name)
    if record is None:
        return
    if record.backend == S3:
        place, key = s3_place_of(record.location)
        yield from filestore_s3.download_chunks(place, key, CHUNK_BYTES)
    else:
        yield from database_chunks(name)


def database_chunks(name: str) -> Iterator[bytes]:
    """A database-held file's chunks, each read by a query of its own."""
    table = StoredFileChunk.__table__
    seq = 0
    while True:
        data = db.session.execute(
            sa.select(table.c.data).where(table.c.file_name == name, table.c.seq == seq)
        ).scalar_one_or_none()
        if data is None:
            return
        yield bytes(data)
        seq += 1


def delete(name: str) -> None:
    """Remove the file and its bytes in the current transaction (the caller commits); an S3 object is deleted once
    that commit has happened. Called by the services and routes that remove evidence, and by download expiry."""
    record = db.session.get(StoredFileRecord, name)
    if record is not None and record.backend == S3 and record.location:
        if _written_here(record.location):
            remove_object(record.location)  # no outcome of this transaction keeps a row that needs it
        else:
            _remember(DELETED, record.location)
    db.session.execute(sa.delete(StoredFileChunk.__table__).where(StoredFileChunk.file_name == name))
    db.session.execute(sa.delete(StoredFileRecord.__table__).where(StoredFileRecord.name == name))
    if record is not None:
        db.session.expunge(record)


def remove_object(location: str) -> None:
    """Delete an S3 object now (outside any transaction); a failure is logged, leaving an orphan to sweep."""
    try:
        place, key = s3_place_of(location)
        filestore_s3.remove(place, key)
    except Exception:
        log.exception("could not delete the stored object %s", location.split("?")[0])


# --- S3 objects follow the transaction that wrote or deleted their row ------------------------------------------

WRITTEN, DELETED = "written", "deleted"
_PENDING, _COMMITTED = "filestore_pending", "filestore_committed"


@dataclass(frozen=True)
class _Pending:
    kind: str
    location: str
    transaction: object


def _remember(kind: str, location: str) -> None:
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append(_Pending(kind, location, transaction))


def _written_here(location: str) -> bool:
    """Whether the object was written in the current transaction (or a savepoint of it already released)."""
    session = db.session()
    current = session.get_nested_transaction() or session.get_transaction()
    pending = session.info.get(_PENDING) or []
    return any(p.kind == WRITTEN and p.location == location and _within(p.transaction, current) for p in pending)


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _note_commit(session) -> None:
    if session.info.get(_PENDING):
        session.info[_COMMITTED] = session.get_nested_transaction() or session.get_transaction()


@event.listens_for(Session, "after_transaction_end")
def _settle(session, transaction) -> None:
    """A transaction ended: after a commit, a savepoint's objects become its parent's and the outermost one's
    deletions are carried out; after a rollback (or a close without commit), what it wrote is deleted."""
    pending = session.info.get(_PENDING)
    if not pending:
        return
    committed = session.info.get(_COMMITTED) is transaction
    if committed:
        session.info.pop(_COMMITTED, None)
    ended = [p for p in pending if _within(p.transaction, transaction)]
    if not ended:
        return
    rest = [p for p in pending if not _within(p.transaction, transaction)]
    if committed and transaction.parent is not None:
        rest += [_Pending(p.kind, p.location, transaction.parent) for p in ended]
        ended = []
    session.info[_PENDING] = rest
    for item in ended:
        if item.kind == (DELETED if committed else WRITTEN):
            remove_object(item.location)
