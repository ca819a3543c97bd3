"""The signed content of a statement, and how its SHA-256 is computed.

Canonical content is the UTF-8 encoding of

    json.dumps({"organisation_id": <int>, "version_number": <int>, "sections": {<key>: <text>, ...}},
               sort_keys=True, separators=(",", ":"), ensure_ascii=False)

where `sections` maps each statement question key to its text exactly as stored (line endings
already normalised to "\\n", missing text as ""). Keys are sorted, there is no insignificant white
space, and the organisation and version number are part of it, so the same words signed for another
organisation or another version have a different hash. Anyone can recompute the hash from the
database with this one function; `flask statements verify` does so for every signed statement.

The hash alone proves nothing to someone who can write the database, since they can recompute it after
changing the words: the Ed25519 seals in app/statements/seals.py are what make a change detectable.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from app.utils import as_aware


def canonical_sections(statement) -> dict[str, str]:
    return {str(key): ("" if text is None else str(text)) for key, text in (statement.sections or {}).items()}


def canonical_content(statement) -> str:
    payload = {
        "organisation_id": statement.organisation_id,
        "version_number": statement.version_number,
        "sections": canonical_sections(statement),
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(statement) -> str:
    return hashlib.sha256(canonical_content(statement).encode("utf-8")).hexdigest()


def canonical(data: dict) -> bytes:
    """Canonical JSON, as sealed payloads and chain events are written: keys sorted, no insignificant white space,
    non-ASCII characters as they are, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def timestamp(value: datetime | None) -> str | None:
    """A stored time as sealed: UTC with microseconds, the same whichever database it was read from."""
    value = as_aware(value)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value is not None else None
