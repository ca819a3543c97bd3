"""Removing orphaned objects from the S3 store: objects under FILE_STORAGE_URL's prefix that no `stored_file` row
points at. They are left when the process dies between uploading an object and committing its row, or when removing
a deleted file's object after the commit fails (app.filestore logs that and carries on). Nobody can see or delete
them through the app, yet they may hold children's data, so the sweep deletes them.

An object is deleted only once it is older than FILE_ORPHAN_GRACE_HOURS (24), so an upload whose transaction has not
committed yet is never taken for an orphan, and only under the configured prefix. A URL that names no prefix is not
swept: the bucket may be shared, and nothing in it says which objects are this app's. app.jobs registers
`sweep_orphans_periodically` with the worker's other sweeps; `flask files sweep` (app.filestore_move) runs
`sweep_orphans` by hand.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app import filestore, filestore_s3
from app.extensions import db
from app.filestore import S3, StoredFileRecord
from app.utils import as_aware, utcnow

log = logging.getLogger(__name__)

PAGE_SIZE = 1000  # list_objects_v2's largest page
# The worker sweeps every JOBS_SWEEP_SECONDS; listing a whole bucket that often would cost more than orphans do.
PERIOD_SECONDS = 3600
_last_run: float | None = None
_last_run_lock = threading.Lock()


class OrphanSweepError(RuntimeError):
    """Some orphaned objects could not be deleted; the message is the sweep's summary."""


def grace() -> timedelta:
    """How old an object with no row must be before it is taken for an orphan."""
    return timedelta(hours=max(float(current_app.config.get("FILE_ORPHAN_GRACE_HOURS", 24)), 0))


def referenced_keys(bucket: str) -> set[str]:
    """The keys in `bucket` that S3-held files' rows point at, read by one query."""
    locations = db.session.execute(
        sa.select(StoredFileRecord.location).where(
            StoredFileRecord.backend == S3, StoredFileRecord.location.is_not(None)
        )
    ).scalars()
    keys = set()
    for location in locations:
        place, key = filestore_s3.parse_location(location)
        if place.bucket == bucket:
            keys.add(key)
    return keys


def old_objects(place: filestore_s3.S3Place, cutoff: datetime, page_size: int) -> tuple[int, list[str]]:
    """How many objects are under the place's prefix, and the keys of those last written before `cutoff`."""
    paginator = filestore_s3.client(place).get_paginator("list_objects_v2")
    pages = paginator.paginate(Bucket=place.bucket, Prefix=place.prefix, PaginationConfig={"PageSize": page_size})
    total, old = 0, []
    for page in pages:
        for item in page.get("Contents", []):
            total += 1
            if item["Key"].startswith(place.prefix) and as_aware(item["LastModified"]) < cutoff:
                old.append(item["Key"])
    return total, old


def sweep_orphans(*, page_size: int = PAGE_SIZE) -> str:
    """Delete every object under the configured S3 prefix that no row points at and that is older than the grace
    period: a summary of what was done. Raises OrphanSweepError (after trying them all) if some could not be
    deleted. Does nothing when files are kept in the database."""
    place = filestore.configured_store()
    if place is None:
        return "nothing to sweep: files are kept in the database (FILE_STORAGE_URL names no S3 store)"
    if not place.prefix:
        return (
            f"not swept: FILE_STORAGE_URL names no prefix in bucket {place.bucket}, so objects of other uses of the "
            "bucket cannot be told from this app's; give the app a prefix of its own (s3://bucket/prefix)"
        )
    where = f"s3://{place.bucket}/{place.prefix}"  # never the query string
    total, old = old_objects(place, utcnow() - grace(), page_size)
    referenced = referenced_keys(place.bucket)  # read after listing, so a row committed meanwhile is seen
    db.session.commit()  # end the read, as the other sweeps do
    removed, failed = 0, 0
    for key in old:
        if key in referenced:
            continue
        try:
            filestore_s3.remove(place, key)
        except Exception:
            log.exception("could not delete the orphaned object %s", key)
            failed += 1
            continue
        log.info("deleted the orphaned object %s", key)
        removed += 1
    summary = f"removed {removed} orphaned object(s) of {total} under {where}"
    if failed:
        raise OrphanSweepError(f"{summary}; {failed} could not be deleted")
    return summary


def sweep_orphans_periodically() -> str:
    """The worker's sweep: `sweep_orphans` at most once every PERIOD_SECONDS in this process."""
    global _last_run
    with _last_run_lock:
        now = time.monotonic()
        if _last_run is not None and now - _last_run < PERIOD_SECONDS:
            return "orphaned objects were swept less than an hour ago"
        _last_run = now
    return sweep_orphans()
