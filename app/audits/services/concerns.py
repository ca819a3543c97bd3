"""Live concerns: an auditor or the panel finds during an audit that a child may be at risk now. Raising one tells
the QA group and the lead agency's organisation leads at once; partnership staff record who owns it and what was
done, and close it. A round cannot close while a concern on one of its cases is open (services/rounds.py)."""

from __future__ import annotations

from datetime import date

from flask import current_app

from app.accounts.settings import get_setting
from app.activity import record
from app.audits.models import AuditCase, RoundState
from app.audits.panel_models import ConcernState, LiveConcern
from app.audits.queries import can_raise_concern, concern_recipients, lead_agency
from app.audits.services._common import REASON_MAX, _actor_id
from app.errors import DomainError, InvalidTransition, PermissionDenied, checked_text
from app.extensions import db
from app.notifications.outbox import queue_email
from app.urls import external_url
from app.utils import govuk_date, today, utcnow

NAME_MAX = 200
# Partnership setting (declared in app/audits/__init__.py): more addresses told of every live concern.
LIVE_CONCERN_EMAILS = "audits.live_concern_emails"


def raise_concern(case: AuditCase, *, description, actor) -> LiveConcern:
    """Record that the child of `case` may be at risk now, and queue an email at once to every QA user, the lead
    agency's organisation leads and the addresses of the partnership setting LIVE_CONCERN_EMAILS (the case reference
    and a link only). Called by partnership staff, and auditors who
    may see the case, while its round is open or in moderation."""
    if not can_raise_concern(actor, case):
        if case.round.state.value in ("open", "moderation"):
            raise PermissionDenied("You cannot raise a concern on this case")
        raise InvalidTransition(
            "This round is not running, so a concern cannot be raised here. Follow your agency’s safeguarding "
            "procedures to report it now."
        )
    description = checked_text(
        description, field="description", label="what the risk to the child is", max_length=REASON_MAX
    )
    concern = LiveConcern(case_id=case.id, raised_by_id=_actor_id(actor), description=description)
    db.session.add(concern)
    db.session.flush()
    record("concern_raised", concern, f"Live concern raised on case {case.reference}", actor=actor)
    link = external_url("audits.concern", concern_id=concern.id)
    service = current_app.config["PARTNERSHIP_NAME"]
    recipients = [user.email for user in concern_recipients(case)]
    for address in get_setting(LIVE_CONCERN_EMAILS):
        if address.lower() not in {r.lower() for r in recipients}:
            recipients.append(address)
    for address in recipients:
        queue_email(
            address,
            f"Live concern raised on case {case.reference}",
            f"A live concern has been raised during a case audit: the child of case {case.reference} may be at risk "
            "now.\n\n"
            f"Sign in to see the concern and record what is done about it:\n{link}\n\n"
            "Do not reply to this email with details about the child.\n\n"
            f"{service}\n",
        )
    return concern


def set_lead_agency(case: AuditCase, *, organisation_id, actor=None) -> AuditCase:
    """Name the agency leading the child's case (one of the round's participating organisations), or none to use the
    default (queries.lead_agency). Its organisation leads are told of live concerns on the case from then on.
    Called by partnership staff (admin, qa) until the round closes."""
    if case.round.state == RoundState.closed:
        raise InvalidTransition("This round is closed, so its cases can no longer change.")
    if organisation_id in (None, ""):
        case.lead_organisation_id = None
    else:
        chosen = next((o for o in case.round.organisations if str(o.id) == str(organisation_id)), None)
        if chosen is None:
            raise DomainError("Select one of the round’s participating organisations", field="organisation_id")
        case.lead_organisation_id = chosen.id
    db.session.flush()
    db.session.expire(case, ["lead_organisation"])
    lead = lead_agency(case)
    record(
        "lead_agency_set",
        case.round,
        f"Lead agency of case {case.reference}: {lead.name if lead else 'none'}"
        + ("" if case.lead_organisation_id else " (the default)"),
        actor=actor,
    )
    return case


def _escalation(escalated, escalated_to, escalated_on) -> tuple[str | None, date | None]:
    if escalated in (None, ""):
        return None, None
    if escalated not in ("yes", "no", True, False):
        raise DomainError("Select whether the concern was escalated", field="escalated")
    if escalated in ("no", False):
        return None, None
    escalated_to = checked_text(
        escalated_to, field="escalated_to", label="who the concern was escalated to", max_length=NAME_MAX
    )
    if not isinstance(escalated_on, date):
        raise DomainError("Enter the date the concern was escalated", field="escalated_on")
    if escalated_on > today():
        raise DomainError("The date the concern was escalated must be today or in the past", field="escalated_on")
    return escalated_to, escalated_on


def record_outcome(
    concern: LiveConcern, *, owner, escalated=None, escalated_to=None, escalated_on=None, outcome=None, actor=None
) -> LiveConcern:
    """Record who owns an open concern and, as it becomes known, whether it was escalated (to whom, on which date)
    and its outcome. Called by partnership staff (admin, qa)."""
    if concern.state != ConcernState.open:
        raise InvalidTransition("This concern is closed, so its record can no longer change.")
    concern.owner = checked_text(owner, field="owner", label="who owns the concern", max_length=NAME_MAX)
    concern.escalated_to, concern.escalated_on = _escalation(escalated, escalated_to, escalated_on)
    concern.outcome = checked_text(outcome, field="outcome", label="the outcome", max_length=REASON_MAX, required=False)
    db.session.flush()
    summary = f"Live concern on case {concern.case.reference}: owner {concern.owner}"
    if concern.escalated_to:
        summary += f"; escalated to {concern.escalated_to} on {govuk_date(concern.escalated_on)}"
    record("concern_updated", concern, summary, actor=actor)
    return concern


def close_concern(concern: LiveConcern, *, actor=None) -> LiveConcern:
    """Close an open concern once its owner and outcome are recorded; it cannot be reopened. Called by partnership
    staff (admin, qa)."""
    concern.state.check_move(ConcernState.closed)
    missing = [
        (field, message)
        for field, message, value in (
            ("owner", "Record who owns the concern before closing it", concern.owner),
            ("outcome", "Record the outcome of the concern before closing it", concern.outcome),
        )
        if not value
    ]
    if missing:
        raise DomainError(missing[0][1], field=missing[0][0])
    concern.state = ConcernState.closed
    concern.closed_at = utcnow()
    concern.closed_by_id = _actor_id(actor)
    db.session.flush()
    record("concern_closed", concern, f"Live concern on case {concern.case.reference} closed", actor=actor)
    return concern
