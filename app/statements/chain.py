"""The append-only chain over every seal made: signatures given and statements brought into force.

Event n's record is canonical JSON (app/statements/content.py) of its sequence number, what it seals (kind,
statement id, signature id), the SHA-256 of that seal's payload, the hash of event n-1 (64 zeros for the first),
the time and the key id. Its hash is the SHA-256 of the record, and the record is sealed with the signing key, so
the head (the last event's hash, shown on the public register) is sealed too. Deleting, reordering or rewriting an
event breaks every check from there on, and rebuilding the chain after it would need the private key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.statements.content import canonical, timestamp
from app.statements.keys import keyring
from app.statements.models import SealEvent
from app.utils import utcnow

GENESIS = "0" * 64
RECORD_TYPE = "statement-seal-chain-event"
# Any constant: PostgreSQL advisory lock held while an event is appended, so two signings never take one place.
APPEND_LOCK = 0x5EA1C4A1


def record(event: SealEvent) -> bytes:
    return canonical(
        {
            "type": RECORD_TYPE,
            "format": 1,
            "sequence": event.sequence,
            "kind": event.kind,
            "statement_id": event.statement_id,
            "signature_id": event.signature_id,
            "payload_sha256": event.payload_hash,
            "previous_hash": event.previous_hash,
            "recorded_at": timestamp(event.recorded_at),
            "key_id": event.seal_key_id,
        }
    )


def head() -> SealEvent | None:
    return db.session.execute(sa.select(SealEvent).order_by(SealEvent.sequence.desc()).limit(1)).scalar_one_or_none()


def append(kind: str, payload: bytes, *, statement_id: int, signature_id: int | None = None) -> SealEvent:
    # SQLite writers already hold the database's only write lock; PostgreSQL ones queue here for the head.
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK})
    last = head()
    ring = keyring()
    event = SealEvent(
        sequence=last.sequence + 1 if last else 1,
        kind=kind,
        statement_id=statement_id,
        signature_id=signature_id,
        payload_hash=hashlib.sha256(payload).hexdigest(),
        previous_hash=last.event_hash if last else GENESIS,
        recorded_at=utcnow(),
        seal_key_id=ring.current.key_id,
    )
    sealed = record(event)
    event.event_hash = hashlib.sha256(sealed).hexdigest()
    event.seal_signature = ring.sign(sealed)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainHead:
    events: int
    head: SealEvent | None


def summary() -> ChainHead:
    count = db.session.execute(sa.select(sa.func.count()).select_from(SealEvent)).scalar_one()
    return ChainHead(count, head())


def events() -> list[SealEvent]:
    return list(db.session.execute(sa.select(SealEvent).order_by(SealEvent.sequence)).scalars())


def link_problems(chain: list[SealEvent]) -> list[str]:
    """Everything wrong with the chain itself (numbering, links, records, seals), event by event, in order."""
    problems = []
    ring = keyring()
    expected, previous = 1, GENESIS
    for event in chain:
        where = f"seal chain event {event.sequence}"
        if event.sequence != expected:
            problems.append(f"{where}: expected event {expected} here; events are missing or out of order")
        if event.previous_hash != previous:
            problems.append(
                f"{where}: does not follow the event before it (it names {event.previous_hash}, "
                f"the event before it is {previous})"
            )
        sealed = record(event)
        if hashlib.sha256(sealed).hexdigest() != event.event_hash:
            problems.append(f"{where}: its record was changed after it was sealed")
        key = ring.trusted(event.seal_key_id)
        if key is None:
            problems.append(f"{where}: sealed with key {event.seal_key_id}, which is not a trusted key")
        elif not key.verifies(event.seal_signature, sealed):
            problems.append(f"{where}: does not match its seal")
        expected, previous = event.sequence + 1, event.event_hash
    return problems
