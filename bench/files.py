"""Evidence upload and download throughput: through the app's upload checks and database storage
(app/uploads.py, app/filestore.py) against the same bytes written to and read from the bare file system.

Both sides move the same files in the same chunks and make them durable the same way before counting a file as
stored: the app commits its transaction, the floor fsyncs its file. Downloads read every byte back: the app
through `send_stored`'s streamed response, the floor from the file."""

from __future__ import annotations

import io
import os
import random
import statistics
import time
from pathlib import Path

from app.filestore import CHUNK_BYTES

FILES = 4
FILE_BYTES = 4 * 1024 * 1024


def _documents(count: int, size: int) -> list[bytes]:
    """Deterministic incompressible PDF-looking files (the upload check reads the PDF signature only)."""
    draw = random.Random(20261202)
    return [b"%PDF-1.7\n" + draw.randbytes(size - 9) for _ in range(count)]


def _app_round(app, db, documents: list[bytes]) -> tuple[float, float]:
    """Seconds to upload every document through save_upload (one commit each) and to download each through
    send_stored; the stored files are deleted afterwards."""
    from werkzeug.datastructures import FileStorage

    from app import filestore, uploads

    names = []
    started = time.perf_counter()
    for index, data in enumerate(documents):
        with app.test_request_context("/"):
            stored = uploads.save_upload(
                FileStorage(io.BytesIO(data), filename=f"evidence-{index}.pdf", content_type="application/pdf")
            )
            db.session.commit()
            names.append(stored.stored_name)
    upload = time.perf_counter() - started
    started = time.perf_counter()
    for name, data in zip(names, documents, strict=True):
        with app.test_request_context("/"):
            response = uploads.send_stored(name, "evidence.pdf")
            received = sum(len(part) for part in response.response)
            db.session.rollback()
        if received != len(data):
            raise RuntimeError(f"downloaded {received} bytes of {len(data)}")
    download = time.perf_counter() - started
    with app.app_context():
        for name in names:
            filestore.delete(name)
        db.session.commit()
    return upload, download


def _bare_round(folder: Path, documents: list[bytes]) -> tuple[float, float]:
    """The same files written chunk by chunk and fsynced, then read back chunk by chunk."""
    paths = []
    started = time.perf_counter()
    for index, data in enumerate(documents):
        path = folder / f"evidence-{index}.pdf"
        with open(path, "wb") as out:
            for offset in range(0, len(data), CHUNK_BYTES):
                out.write(data[offset : offset + CHUNK_BYTES])
            out.flush()
            os.fsync(out.fileno())
        paths.append(path)
    upload = time.perf_counter() - started
    started = time.perf_counter()
    for path, data in zip(paths, documents, strict=True):
        received = 0
        with open(path, "rb") as source:
            while chunk := source.read(CHUNK_BYTES):
                received += len(chunk)
        if received != len(data):
            raise RuntimeError(f"read {received} bytes of {len(data)}")
    download = time.perf_counter() - started
    for path in paths:
        path.unlink()
    return upload, download


def file_metrics(app, db, workdir: Path, emit, repeat: int = 3) -> None:
    """`evidence_upload_mb_per_second` and `evidence_download_mb_per_second`, each against the bare file system's
    in the same run (the app's and the floor's rounds take turns, `repeat` times; medians reported)."""
    documents = _documents(FILES, FILE_BYTES)
    megabytes = FILES * FILE_BYTES / (1024 * 1024)
    folder = workdir / "bare-files"
    folder.mkdir(exist_ok=True)
    runs: dict[str, list[tuple[float, float]]] = {"app": [], "bare": []}
    for _ in range(repeat):
        runs["app"].append(_app_round(app, db, documents))
        runs["bare"].append(_bare_round(folder, documents))
    for index, direction in enumerate(("upload", "download")):
        app_seconds = statistics.median(r[index] for r in runs["app"])
        bare_seconds = statistics.median(r[index] for r in runs["bare"])
        emit(
            f"evidence_{direction}_mb_per_second",
            megabytes / app_seconds,
            "MB/s",
            megabytes / bare_seconds,
            n=FILES,
            file_mb=FILE_BYTES // (1024 * 1024),
            runs=[round(megabytes / r[index], 1) for r in runs["app"]],
            floor_runs=[round(megabytes / r[index], 1) for r in runs["bare"]],
        )
