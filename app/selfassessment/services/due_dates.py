"""Due dates: the campaign's date moved for everyone, and one organisation's extension with its reason. Reminders,
overdue tags and figures all read `Return.due_date`, so they follow either change."""

from __future__ import annotations

from datetime import date

from app.activity import record
from app.errors import DomainError, InvalidTransition
from app.extensions import db
from app.selfassessment.models import Campaign, CampaignState, Return
from app.selfassessment.queries import EDITABLE_STATES
from app.signals import figures_changed
from app.utils import govuk_date, today


def change_due_date(campaign: Campaign, due_date: date | None, *, actor=None) -> Campaign:
    """Move the date every return of a draft or open campaign is due (extensions later than the new date still
    apply). Not to a date in the past: that would make returns overdue at once. Partnership staff (admin or QA)
    only, from the campaign page."""
    if campaign.state == CampaignState.closed:
        raise InvalidTransition("The campaign is closed: re-open it before changing its due date")
    if not isinstance(due_date, date):
        raise DomainError("Enter the date returns are due", field="due_date")
    if due_date < today():
        raise DomainError("The due date must be today or in the future", field="due_date")
    if due_date == campaign.due_date:
        raise DomainError(f"Returns are already due on {govuk_date(due_date)}", field="due_date")
    before = campaign.due_date
    campaign.due_date = due_date
    db.session.flush()
    record(
        "due_date_changed",
        campaign,
        f"Moved the due date of {campaign.label} from {govuk_date(before)} to {govuk_date(due_date)}",
        actor=actor,
    )
    figures_changed.send("campaign", id=campaign.id)
    return campaign


def extend_return(ret: Return, extended_to: date | None, *, reason: str, actor=None) -> Return:
    """Give one organisation until `extended_to` (after the campaign's due date) to submit its return, with the
    reason; replaces an earlier extension. Only for a return not yet submitted in an open campaign. Partnership
    staff (admin or QA) only, from the return's review page."""
    if ret.campaign.state != CampaignState.open:
        raise InvalidTransition("Extensions can only be given while the campaign is open")
    if ret.state not in EDITABLE_STATES:
        raise InvalidTransition("This return has been submitted: it needs no extension")
    if not isinstance(extended_to, date):
        raise DomainError("Enter the new date the return is due", field="extended_to")
    if extended_to <= ret.campaign.due_date:
        raise DomainError(
            f"The new date must be after the campaign’s due date, {govuk_date(ret.campaign.due_date)}",
            field="extended_to",
        )
    if extended_to < today():
        raise DomainError("The new date must be today or in the future", field="extended_to")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for the extension", field="reason")
    if len(reason) > 1000:
        raise DomainError("The reason must be 1000 characters or fewer", field="reason")
    ret.extended_to = extended_to
    ret.extension_reason = reason
    db.session.flush()
    record(
        "extended",
        ret,
        f"Gave {ret.organisation.name} until {govuk_date(extended_to)} for its {ret.campaign.cycle} return: {reason}",
        actor=actor,
    )
    figures_changed.send("campaign", id=ret.campaign_id)
    return ret


def remove_extension(ret: Return, *, actor=None) -> Return:
    """Take an organisation's extension away, so its return is due on the campaign's date again. Partnership
    staff (admin or QA) only, from the return's review page."""
    if ret.extended_to is None:
        raise InvalidTransition("This return has no extension")
    before = ret.extended_to
    ret.extended_to = None
    ret.extension_reason = None
    db.session.flush()
    record(
        "extension_removed",
        ret,
        f"Removed {ret.organisation.name}’s extension to {govuk_date(before)}: due {govuk_date(ret.due_date)}",
        actor=actor,
    )
    figures_changed.send("campaign", id=ret.campaign_id)
    return ret
