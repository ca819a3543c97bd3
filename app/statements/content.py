"""The signed content of a statement, and how its SHA-256 is computed.

Canonical content is the UTF-8 encoding of

    json.dumps({"organisation_id": <int>, "version_number": <int>, "sections": {<key>: <text>, ...}},
               sort_keys=True, separators=(",", ":"), ensure_ascii=False)

where `sections` maps each statement question key to its text exactly as stored (line endings
already normalised to "\\n", missing text as ""). Keys are sorted, there is no insignificant white
space, and the organisation and version number are part of it, so the same words signed for another
organisation or another version have a different hash. Anyone can recompute the hash from the
database with this one function; `flask statements verify` does so for every signed statement.
"""
from __future__ import annotations

import hashlib
import json


def canonical_content(statement) -> str:
    sections = {str(key): ("" if text is None else str(text)) for key, text in (statement.sections or {}).items()}
    payload = {
        "organisation_id": statement.organisation_id,
        "version_number": statement.version_number,
        "sections": sections,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(statement) -> str:
    return hashlib.sha256(canonical_content(statement).encode("utf-8")).hexdigest()
