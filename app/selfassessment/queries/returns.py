"""Returns: an organisation's returns, whether it has submitted one lately, its leads, and what awaits review."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import User, UserRole
from app.errors import get_or_404
from app.extensions import db
from app.selfassessment.models import Campaign, CampaignState, Return, ReturnState, due_date_expression
from app.selfassessment.queries._common import SUBMITTED_STATES


def get_return(return_id: int) -> Return:
    return get_or_404(Return, return_id, "return")


def returns_for_organisation(organisation_id: int) -> list[Return]:
    return list(
        db.session.execute(
            sa.select(Return)
            .join(Campaign, Return.campaign_id == Campaign.id)
            .where(Return.organisation_id == organisation_id, Campaign.state != CampaignState.draft)
            .options(selectinload(Return.campaign))
            .order_by(Campaign.cycle.desc(), Campaign.id.desc())
        ).scalars()
    )


def latest_return_for(organisation_id: int) -> Return | None:
    """The organisation's return in its most recent campaign (by cycle), whatever its state."""
    return db.session.execute(
        sa.select(Return)
        .join(Campaign, Return.campaign_id == Campaign.id)
        .where(Return.organisation_id == organisation_id, Campaign.state != CampaignState.draft)
        .order_by(Campaign.cycle.desc(), Campaign.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def has_submitted_return(organisation_id: int, since_cycle_of_campaign: int | None = None) -> bool:
    """True when the organisation has a submitted or accepted return in the current or the previous cycle.

    The current cycle is that of campaign `since_cycle_of_campaign` when given, otherwise the latest cycle of any
    open or closed campaign.
    """
    if since_cycle_of_campaign is not None:
        current = db.session.execute(
            sa.select(Campaign.cycle).where(Campaign.id == since_cycle_of_campaign)
        ).scalar_one_or_none()
    else:
        current = db.session.execute(
            sa.select(sa.func.max(Campaign.cycle)).where(Campaign.state != CampaignState.draft)
        ).scalar_one_or_none()
    if current is None:
        return False
    previous = db.session.execute(
        sa.select(sa.func.max(Campaign.cycle)).where(Campaign.state != CampaignState.draft, Campaign.cycle < current)
    ).scalar_one_or_none()
    cycles = [c for c in (current, previous) if c is not None]
    return (
        db.session.execute(
            sa.select(Return.id)
            .join(Campaign, Return.campaign_id == Campaign.id)
            .where(
                Return.organisation_id == organisation_id,
                Return.state.in_(SUBMITTED_STATES),
                Campaign.cycle.in_(cycles),
            )
            .limit(1)
        ).first()
        is not None
    )


def org_lead_emails(organisation_ids) -> dict[int, list[str]]:
    rows = db.session.execute(
        sa.select(User.organisation_id, User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id.in_(list(organisation_ids)), User.active.is_(True), UserRole.role == "org_lead")
        .order_by(User.email)
    ).all()
    result: dict[int, list[str]] = defaultdict(list)
    for org_id, email in rows:
        result[org_id].append(email)
    return result


def open_returns_for_organisation(organisation_id: int) -> list[Return]:
    return list(
        db.session.execute(
            sa.select(Return)
            .join(Campaign, Return.campaign_id == Campaign.id)
            .where(Return.organisation_id == organisation_id, Campaign.state == CampaignState.open)
            .options(selectinload(Return.campaign))
            .order_by(due_date_expression())
        ).scalars()
    )


def awaiting_review() -> list[tuple[Campaign, int]]:
    rows = db.session.execute(
        sa.select(Campaign, sa.func.count(Return.id))
        .join(Return, Return.campaign_id == Campaign.id)
        .where(Campaign.state == CampaignState.open, Return.state == ReturnState.submitted)
        .group_by(Campaign.id)
        .order_by(Campaign.due_date)
    ).all()
    return [(campaign, n) for campaign, n in rows]
