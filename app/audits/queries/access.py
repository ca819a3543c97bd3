"""Loading rounds, cases and assignments, and who may see or score them."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import Organisation
from app.permissions import is_partnership_staff
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseResponse,
    RoundState,
)
from app.audits.panel_models import LiveConcern, PanelMeeting
from app.errors import NotFound, PermissionDenied, get_or_404
from app.extensions import db
from app.questionnaire import (
    Instrument,
    get_version,
)

# ---------------------------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------------------------


def get_round(round_id: int) -> AuditRound:
    return get_or_404(AuditRound, round_id, "audit round")


def get_case(case_id: int) -> AuditCase:
    return get_or_404(AuditCase, case_id, "case")


def get_assignment(assignment_id: int) -> Assignment:
    return get_or_404(Assignment, assignment_id, "assignment")


def instrument_of(audit_round: AuditRound) -> Instrument:
    return get_version(audit_round.instrument_version_id).parsed


def response_instrument(response: CaseResponse) -> Instrument:
    return get_version(response.instrument_version_id).parsed


# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------
def can_score(user, assignment: Assignment) -> bool:
    """Only the assigned organisation's auditors score; a named auditor, if set, is the only one."""
    if user is None or not user.is_authenticated or not user.has_role("auditor"):
        return False
    if assignment.auditor_id is not None:
        return assignment.auditor_id == user.id
    return user.organisation_id is not None and user.organisation_id == assignment.organisation_id


def scoring_assignment(user, assignment_id: int) -> Assignment:
    """The assignment if `user` may work on it; 404 while its round is a draft (not yet published).

    Its case, round, organisation, response and instrument version (definition deferred; parsed ones are kept per
    process) come in one statement: every scoring page needs them. The answers are read by `answers_of` as plain
    rows: building an ORM object for each cost more than the rest of the page's queries together."""
    assignment = (
        db.session.execute(_scoring_statement(), {"assignment_id": assignment_id}).unique().scalar_one_or_none()
    )
    if assignment is None:
        raise NotFound("No such assignment")
    if assignment.case.round.state == RoundState.draft:
        raise NotFound("This round has not been opened yet")
    if not can_score(user, assignment):
        raise PermissionDenied("Your organisation is not assigned to audit this case")
    return assignment


@functools.cache
def _scoring_statement() -> sa.Select:
    # Built once per process: building the statement and its loader options cost as much as running it.
    return (
        sa.select(Assignment)
        .where(Assignment.id == sa.bindparam("assignment_id"))
        .options(
            joinedload(Assignment.case).joinedload(AuditCase.round),
            joinedload(Assignment.organisation),
            joinedload(Assignment.response).joinedload(CaseResponse.instrument_version),
        )
    )


def can_see_case(user, case: AuditCase) -> bool:
    """Who may see a case and what is recorded on it: partnership staff; once the round is open, the auditors who
    score it (can_score) and those who may see the other agencies' answers (can_see_other_agencies)."""
    if is_partnership_staff(user):
        return True
    if user is None or not user.is_authenticated or case.round.state == RoundState.draft:
        return False
    return any(can_score(user, a) for a in case.assignments) or can_see_other_agencies(user, case)


def lead_agency(case: AuditCase) -> Organisation | None:
    """The agency leading the child's case: the one named on the case, else the round's local authority (children's
    social care leads a child's case), else its first participating agency."""
    if case.lead_organisation is not None:
        return case.lead_organisation
    agencies = case.round.organisations
    return next((o for o in agencies if o.org_type == "local_authority"), agencies[0] if agencies else None)


def can_see_concern(user, concern: LiveConcern) -> bool:
    """A live concern is seen by whoever may see its case, and by the organisation leads of the case's lead agency,
    who are told of it and act on it in their own records."""
    if can_see_case(user, concern.case):
        return True
    if user is None or not user.is_authenticated or not user.has_role("org_lead"):
        return False
    lead = lead_agency(concern.case)
    return lead is not None and user.organisation_id == lead.id


def can_raise_concern(user, case: AuditCase) -> bool:
    """Partnership staff, and auditors who may see the case, raise a live concern while its round runs."""
    if case.round.state not in (RoundState.open, RoundState.moderation):
        return False
    return can_see_case(user, case) and (is_partnership_staff(user) or user.has_role("auditor"))


def visible_concern(user, concern_id: int) -> LiveConcern:
    """The concern if `user` may see it; 404 for one that does not exist or that they may not see."""
    concern = get_or_404(LiveConcern, concern_id, "live concern")
    if not can_see_concern(user, concern):
        raise NotFound("No such live concern")
    return concern


def get_meeting(meeting_id: int) -> PanelMeeting:
    return get_or_404(PanelMeeting, meeting_id, "meeting")


def can_see_other_agencies(user, case: AuditCase) -> bool:
    """§6: staff always; auditors once the round is in moderation, for cases their organisation audited."""
    if is_partnership_staff(user):
        return True
    if case.round.state not in (RoundState.moderation, RoundState.closed):
        return False
    if not user.has_role("auditor"):
        return False
    return any(
        a.auditor_id == user.id or (user.organisation_id is not None and a.organisation_id == user.organisation_id)
        for a in case.assignments
    )
