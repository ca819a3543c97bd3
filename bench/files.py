"""Evidence upload and download throughput: through the app's upload checks and storage (app/uploads.py,
app/filestore.py), in the database and in an S3-compatible store (moto's server on loopback, when moto is
installed), against the same bytes written to and read from the bare file system.

Both sides move the same files in the same chunks and make them durable the same way before counting a file as
stored: the app commits its transaction, the floor fsyncs its file. Downloads read every byte back: the app
through `send_stored`'s streamed response, the floor from the file."""

from __future__ import annotations

import io
import os
import random
import socket
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

from app.filestore import CHUNK_BYTES

FILES = 4
FILE_BYTES = 4 * 1024 * 1024


def _documents(count: int, size: int) -> list[bytes]:
    """Deterministic incompressible PDF-looking files (the upload check reads the PDF signature only)."""
    draw = random.Random(20261202)
    return [b"%PDF-1.7\n" + draw.randbytes(size - 9) for _ in range(count)]


def _app_round(app, db, documents: list[bytes], *, storage_url: str) -> tuple[float, float]:
    """Seconds to upload every document through save_upload (one commit each) and to download each through
    send_stored, with FILE_STORAGE_URL set to `storage_url`; the stored files are deleted afterwards."""
    from werkzeug.datastructures import FileStorage

    from app import filestore, uploads

    app.config["FILE_STORAGE_URL"] = storage_url
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


@contextmanager
def _s3_store(app):
    """FILE_STORAGE_URL pointed at a bucket on moto's S3 server, in a thread on a free loopback port; None when
    moto is not installed (requirements-dev.txt)."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        yield None
        return
    from app import filestore_s3

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    saved_env = {name: os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    saved_url = app.config.get("FILE_STORAGE_URL", "")
    url = f"s3://bench-files/evidence/?endpoint_url=http://127.0.0.1:{port}&region=eu-west-2"
    try:
        filestore_s3.forget_clients()
        filestore_s3.client(filestore_s3.parse_s3_url(url)).create_bucket(
            Bucket="bench-files", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        app.config["FILE_STORAGE_URL"] = url
        yield url
    finally:
        app.config["FILE_STORAGE_URL"] = saved_url
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        filestore_s3.forget_clients()
        server.stop()


def file_metrics(app, db, workdir: Path, emit, repeat: int = 3) -> None:
    """`evidence_upload_mb_per_second` and `evidence_download_mb_per_second` (the database store), and
    `evidence_s3_upload_mb_per_second` / `evidence_s3_download_mb_per_second` (the S3 store, on moto's server over
    loopback HTTP), each against the bare file system's in the same run (the rounds take turns, `repeat` times;
    medians reported)."""
    documents = _documents(FILES, FILE_BYTES)
    megabytes = FILES * FILE_BYTES / (1024 * 1024)
    folder = workdir / "bare-files"
    folder.mkdir(exist_ok=True)
    runs: dict[str, list[tuple[float, float]]] = {"app": [], "s3": [], "bare": []}
    with _s3_store(app) as s3_url:
        for _ in range(repeat):
            runs["app"].append(_app_round(app, db, documents, storage_url=""))
            if s3_url:
                runs["s3"].append(_app_round(app, db, documents, storage_url=s3_url))
            runs["bare"].append(_bare_round(folder, documents))
    for store, prefix in (("app", "evidence"), ("s3", "evidence_s3")):
        if not runs[store]:
            continue
        for index, direction in enumerate(("upload", "download")):
            app_seconds = statistics.median(r[index] for r in runs[store])
            bare_seconds = statistics.median(r[index] for r in runs["bare"])
            emit(
                f"{prefix}_{direction}_mb_per_second",
                megabytes / app_seconds,
                "MB/s",
                megabytes / bare_seconds,
                n=FILES,
                file_mb=FILE_BYTES // (1024 * 1024),
                runs=[round(megabytes / r[index], 1) for r in runs[store]],
                floor_runs=[round(megabytes / r[index], 1) for r in runs["bare"]],
            )
