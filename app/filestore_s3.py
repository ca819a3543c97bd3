"""The S3-compatible file store (`FILE_STORAGE_URL=s3://bucket/prefix?endpoint_url=...&region=...`), through boto3.

Uploads stream through boto3's managed transfer (multipart above MULTIPART_BYTES, at most a few parts in memory at
once), hashing the bytes as they go; downloads stream the object's body a chunk at a time. Credentials come from
boto3's usual sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role), never from the URL.

Where a file is held is recorded on its `stored_file` row as `s3://bucket/key`, with the endpoint and region it was
written to (`?endpoint_url=...&region=...`): while FILE_STORAGE_URL names an S3 store, its endpoint and region are
used for every S3 file (so an endpoint can move); once it is back to the database, each file's own are used.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import BinaryIO, Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

MULTIPART_BYTES = 8 * 1024 * 1024  # part size of a multipart upload (S3's smallest part is 5 MB)
PARTS_IN_MEMORY = 2

_clients: dict[tuple[str, str], object] = {}
_clients_lock = threading.Lock()


class StorageUrlError(ValueError):
    """FILE_STORAGE_URL cannot be used; the message says why without repeating the URL."""


@dataclass(frozen=True)
class S3Place:
    """Where S3 objects go: a bucket, a key prefix, and the endpoint and region to reach them."""

    bucket: str
    prefix: str = ""
    endpoint_url: str = ""
    region: str = ""

    def key_for(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def location(self, key: str) -> str:
        """The address recorded on the file's row (no credentials)."""
        query = {k: v for k, v in (("endpoint_url", self.endpoint_url), ("region", self.region)) if v}
        return f"s3://{self.bucket}/{key}" + (f"?{urlencode(query)}" if query else "")


def parse_s3_url(url: str) -> S3Place:
    """`s3://bucket/prefix?endpoint_url=http://host:port&region=eu-west-2` as an S3Place."""
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise StorageUrlError("FILE_STORAGE_URL must be empty, database: or s3://bucket/prefix")
    if "@" in parts.netloc or parts.password:
        raise StorageUrlError(
            "FILE_STORAGE_URL must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead"
        )
    if not parts.hostname:
        raise StorageUrlError("FILE_STORAGE_URL names no bucket: use s3://bucket/prefix")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if "@" in urlsplit(query.get("endpoint_url", "")).netloc:
        raise StorageUrlError(
            "FILE_STORAGE_URL's endpoint_url must not hold credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead"
        )
    unknown = sorted(set(query) - {"endpoint_url", "region"})
    if unknown:
        raise StorageUrlError(f"FILE_STORAGE_URL has unknown options: {', '.join(unknown)} (endpoint_url, region)")
    prefix = parts.path.lstrip("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return S3Place(
        bucket=parts.netloc, prefix=prefix, endpoint_url=query.get("endpoint_url", ""), region=query.get("region", "")
    )


def storage_place(url: str | None) -> S3Place | None:
    """FILE_STORAGE_URL's store: None for the database (empty, `database` or `database:`), else the S3 place;
    StorageUrlError when it cannot be used."""
    url = (url or "").strip()
    return None if url in ("", "database", "database:") else parse_s3_url(url)


def parse_location(location: str) -> tuple[S3Place, str]:
    """A row's recorded address: where to reach it, and its key."""
    parts = urlsplit(location)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    place = S3Place(bucket=parts.netloc, endpoint_url=query.get("endpoint_url", ""), region=query.get("region", ""))
    return place, parts.path.lstrip("/")


def client(place: S3Place):
    """A boto3 S3 client for the place's endpoint and region (one per process, shared by threads)."""
    cache_key = (place.endpoint_url, place.region)
    with _clients_lock:
        if cache_key not in _clients:
            import boto3
            from botocore.config import Config

            options = {"s3": {"addressing_style": "path"}} if place.endpoint_url else {}
            _clients[cache_key] = boto3.session.Session().client(
                "s3",
                endpoint_url=place.endpoint_url or None,
                region_name=place.region or None,
                config=Config(retries={"max_attempts": 5, "mode": "standard"}, **options),
            )
        return _clients[cache_key]


def forget_clients() -> None:
    """Drop the cached clients (after the endpoint or credentials changed, e.g. between tests)."""
    with _clients_lock:
        _clients.clear()


class HashingReader:
    """A read-only, non-seekable view of a stream that counts and hashes what is read, so boto3 reads it once, in
    order, a part at a time."""

    def __init__(self, source):
        self.source = source
        self.size = 0
        self.digest = hashlib.sha256()

    def read(self, amount: int = -1) -> bytes:
        data = self.source.read(amount)
        self.size += len(data)
        self.digest.update(data)
        return data


class ChunkReader:
    """A file-like reader over an iterator of byte chunks (a file held in the database, being moved)."""

    def __init__(self, chunks: Iterator[bytes]):
        self.chunks = chunks
        self.buffer = bytearray()  # grows in place: a part is gathered from many chunks without copying it each time

    def read(self, amount: int = -1) -> bytes:
        while amount < 0 or len(self.buffer) < amount:
            data = next(self.chunks, None)
            if data is None:
                break
            self.buffer += data
        size = len(self.buffer) if amount < 0 else min(amount, len(self.buffer))
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


def upload(
    place: S3Place, key: str, stream: BinaryIO, *, content_type: str, in_this_thread: bool = False
) -> tuple[int, str]:
    """Stream the rest of `stream` to the object `key`: its size and SHA-256. `in_this_thread` reads the stream
    in the caller's thread only (a stream that reads the database through the caller's session)."""
    from boto3.s3.transfer import TransferConfig

    config = TransferConfig(
        multipart_threshold=MULTIPART_BYTES,
        multipart_chunksize=MULTIPART_BYTES,
        max_concurrency=PARTS_IN_MEMORY,
        use_threads=not in_this_thread,
    )
    config.max_in_memory_upload_chunks = PARTS_IN_MEMORY
    reader = HashingReader(stream)
    client(place).upload_fileobj(reader, place.bucket, key, ExtraArgs={"ContentType": content_type}, Config=config)
    return reader.size, reader.digest.hexdigest()


def download_chunks(place: S3Place, key: str, chunk_bytes: int) -> Iterator[bytes]:
    """The object's bytes, `chunk_bytes` at a time, streamed from its body."""
    body = client(place).get_object(Bucket=place.bucket, Key=key)["Body"]
    try:
        yield from body.iter_chunks(chunk_bytes)
    finally:
        body.close()


def remove(place: S3Place, key: str) -> None:
    client(place).delete_object(Bucket=place.bucket, Key=key)
