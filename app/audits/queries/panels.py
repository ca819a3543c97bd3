"""What a round's panel recorded, for the round page and the round's findings report: its moderation meetings and
the live concerns raised on its cases, with the count of cases escalated."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import User, UserRole
from app.audits.models import AuditCase, AuditRound
from app.audits.panel_models import ConcernState, LiveConcern, PanelMeeting
from app.audits.queries.access import lead_agency
from app.extensions import db


@dataclass(frozen=True)
class PanelReport:
    """The round report's account of the panel: its meetings, and how many of its cases were escalated."""

    meetings: list[PanelMeeting]
    cases: int
    escalated_cases: int
    concern_cases: int
    open_concerns: int

    @property
    def escalated_sentence(self) -> str:
        return (
            f"{self.escalated_cases} of {self.cases} case{'s' if self.cases != 1 else ''} "
            f"{'was' if self.escalated_cases == 1 else 'were'} escalated as live concerns."
        )


def meetings_of(audit_round: AuditRound) -> list[PanelMeeting]:
    """The round's moderation meetings, earliest first."""
    return list(
        db.session.execute(
            sa.select(PanelMeeting)
            .where(PanelMeeting.round_id == audit_round.id)
            .order_by(PanelMeeting.held_on, PanelMeeting.id)
        ).scalars()
    )


def concerns_of_round(audit_round: AuditRound, *, only_open: bool = False) -> list[LiveConcern]:
    """Every live concern raised on the round's cases (open ones only with `only_open`), by case then time."""
    stmt = (
        sa.select(LiveConcern)
        .join(AuditCase, LiveConcern.case_id == AuditCase.id)
        .where(AuditCase.round_id == audit_round.id)
        .options(selectinload(LiveConcern.case), selectinload(LiveConcern.raised_by))
        .order_by(AuditCase.reference, LiveConcern.raised_at, LiveConcern.id)
    )
    if only_open:
        stmt = stmt.where(LiveConcern.state == ConcernState.open)
    return list(db.session.execute(stmt).scalars())


def open_concerns() -> list[LiveConcern]:
    """Every open live concern in the partnership, oldest first (few at any time: each is acted on at once)."""
    return list(
        db.session.execute(
            sa.select(LiveConcern)
            .where(LiveConcern.state == ConcernState.open)
            .options(selectinload(LiveConcern.case).selectinload(AuditCase.round))
            .order_by(LiveConcern.raised_at, LiveConcern.id)
        ).scalars()
    )


def concerns_of_case(case: AuditCase) -> list[LiveConcern]:
    """The live concerns raised on one case, newest first."""
    return list(
        db.session.execute(
            sa.select(LiveConcern)
            .where(LiveConcern.case_id == case.id)
            .order_by(LiveConcern.raised_at.desc(), LiveConcern.id.desc())
        ).scalars()
    )


def panel_report(audit_round: AuditRound) -> PanelReport:
    """The meetings and the live concern counts of a round: cases in the round, cases with a concern escalated,
    cases with any concern, and concerns still open."""
    case_ids = sa.select(AuditCase.id).where(AuditCase.round_id == audit_round.id)
    cases = db.session.execute(sa.select(sa.func.count()).select_from(case_ids.subquery())).scalar_one()
    concern_rows = db.session.execute(
        sa.select(LiveConcern.case_id, LiveConcern.state, LiveConcern.escalated_to).where(
            LiveConcern.case_id.in_(case_ids)
        )
    ).all()
    return PanelReport(
        meetings=meetings_of(audit_round),
        cases=cases,
        escalated_cases=len({r.case_id for r in concern_rows if r.escalated_to is not None}),
        concern_cases=len({r.case_id for r in concern_rows}),
        open_concerns=sum(1 for r in concern_rows if r.state == ConcernState.open),
    )


def concern_recipients(case: AuditCase) -> list[User]:
    """Who is told at once of a live concern on `case`: every active QA user, and the active organisation leads of
    the case's lead agency."""
    lead = lead_agency(case)
    role_holders = sa.select(UserRole.user_id).where(UserRole.role == "qa")
    condition = User.id.in_(role_holders)
    if lead is not None:
        leads = sa.select(UserRole.user_id).where(UserRole.role == "org_lead")
        condition = condition | (User.id.in_(leads) & (User.organisation_id == lead.id))
    return list(
        db.session.execute(sa.select(User).where(User.active.is_(True), condition).order_by(User.email)).scalars()
    )
