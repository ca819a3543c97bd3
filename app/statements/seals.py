"""Seals on signed statements: what is sealed, how, and how anyone checks a seal.

Each signature is sealed when it is given, and each statement version when it comes into force. A seal is an
Ed25519 signature, made with the key from configuration (app/statements/keys.py), over a payload: the UTF-8 bytes
of canonical JSON (keys sorted, no insignificant white space, non-ASCII characters as they are). A payload names
its type and covers the statement's words (every section text), the organisation (id, short name and name as they
were when the statement was sent for signatures), the version number, its content hash, the signatories' names and
capacities with the times they signed, the in-force time and review date (statement seals), and the id of the key
that sealed it. Times are UTC, written 2026-12-02T10:15:00.123456Z.

Payloads are never stored: they are built again from the database whenever a seal is checked, so changing any
word, name or date in the database leaves a seal that no longer matches, and only the private key, which the
database never holds, can make a new one.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from app.activity import record
from app.extensions import db
from app.statements import chain, queries
from app.statements.content import canonical, canonical_sections, content_hash, timestamp
from app.statements.keys import keyring
from app.statements.models import SealEvent
from app.utils import as_aware

FORMAT = 1
STATEMENT_PAYLOAD = "child-safeguarding-statement"
SIGNATURE_PAYLOAD = "child-safeguarding-statement-signature"
ALGORITHM = "Ed25519"


def _statement_fields(statement) -> dict:
    return {
        "format": FORMAT,
        "statement_id": statement.id,
        "organisation": {
            "id": statement.organisation_id,
            "slug": statement.organisation_slug,
            "name": statement.organisation_name,
        },
        "version_number": statement.version_number,
        "sections": canonical_sections(statement),
        "content_hash": statement.content_hash,
    }


def statement_payload(statement) -> bytes:
    signatures = sorted(statement.valid_signatures, key=lambda s: (timestamp(s.signed_at), s.capacity))
    return canonical(
        {
            "type": STATEMENT_PAYLOAD,
            **_statement_fields(statement),
            "signatures": [
                {"name": s.signatory_name, "capacity": s.capacity, "signed_at": timestamp(s.signed_at)}
                for s in signatures
            ],
            "in_force_at": timestamp(statement.in_force_at),
            "review_due": statement.review_due.isoformat() if statement.review_due else None,
            "key_id": statement.seal_key_id,
        }
    )


def signature_payload(signature) -> bytes:
    return canonical(
        {
            "type": SIGNATURE_PAYLOAD,
            **_statement_fields(signature.statement),
            "signatory": {"name": signature.signatory_name, "capacity": signature.capacity},
            "signed_at": timestamp(signature.signed_at),
            "key_id": signature.seal_key_id,
        }
    )


def fingerprint(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


# --- sealing -----------------------------------------------------------------------------------------------


def seal_signature(signature) -> None:
    """Seal a signature just given (flushed), and add it to the chain."""
    ring = keyring()
    signature.seal_key_id = ring.current.key_id
    payload = signature_payload(signature)
    signature.seal_signature = ring.sign(payload)
    chain.append("signature", payload, statement_id=signature.statement_id, signature_id=signature.id)


def seal_statement(statement) -> None:
    """Seal a statement that has just come into force (flushed), and add it to the chain."""
    ring = keyring()
    statement.seal_key_id = ring.current.key_id
    payload = statement_payload(statement)
    statement.seal_signature = ring.sign(payload)
    chain.append("statement", payload, statement_id=statement.id)


def seal_existing() -> tuple[int, list[str]]:
    """Seal what was signed before seals existed, once, after upgrading to revision 0010: each signature and
    each statement that came into force, unsealed, and older than the first event of the chain.

    Returns (statements sealed, problems). Nothing is sealed if any of them no longer matches its SHA-256: the
    seal would vouch for words nobody signed.
    """
    first = as_aware(db.session.execute(sa.select(sa.func.min(SealEvent.recorded_at))).scalar_one())
    chained = {
        tuple(row)
        for row in db.session.execute(
            sa.select(SealEvent.kind, sa.func.coalesce(SealEvent.signature_id, SealEvent.statement_id))
        )
    }

    def before_seals(when) -> bool:
        return first is None or (when is not None and as_aware(when) < first)

    todo = []
    for statement in queries.signed_statements():
        signatures = [
            s
            for s in statement.signatures
            if not s.seal_signature and before_seals(s.signed_at) and ("signature", s.id) not in chained
        ]
        seal_it = (
            statement.in_force_at is not None
            and not statement.seal_signature
            and before_seals(statement.in_force_at)
            and ("statement", statement.id) not in chained
        )
        if signatures or seal_it:
            todo.append((statement, signatures, seal_it))
    problems = [
        f"statement {statement.id} ({statement.organisation.name}): content does not match its signed hash"
        for statement, signatures, _ in todo
        if content_hash(statement) != statement.content_hash
        or any(s.content_hash != statement.content_hash for s in statement.signatures)
    ]
    if problems:
        return 0, problems
    for statement, signatures, seal_it in todo:
        statement.organisation_name = statement.organisation_name or statement.organisation.name
        statement.organisation_slug = statement.organisation_slug or statement.organisation.slug
        for signature in sorted(signatures, key=lambda s: (timestamp(s.signed_at), s.id)):
            seal_signature(signature)
        if seal_it:
            seal_statement(statement)
        record("sealed", statement, f"Sealed version {statement.version_number}, signed before seals existed")
    return len(todo), []


# --- checking ----------------------------------------------------------------------------------------------


def seal_problems(payload: bytes, key_id: str | None, signature: str | None) -> list[str]:
    """Why this seal does not prove the payload, or [] when it does."""
    if not key_id or not signature:
        return ["it has no seal"]
    key = keyring().trusted(key_id)
    if key is None:
        return [
            f"it was sealed with key {key_id}, which is not a trusted key (neither the signing key nor one of "
            f"STATEMENT_PREVIOUS_PUBLIC_KEYS)"
        ]
    if not key.verifies(signature, payload):
        return [
            f"it does not match its seal (key {key_id}): its words, organisation, signatories or dates were "
            f"changed after it was sealed"
        ]
    return []


def statement_seal_problems(statement) -> list[str]:
    return seal_problems(statement_payload(statement), statement.seal_key_id, statement.seal_signature)


def signature_seal_problems(signature) -> list[str]:
    return seal_problems(signature_payload(signature), signature.seal_key_id, signature.seal_signature)


def signed_copy(statement) -> bytes:
    """The statement's payload and seal as one JSON file that anyone can check with the public key alone."""
    document = {
        "algorithm": ALGORITHM,
        "key_id": statement.seal_key_id,
        "payload": statement_payload(statement).decode("utf-8"),
        "signature": statement.seal_signature,
        "how_to_verify": (
            "Take the public key whose id is key_id from the register of Child Safeguarding Statements. "
            "`signature` is the base64 Ed25519 signature of the UTF-8 bytes of `payload`, exactly as they are. "
            "Then json.loads(payload) gives the statement: its words, organisation, version, signatories and dates."
        ),
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
