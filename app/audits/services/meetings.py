"""Moderation meeting records: when a round's panel met, who sat on it, the practitioners who joined and whether
the family's feedback was sought."""

from __future__ import annotations

from datetime import date

from app.activity import record
from app.audits.models import AuditRound, RoundState
from app.audits.panel_models import FamilyFeedback, PanelMeeting
from app.audits.services._common import REASON_MAX, _actor_id
from app.errors import DomainError, InvalidTransition, checked_text
from app.extensions import db
from app.utils import govuk_date, today

PANEL_MAX = REASON_MAX


def _checked(*, held_on, panel, practitioners, family_feedback) -> dict:
    if not isinstance(held_on, date):
        raise DomainError("Enter the date of the meeting", field="held_on")
    if held_on > today():
        raise DomainError("The date of the meeting must be today or in the past", field="held_on")
    panel = checked_text(panel, field="panel", label="who was on the panel", max_length=PANEL_MAX)
    practitioners = checked_text(
        practitioners, field="practitioners", label="the practitioners who joined", max_length=PANEL_MAX, required=False
    )
    try:
        feedback = FamilyFeedback(family_feedback)
    except ValueError:
        raise DomainError("Select whether the family’s feedback was sought", field="family_feedback") from None
    return {"held_on": held_on, "panel": panel, "practitioners": practitioners, "family_feedback": feedback}


def _check_round(audit_round: AuditRound) -> None:
    if audit_round.state not in (RoundState.open, RoundState.moderation):
        raise InvalidTransition(
            f"Meetings are recorded while the round is open or in moderation; this round is {audit_round.state.phrase}."
        )


def record_meeting(
    audit_round: AuditRound, *, held_on, panel, practitioners=None, family_feedback, actor=None
) -> PanelMeeting:
    """Add a moderation meeting to a round that is open or in moderation. Called by partnership staff (admin, qa)
    from the round page."""
    _check_round(audit_round)
    fields = _checked(held_on=held_on, panel=panel, practitioners=practitioners, family_feedback=family_feedback)
    meeting = PanelMeeting(round_id=audit_round.id, recorded_by_id=_actor_id(actor), **fields)
    db.session.add(meeting)
    db.session.flush()
    record(
        "meeting_recorded",
        audit_round,
        f"Moderation meeting of {govuk_date(meeting.held_on)} recorded for “{audit_round.title}”",
        actor=actor,
    )
    return meeting


def update_meeting(meeting: PanelMeeting, *, held_on, panel, practitioners=None, family_feedback, actor=None):
    """Correct a meeting record while its round is open or in moderation. Called by partnership staff (admin, qa)."""
    _check_round(meeting.round)
    for name, value in _checked(
        held_on=held_on, panel=panel, practitioners=practitioners, family_feedback=family_feedback
    ).items():
        setattr(meeting, name, value)
    db.session.flush()
    record(
        "meeting_updated",
        meeting.round,
        f"Moderation meeting of {govuk_date(meeting.held_on)} changed for “{meeting.round.title}”",
        actor=actor,
    )
    return meeting
