"""Object-level permissions for returns, evidence files and survey results."""

from __future__ import annotations

from app.accounts.signatories import is_signatory_of
from app.permissions import is_partnership_staff
from app.errors import NotFound, PermissionDenied, get_or_404
from app.selfassessment.models import CampaignState, Challenge, EvidenceFile, Return, ReturnState
from app.selfassessment.queries import EDITABLE_STATES, get_return


def is_org_lead_of(user, organisation_id: int) -> bool:
    return bool(
        user and user.is_authenticated and user.has_role("org_lead") and user.organisation_id == organisation_id
    )


def can_view_return(user, ret: Return) -> bool:
    """Staff; the organisation's lead; its signatories, who read (and sign off) but never change it."""
    return (
        is_partnership_staff(user)
        or is_org_lead_of(user, ret.organisation_id)
        or is_signatory_of(user, ret.organisation_id)
    )


def can_withdraw_return(user, ret: Return) -> bool:
    """The organisation's lead may take a return back from sign-off to change it, while the campaign is open."""
    return (
        is_org_lead_of(user, ret.organisation_id)
        and ret.campaign.state == CampaignState.open
        and ret.state == ReturnState.awaiting_signoff
    )


def can_edit_return(user, ret: Return) -> bool:
    """Only the organisation's own lead, while the campaign is open and the return is not with QA."""
    return (
        is_org_lead_of(user, ret.organisation_id)
        and ret.campaign.state == CampaignState.open
        and ret.state in EDITABLE_STATES
    )


def return_for_view(user, return_id: int) -> Return:
    ret = get_return(return_id)
    if not can_view_return(user, ret):
        raise PermissionDenied("This return belongs to another organisation")
    return ret


def return_for_rerating(user, return_id: int) -> Return:
    """A return whose criteria the user may re-rate during the year: the organisation's own lead, or partnership
    staff. Whether a given criterion may be re-rated now is queries.rerating_problem."""
    ret = get_return(return_id)
    if not can_view_return(user, ret):
        raise PermissionDenied("This return belongs to another organisation")
    return ret


def return_for_review(user, return_id: int) -> Return:
    ret = get_return(return_id)
    if not is_partnership_staff(user):
        raise PermissionDenied("Only the partnership can review returns")
    return ret


def evidence_for_download(user, file_id: int) -> EvidenceFile:
    evidence = get_or_404(EvidenceFile, file_id, "file")
    if not can_view_return(user, evidence.answer.return_):
        raise PermissionDenied("This file belongs to another organisation")
    return evidence


def challenge_on(ret: Return, challenge_id: int) -> Challenge:
    """A challenge of this return (404 for one of another return)."""
    challenge = get_or_404(Challenge, challenge_id, "challenge")
    if challenge.answer.return_id != ret.id:
        raise NotFound("No such challenge")
    return challenge


def challenge_for_reply(user, return_id: int, challenge_id: int) -> tuple[Return, Challenge]:
    """Only the organisation's own lead answers the partnership's challenges."""
    ret = get_return(return_id)
    if not is_org_lead_of(user, ret.organisation_id):
        raise PermissionDenied("Only the organisation's lead can reply to a challenge")
    return ret, challenge_on(ret, challenge_id)


def reply_file_for_download(user, challenge_id: int) -> Challenge:
    challenge = get_or_404(Challenge, challenge_id, "challenge")
    if not can_view_return(user, challenge.answer.return_) or not challenge.reply_stored_name:
        raise PermissionDenied("This file belongs to another organisation")
    return challenge
