"""Checking every signed statement against its hash, its seals and the seal chain, as `flask statements verify`
does, and the check the public page makes before it shows a statement.

Only keys from configuration are trusted (app/statements/keys.py); every payload is built again from the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.statements import chain, queries, seals
from app.statements.content import content_hash
from app.statements.models import Signature, Statement


@dataclass
class Report:
    statements: int = 0
    signatures: int = 0
    events: int = 0
    head: str | None = None
    problems: list[str] = field(default_factory=list)


def describe(statement: Statement) -> str:
    return (
        f"statement {statement.id} ({statement.organisation.name}): version {statement.version_number}, "
        f"{statement.state.value.replace('_', ' ')}"
    )


def _signer(signature: Signature) -> str:
    return f"signature {signature.id} by {signature.signatory_name} ({signature.capacity})"


def was_sealed(statement: Statement) -> bool:
    """Every statement that has come into force carries a seal; one without is a seal removed."""
    return statement.in_force_at is not None or statement.seal_signature is not None


def statement_problems(statement: Statement) -> list[str]:
    """The statement's own checks: its hash, its signatures' hashes and seals, its seal."""
    problems = []
    recomputed = content_hash(statement)
    if recomputed != statement.content_hash:
        problems.append(
            f"content does not match its signed hash (stored {statement.content_hash}, recomputed {recomputed})"
        )
    for signature in statement.signatures:
        if signature.content_hash != statement.content_hash:
            problems.append(
                f"{_signer(signature)} is for different content (signed {signature.content_hash}, "
                f"statement {statement.content_hash})"
            )
        problems += [f"{_signer(signature)}: {p}" for p in seals.signature_seal_problems(signature)]
    if was_sealed(statement):
        problems += seals.statement_seal_problems(statement)
    return problems


def _chain_problems(statements: list[Statement], events, faulty: set) -> list[str]:
    """The chain's own links, then whether it holds exactly one event for every seal in the database and what
    each event sealed is still what the database holds (unless that item's own seal already failed)."""
    problems = chain.link_problems(events)
    by_id = {s.id: s for s in statements}
    signatures = {sig.id: sig for s in statements for sig in s.signatures}
    seen: Counter = Counter()
    for event in events:
        statement = by_id.get(event.statement_id)
        item = signatures.get(event.signature_id) if event.kind == "signature" else statement
        if statement is None or item is None or (event.kind == "signature" and item.statement_id != statement.id):
            problems.append(
                f"seal chain event {event.sequence}: seals {event.kind} "
                f"{event.signature_id or event.statement_id}, which is not in the database"
            )
            continue
        seen[(event.kind, item.id)] += 1
        payload = seals.signature_payload(item) if event.kind == "signature" else seals.statement_payload(item)
        if (event.kind, item.id) not in faulty and seals.fingerprint(payload) != event.payload_hash:
            what = _signer(item) if event.kind == "signature" else "the statement"
            problems.append(f"{describe(statement)}: {what} is not what seal chain event {event.sequence} sealed")
    for statement in statements:
        expected = [("signature", sig.id, _signer(sig)) for sig in statement.signatures]
        if was_sealed(statement):
            expected.append(("statement", statement.id, "its seal"))
        for kind, item_id, what in expected:
            if seen[(kind, item_id)] == 0:
                problems.append(f"{describe(statement)}: {what} is missing from the seal chain (history deleted?)")
            elif seen[(kind, item_id)] > 1:
                problems.append(f"{describe(statement)}: {what} is in the seal chain more than once")
    return problems


def _replay_problems(statements: list[Statement]) -> list[str]:
    """A statement on display must be its organisation's latest sealed version, not an older one put back."""
    latest: dict[int, int] = {}
    for statement in statements:
        if was_sealed(statement):
            latest[statement.organisation_id] = max(latest.get(statement.organisation_id, 0), statement.version_number)
    return [
        f"{describe(s)}: on public display, but version {latest[s.organisation_id]} was sealed after it"
        for s in statements
        if s.is_public and s.version_number < latest.get(s.organisation_id, 0)
    ]


def verify_all() -> Report:
    statements = queries.signed_statements()
    events = chain.events()
    report = Report(
        statements=len(statements),
        signatures=sum(len(s.signatures) for s in statements),
        events=len(events),
        head=events[-1].event_hash if events else None,
    )
    faulty = set()
    for statement in statements:
        problems = statement_problems(statement)
        report.problems += [f"{describe(statement)}: {p}" for p in problems]
        if problems:
            faulty.add(("statement", statement.id))
            faulty.update(("signature", sig.id) for sig in statement.signatures)
    report.problems += _chain_problems(statements, events, faulty)
    report.problems += _replay_problems(statements)
    return report


def public_problems(statement: Statement) -> list[str]:
    """Why the public page must not present this statement as signed, or []: its seal, and that no later version
    of it was sealed (an older version put back on display)."""
    problems = seals.statement_seal_problems(statement)
    later = db.session.execute(
        sa.select(sa.func.max(Statement.version_number)).where(
            Statement.organisation_id == statement.organisation_id,
            sa.or_(Statement.in_force_at.is_not(None), Statement.seal_signature.is_not(None)),
        )
    ).scalar_one()
    if later is not None and later > statement.version_number:
        problems.append(f"version {later} was sealed after it")
    return problems
