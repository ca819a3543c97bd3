"""Where uploaded files live: in the database, in chunks, so every app server sees them and a database backup
already holds them. `app.uploads` checks a file and calls `put`; downloads stream it back a chunk at a time.

A file is a `stored_file` row (its random name, type, size and SHA-256) and its bytes in `stored_file_chunk` rows
of at most CHUNK_BYTES each, written and read one chunk at a time: a file is never held whole in memory. The
rows are written in the request's transaction, so a refused form leaves no file behind.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import BinaryIO, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.utils import utcnow

CHUNK_BYTES = 256 * 1024


class StoredFileRecord(db.Model):
    """One stored file: what it is; its bytes are its chunks."""

    __tablename__ = "stored_file"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class StoredFileChunk(db.Model):
    __tablename__ = "stored_file_chunk"

    file_name: Mapped[str] = mapped_column(sa.ForeignKey("stored_file.name", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


def put(name: str, stream: BinaryIO, *, content_type: str) -> tuple[int, str]:
    """Store the rest of `stream` under `name` in the current transaction (the caller commits): its size and
    SHA-256. Called by app.uploads.save_upload once the file has been checked."""
    digest = hashlib.sha256()
    size = 0
    record = StoredFileRecord(name=name, content_type=content_type, size_bytes=0, sha256="")
    db.session.add(record)
    db.session.flush()
    chunks = StoredFileChunk.__table__
    seq = 0
    while True:
        data = stream.read(CHUNK_BYTES)
        if not data:
            break
        digest.update(data)
        size += len(data)
        db.session.execute(sa.insert(chunks).values(file_name=name, seq=seq, data=data))
        seq += 1
    record.size_bytes = size
    record.sha256 = digest.hexdigest()
    db.session.flush()
    return size, record.sha256


def record_for(name: str) -> StoredFileRecord | None:
    return db.session.get(StoredFileRecord, name)


def chunks(name: str) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time, each read by a query of its own, so memory holds one chunk. A streamed
    response wraps this in stream_with_context so that it reads through the request's session."""
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
    """Remove the file and its bytes in the current transaction (the caller commits)."""
    db.session.execute(sa.delete(StoredFileChunk.__table__).where(StoredFileChunk.file_name == name))
    db.session.execute(sa.delete(StoredFileRecord.__table__).where(StoredFileRecord.name == name))
