"""Closing the loop on an action: its owner says it is done (a completion note, and evidence: a file and/or an
https link), and QA or an administrator verifies it, or answers "not yet" with the reason, which sends it back to
the owner in progress. Only a verified action counts as closed (app.actions.queries.closed_condition).

Validate, flush, record activity; the caller commits. Who may do what is app.actions.access.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from app.actions import access
from app.actions.models import ActionCompletion, ActionItem, ActionStatus, ActionUpdate, VerificationOutcome
from app.activity import record
from app.errors import DomainError, checked_text
from app.extensions import db
from app.uploads import has_file, save_upload
from app.utils import utcnow

NOTE_MAX = 4000
REASON_MAX = 4000
LINK_MAX = 2000


def checked_link(value) -> str | None:
    """An evidence link: blank (None), or a full https address."""
    link = (value or "").strip()
    if not link:
        return None
    if len(link) > LINK_MAX:
        raise DomainError(f"The evidence link must be {LINK_MAX} characters or fewer", field="evidence_link")
    try:
        parts = urlsplit(link)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() != "https" or not parts.hostname or any(c.isspace() for c in link):
        raise DomainError(
            "Enter the evidence link as a full https address, like https://example.org/report", field="evidence_link"
        )
    return link


def complete_action(action: ActionItem, *, note, evidence_link=None, evidence_file=None, actor) -> ActionCompletion:
    """Mark an open action complete: it awaits verification and is no longer overdue for its owner. Needs a
    completion note; evidence is optional (an uploaded file, an https link, or both). The owner organisation's
    lead only (access.can_complete)."""
    access.require_complete(actor, action)
    if action.status not in (ActionStatus.not_started, ActionStatus.in_progress):
        raise DomainError(f"This action is {action.status.label.lower()}: it cannot be completed now", field="note")
    note = checked_text(note, field="note", label="a completion note", max_length=NOTE_MAX)
    link = checked_link(evidence_link)
    # attached to the action only once it is complete: save_upload flushes, and must not meet a half-made completion
    completion = ActionCompletion(note=note, evidence_link=link, completed_by_id=actor.id)
    if has_file(evidence_file):
        stored = save_upload(evidence_file)  # last, so nothing is stored for a form refused for another reason
        completion.evidence_original_name = stored.original_name
        completion.evidence_stored_name = stored.stored_name
        completion.evidence_content_type = stored.content_type
        completion.evidence_size_bytes = stored.size_bytes
        completion.evidence_sha256 = stored.sha256
    action.status.check_move(ActionStatus.complete)
    action.status = ActionStatus.complete
    action.completed_at = completion.completed_at = utcnow()
    completion.action = action
    db.session.add(completion)
    db.session.add(
        ActionUpdate(action=action, note=note, status_after=ActionStatus.complete.value, created_by_id=actor.id)
    )
    db.session.flush()
    record("completed", action, "Action marked complete: awaiting verification", actor=actor)
    return completion


def verify_action(action: ActionItem, *, outcome, reason=None, actor) -> ActionCompletion:
    """QA's answer to the latest completion. "verified" closes the action; "not_yet" needs the reason and moves
    the action back to in progress, where its owner sees the reason. QA and admins only, never on their own
    completion (access.can_verify)."""
    access.require_verify(actor, action)
    completion = action.latest_completion
    if action.status != ActionStatus.complete or completion is None or not completion.pending:
        raise DomainError("This action is not awaiting verification", field="outcome")
    try:
        outcome = VerificationOutcome(outcome)
    except ValueError:
        raise DomainError("Select whether the action is verified", field="outcome") from None
    now = utcnow()
    if outcome == VerificationOutcome.verified:
        reason = checked_text(reason, field="reason", label="a comment", max_length=REASON_MAX, required=False)
        new_status, note = ActionStatus.verified, "Verified" + (f": {reason}" if reason else "")
    else:
        reason = checked_text(reason, field="reason", label="why the action is not yet done", max_length=REASON_MAX)
        new_status, note = ActionStatus.in_progress, f"Not yet verified: {reason}"
        action.completed_at = None
    action.status.check_move(new_status)
    action.status = new_status
    completion.outcome = outcome.value
    completion.reason = reason
    completion.reviewed_by_id = actor.id
    completion.reviewed_at = now
    db.session.add(ActionUpdate(action=action, note=note, status_after=new_status.value, created_by_id=actor.id))
    db.session.flush()
    verb, summary = (
        ("verified", "Action verified")
        if outcome == VerificationOutcome.verified
        else ("sent_back", "Action not yet verified: back in progress")
    )
    record(verb, action, summary, actor=actor)
    return completion
