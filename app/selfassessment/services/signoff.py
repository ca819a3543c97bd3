"""Sign-off: the lead sends a complete return to the organisation's leaders (answers locked), each required
signatory signs it off with their password, and the last sign-off submits it. The lead may withdraw it to make
changes, which voids the sign-offs given so far."""

from __future__ import annotations

from flask import current_app

from app.accounts.services import confirm_password
from app.accounts.signatories import capacity_label
from app.activity import record
from app.errors import DomainError, InvalidTransition, PermissionDenied
from app.extensions import db
from app.questionnaire import check_version
from app.selfassessment.models import CampaignState, Return, ReturnSignoff, ReturnState
from app.notifications.outbox import queue_email
from app.selfassessment.queries import (
    missing_signatory_accounts,
    signoff_capacities,
    signoff_lines,
    signoff_refusal,
)
from app.selfassessment.services.returns import (
    CONFLICT_MESSAGE,
    _flush_return,
    check_declaration,
    mark_submitted,
    require_editable,
)
from app.urls import external_url
from app.utils import govuk_date, utcnow


def _names(capacities) -> str:
    return " and ".join(capacity_label(c).lower() for c in capacities)


def no_account_message(ret: Return, capacities: list[str]) -> str:
    """What the lead is told when the organisation lacks a signatory account for a capacity that must sign off."""
    return (
        f"{ret.organisation.name} has no signatory account for the {_names(capacities)}, who must sign off this "
        "return before it is submitted. Ask your partnership administrator to add one (role: signatory, with that "
        "capacity), then send it for sign-off."
    )


def send_for_signoff(
    ret: Return, *, confirmed: bool, declaration_name: str, expected_version: int | str | None, actor=None
) -> Return:
    """Lock a complete return and send it to the signatories its instrument asks of the organisation's type, with
    the lead's declaration. Refuses with every problem left (ReturnIncomplete), or when a signatory account is
    missing. For the organisation's own lead, once access.can_edit_return allows it."""
    require_editable(ret)
    check_version(expected_version, ret.lock_version, CONFLICT_MESSAGE)
    name = check_declaration(ret, confirmed=confirmed, declaration_name=declaration_name)
    capacities = list(signoff_capacities(ret))  # the return is editable, so this is what its instrument asks
    if not capacities:
        raise InvalidTransition("This return needs no sign-off: submit it")
    for old in list(ret.signoffs):  # sign-offs of an earlier round (a return sent back by the partnership)
        db.session.delete(old)
    ret.signoff_capacities = capacities
    db.session.flush()
    db.session.expire(ret, ["signoffs"])
    missing = missing_signatory_accounts(ret)
    if missing:
        raise DomainError(no_account_message(ret, missing))
    ret.state = ret.state.check_move(ReturnState.awaiting_signoff)
    ret.sent_for_signoff_at = utcnow()
    ret.submitted_by_id = getattr(actor, "id", None)
    ret.declaration_name = name
    _flush_return(ret)
    record(
        "sent_for_signoff",
        ret,
        f"Sent the {ret.campaign.cycle} self-assessment of {ret.organisation.name} for sign-off by the "
        f"{_names(capacities)} (declared by {name})",
        actor=actor,
    )
    _tell_signatories(ret, name)
    return ret


def _tell_signatories(ret: Return, declared_by: str) -> None:
    """Email every account that may give a sign-off the return now needs: the organisation and a link only."""
    link = external_url("selfassessment.sign_off", return_id=ret.id)
    service = current_app.config["PARTNERSHIP_NAME"]
    due_text = f" It is due by {govuk_date(ret.due_date)}."
    for line in signoff_lines(ret):
        for user in line.accounts:
            queue_email(
                user.email,
                f"Sign off the {ret.campaign.cycle} safeguarding self-assessment of {ret.organisation.name}",
                f"{declared_by} has sent the {ret.campaign.cycle} safeguarding self-assessment of "
                f"{ret.organisation.name} for sign-off by the {line.label.lower()}.{due_text}\n\n"
                f"Read it and sign it off:\n{link}\n\n{service}\n",
            )


def withdraw_from_signoff(ret: Return, *, actor=None) -> Return:
    """Take a return awaiting sign-off back to the lead to change it; every sign-off given so far is voided.
    For the organisation's own lead (access.can_withdraw_return), while the campaign is open."""
    if ret.state != ReturnState.awaiting_signoff:
        raise InvalidTransition("This return is not waiting for sign-off")
    if ret.campaign.state != CampaignState.open:
        raise InvalidTransition("This campaign is closed, so the return cannot be changed")
    voided = [s.signatory_name for s in ret.signoffs]
    for signoff in list(ret.signoffs):
        db.session.delete(signoff)
    ret.state = ret.state.check_move(ReturnState.in_progress)
    ret.sent_for_signoff_at = None
    ret.signoff_capacities = []
    _flush_return(ret)
    db.session.expire(ret, ["signoffs"])
    voided_text = f"; sign-offs by {', '.join(voided)} voided" if voided else ""
    record(
        "withdrawn_from_signoff",
        ret,
        f"Withdrew the {ret.campaign.cycle} self-assessment of {ret.organisation.name} from sign-off to change "
        f"it{voided_text}",
        actor=actor,
    )
    return ret


def sign_off_return(ret: Return, user, *, password: str, expected_version: int | str | None = None) -> ReturnSignoff:
    """Sign off the return as `user` (name, capacity and time recorded) after re-entering their password; the last
    required sign-off submits it. A signatory of the organisation in a capacity the return needs
    (queries.signoff_refusal, checked again here)."""
    refusal = signoff_refusal(ret, user)
    if refusal:
        raise PermissionDenied(refusal)
    if ret.state != ReturnState.awaiting_signoff:
        raise InvalidTransition("This return is not waiting for sign-off")
    if user.signatory_capacity in ret.signed_capacities:
        raise DomainError("This return has already been signed off in your capacity")
    if expected_version is not None:  # the page's version: a sign-off given to what the signatory read
        check_version(expected_version, ret.lock_version, "The return changed since you opened it. Read it again.")
    confirm_password(user, password)
    signoff = ReturnSignoff(
        return_id=ret.id,
        user_id=user.id,
        signatory_name=user.name,
        capacity=user.signatory_capacity,
        signed_at=utcnow(),
    )
    db.session.add(signoff)
    db.session.flush()
    db.session.expire(ret, ["signoffs"])
    record(
        "signed_off",
        ret,
        f"{user.name} signed off the {ret.campaign.cycle} self-assessment of {ret.organisation.name} as "
        f"{capacity_label(signoff.capacity).lower()}",
        actor=user,
    )
    if not ret.missing_capacities:
        mark_submitted(ret, actor=user)
    else:
        _flush_return(ret)  # a sign-off moves the return's version, so a page opened before it is stale
    return signoff
