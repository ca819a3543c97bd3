"""Evidence files are kept in the database (stored_file, stored_file_chunk), so every app server sees them and a
database backup holds them. Files already under UPLOAD_FOLDER are copied in, each checked against the SHA-256
recorded when it was uploaded; a missing or altered file stops the upgrade with its name, and nothing is deleted
from the folder (remove it once the upgrade has been checked).

Revision ID: 0022
Revises: 0021
"""

import hashlib
import os
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

CHUNK_BYTES = 256 * 1024


def _upload_folder() -> Path:
    try:
        from flask import current_app

        return Path(current_app.config["UPLOAD_FOLDER"])
    except (RuntimeError, KeyError):
        return Path(os.environ.get("UPLOAD_FOLDER", "instance/uploads"))


def upgrade():
    stored_file = op.create_table(
        "stored_file",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stored_file")),
    )
    chunk = op.create_table(
        "stored_file_chunk",
        sa.Column("file_name", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_name"],
            ["stored_file.name"],
            name=op.f("fk_stored_file_chunk_file_name_stored_file"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("file_name", "seq", name=op.f("pk_stored_file_chunk")),
    )
    _move_files_in(stored_file, chunk)


def _move_files_in(stored_file, chunk):
    conn = op.get_bind()
    evidence = conn.execute(
        sa.text("SELECT stored_name, content_type, sha256, uploaded_at FROM evidence_file ORDER BY id").columns(
            sa.column("stored_name", sa.String),
            sa.column("content_type", sa.String),
            sa.column("sha256", sa.String),
            sa.column("uploaded_at", sa.DateTime(timezone=True)),
        )
    ).all()
    if not evidence:
        return
    folder = _upload_folder()
    problems = []
    for name, content_type, sha256, uploaded_at in evidence:
        path = folder / name
        if not path.is_file():
            problems.append(f"{path}: missing")
            continue
        digest = hashlib.sha256()
        size = 0
        conn.execute(
            stored_file.insert().values(
                name=name, content_type=content_type, size_bytes=0, sha256="", created_at=uploaded_at
            )
        )
        with open(path, "rb") as source:
            seq = 0
            while data := source.read(CHUNK_BYTES):
                digest.update(data)
                size += len(data)
                conn.execute(chunk.insert().values(file_name=name, seq=seq, data=data))
                seq += 1
        if digest.hexdigest() != sha256:
            problems.append(f"{path}: its SHA-256 is not the one recorded at upload")
            continue
        conn.execute(stored_file.update().where(stored_file.c.name == name).values(size_bytes=size, sha256=sha256))
    if problems:
        raise RuntimeError(
            "Evidence files could not be moved into the database, so the upgrade stopped:\n" + "\n".join(problems)
        )


def downgrade():
    op.drop_table("stored_file_chunk")
    op.drop_table("stored_file")
