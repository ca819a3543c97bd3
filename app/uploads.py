"""Evidence file uploads: allow-listed types checked by extension AND content, a size limit, random stored
names, storage in the database (app.filestore), and downloads only as attachments after the caller's permission
check.

    stored = save_upload(request.files["evidence"])   # raises DomainError with a message to show
    return send_stored(stored.stored_name, stored.original_name)
"""

from __future__ import annotations

import re
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from flask import Response, abort, current_app, stream_with_context
from werkzeug.datastructures import FileStorage

from app import filestore
from app.errors import DomainError

CHUNK_BYTES = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # an upload larger than this waits on temporary disk, not in memory, while it is checked
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
ALLOWED_LABEL = "PDF, Word (.docx), Excel (.xlsx), PNG or JPG"

# Office files are zip archives; the part each must contain tells a real document from any other zip.
OFFICE_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
STORED_NAME_RE = re.compile(r"^[0-9a-f]{32}\.(pdf|docx|xlsx|png|jpg|jpeg)$")


class UploadError(DomainError):
    pass


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str


def allowed_extensions() -> tuple[str, ...]:
    configured = current_app.config.get("UPLOAD_EXTENSIONS") or tuple(CONTENT_TYPES)
    return tuple(ext for ext in configured if ext in CONTENT_TYPES)


def max_file_bytes() -> int:
    """The per-file limit: UPLOAD_MAX_FILE_BYTES, never above the whole-request MAX_CONTENT_LENGTH."""
    limit = current_app.config.get("UPLOAD_MAX_FILE_BYTES") or DEFAULT_MAX_FILE_BYTES
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return min(limit, request_limit) if request_limit else limit


def size_label(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        mb = n_bytes / (1024 * 1024)
        return f"{mb:.0f}MB" if mb == int(mb) else f"{mb:.1f}MB"
    return f"{max(1, n_bytes // 1024)}KB"


def safe_display_name(filename: str | None) -> str:
    """The name shown to people: no directories, control characters or leading dots; never used as a path."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot else name[:200]
    return name or "file"


def extension_of(filename: str) -> str:
    _, dot, ext = filename.rpartition(".")
    return ext.lower() if dot else ""


def has_file(file_storage: FileStorage | None) -> bool:
    """Browsers send an empty part for a file input left blank."""
    return bool(file_storage is not None and file_storage.filename)


def save_upload(file_storage: FileStorage) -> StoredFile:
    """Check and store one uploaded file under a random name. Raises UploadError (a DomainError) with a message
    that names the file; nothing is left on disk when it is refused."""
    if not has_file(file_storage):
        raise UploadError("Select a file to upload")
    original = safe_display_name(file_storage.filename)
    ext = extension_of(original)
    if ext not in allowed_extensions():
        raise UploadError(f"“{original}” must be a {ALLOWED_LABEL} file")

    limit = max_file_bytes()
    size = 0
    head = b""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        while True:
            chunk = file_storage.stream.read(CHUNK_BYTES)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise UploadError(f"“{original}” must be smaller than {size_label(limit)}")
            if len(head) < 16:
                head += chunk[: 16 - len(head)]
            spool.write(chunk)
        if size == 0:
            raise UploadError(f"“{original}” is empty")
        spool.seek(0)
        if not _content_matches(ext, head, spool):
            raise UploadError(f"“{original}” is not a real {ext.upper()} file. Upload a {ALLOWED_LABEL} file")
        spool.seek(0)
        stored_name = f"{secrets.token_hex(16)}.{ext}"
        size, sha256 = filestore.put(stored_name, spool, content_type=CONTENT_TYPES[ext])
    return StoredFile(
        stored_name=stored_name,
        original_name=original,
        content_type=CONTENT_TYPES[ext],
        size_bytes=size,
        sha256=sha256,
    )


def _content_matches(ext: str, head: bytes, spool) -> bool:
    if not any(head.startswith(magic) for magic in MAGIC[ext]):
        return False
    main_part = OFFICE_MAIN_PART.get(ext)
    if main_part is None:
        return True
    try:
        with zipfile.ZipFile(spool) as archive:
            return main_part in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _attachment_names(download_name: str) -> dict[str, str]:
    """Content-Disposition parameters naming the file in ASCII, and exactly (RFC 5987) when it is not ASCII, as
    Flask's send_file names them."""
    name = safe_display_name(download_name)
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii") or "file"
    if plain == name:
        return {"filename": plain}
    return {"filename": plain, "filename*": f"UTF-8''{quote(name, safe='!#$&+^`|')}"}


def send_stored(stored_name: str, download_name: str):
    """Serve a stored file as an attachment, streamed from the database a chunk at a time. Call only after
    checking the user may see it."""
    if not STORED_NAME_RE.match(stored_name or ""):
        abort(404)
    record = filestore.record_for(stored_name)
    if record is None:
        abort(404)
    ext = extension_of(stored_name)
    response = Response(
        stream_with_context(filestore.chunks(stored_name)), mimetype=CONTENT_TYPES[ext], direct_passthrough=True
    )
    response.content_length = record.size_bytes
    response.headers.set("Content-Disposition", "attachment", **_attachment_names(download_name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def delete_stored(stored_name: str) -> None:
    """Remove a stored file in the current transaction (the caller commits)."""
    if STORED_NAME_RE.match(stored_name or ""):
        filestore.delete(stored_name)
