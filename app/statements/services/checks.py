"""The quality assurance check: before anyone signs, the QA group approves the statement's text or sends it back
with reasons. The text signed is then the text approved (the same content hash). The partnership may turn the check
off (setting `statements.qa_check`); statements then go straight to their signatories, as before.

The decision is kept (StatementCheck) and recorded in the activity log; it is not part of the sealed payload.
"""

from __future__ import annotations

from app.activity import record
from app.errors import DomainError, InvalidTransition, PermissionDenied
from app.extensions import db
from app.statements.content import content_hash
from app.statements.checking import QA_CHECK_SETTING, check_is_on, needs_check
from app.statements.models import CheckDecision, Statement, StatementCheck, StatementState
from app.statements.services._common import _text
from app.utils import utcnow

REASONS_MAX = 4000
CHECKERS = ("admin", "qa")


__all__ = ["QA_CHECK_SETTING", "approve_statement", "check_is_on", "needs_check", "send_back", "send_for_check"]


def _require_checker(actor) -> None:
    if actor is None or not actor.has_role(*CHECKERS):
        raise PermissionDenied("Only the quality assurance group checks statements.")


def _require_unchanged(statement: Statement) -> None:
    if not statement.content_hash or content_hash(statement) != statement.content_hash:
        raise DomainError("This statement’s text no longer matches what was sent to be checked.")


def open_for_signatures(statement: Statement) -> None:
    """Move a statement whose text is locked to its signatories, keeping the organisation's name as it is now (what
    they sign for). Called when it is sent with the check off, or when its text is approved."""
    statement.state = statement.state.check_move(StatementState.awaiting_signatures)
    statement.sent_for_signatures_at = utcnow()
    statement.organisation_name = statement.organisation.name
    statement.organisation_slug = statement.organisation.slug
    db.session.flush()


def send_for_check(statement: Statement, *, actor=None) -> Statement:
    """Move a complete draft, its text already locked by its content hash, to the QA group's queue. Called by
    drafts.send_for_signatures when the check is on (the organisation's lead, for its own statement)."""
    statement.state = statement.state.check_move(StatementState.awaiting_check)
    statement.sent_for_check_at = utcnow()
    db.session.flush()
    record(
        "sent_for_check",
        statement,
        f"Sent version {statement.version_number} to the quality assurance group to check",
        actor=actor,
    )
    return statement


def approve_statement(statement: Statement, *, actor) -> StatementCheck:
    """Approve the statement's text as it is now, so its signatories can sign it. A statement waiting for its
    check moves on to signatures; one already with its signatories (sent while the check was off) stays there.
    The QA group or an administrator only."""
    _require_checker(actor)
    if statement.state not in (StatementState.awaiting_check, StatementState.awaiting_signatures):
        raise InvalidTransition("This statement is not waiting to be checked.")
    if statement.text_approved:
        raise DomainError("This text has already been approved.")
    _require_unchanged(statement)
    check = StatementCheck(
        statement=statement,
        content_hash=statement.content_hash,
        decision=CheckDecision.approved,
        checked_by_id=actor.id,
        checked_at=utcnow(),
    )
    db.session.add(check)
    if statement.state == StatementState.awaiting_check:
        open_for_signatures(statement)
    db.session.flush()
    record(
        "check_approved",
        statement,
        f"{actor.name} approved the text of version {statement.version_number} for signatures",
        actor=actor,
    )
    return check


def send_back(statement: Statement, *, reasons, actor) -> StatementCheck:
    """Send a statement waiting for its check back to its lead as a draft, with the reasons (shown on the
    statement's page until it is sent again). The QA group or an administrator only."""
    _require_checker(actor)
    reasons = _text(reasons, field="reasons", label="what needs to change", max_length=REASONS_MAX)
    if statement.state != StatementState.awaiting_check:
        raise InvalidTransition("Only a statement waiting to be checked can be sent back.")
    check = StatementCheck(
        statement=statement,
        content_hash=statement.content_hash,
        decision=CheckDecision.returned,
        reasons=reasons,
        checked_by_id=actor.id,
        checked_at=utcnow(),
    )
    db.session.add(check)
    statement.state = statement.state.check_move(StatementState.draft)
    statement.content_hash = None
    db.session.flush()
    record(
        "check_returned",
        statement,
        f"{actor.name} sent version {statement.version_number} back to its lead: {reasons[:300]}",
        actor=actor,
    )
    return check
