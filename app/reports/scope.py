"""What a board report covers: one round, one campaign, or a year. A scope is plain values (kind and id) so it can
be handed to a background job as it is.

A year is a calendar year. It holds the rounds whose case period ended in it and that have reached moderation (their
grades are agreed), and the campaigns whose returns were due in it and that have opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.audits.models import AuditRound
from app.errors import get_or_404
from app.extensions import db
from app.findings import figures, queries
from app.selfassessment.models import Campaign, CampaignState

KINDS = ("round", "campaign", "year")


@dataclass(frozen=True)
class Scope:
    kind: str  # "round", "campaign" or "year"
    id: int  # the round's or campaign's id, or the year

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown report scope {self.kind!r}")


@dataclass(frozen=True)
class Period:
    """A round or campaign in a report, by id (loaded again when its section is written)."""

    kind: str  # "round" or "campaign"
    id: int
    title: str


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def periods_in_year(year: int) -> list[Period]:
    """The year's rounds (by end of their case period) then campaigns (by due date), earliest first."""
    start, end = year_bounds(year)
    rounds = db.session.execute(
        sa.select(AuditRound.id, AuditRound.title)
        .where(
            AuditRound.period_end.between(start, end),
            AuditRound.state.in_(queries.PARTICIPANT_ROUND_STATES),
        )
        .order_by(AuditRound.period_end, AuditRound.id)
    ).all()
    campaigns = db.session.execute(
        sa.select(Campaign.id, Campaign.title)
        .where(Campaign.due_date.between(start, end), Campaign.state != CampaignState.draft)
        .order_by(Campaign.due_date, Campaign.id)
    ).all()
    return [Period("round", r.id, r.title) for r in rounds] + [Period("campaign", c.id, c.title) for c in campaigns]


def report_years() -> list[int]:
    """Years offered on the year page: every year a round ended or a campaign was due, latest first."""
    ends = db.session.execute(sa.select(AuditRound.period_end)).scalars()
    dues = db.session.execute(sa.select(Campaign.due_date)).scalars()
    return sorted({d.year for d in ends} | {d.year for d in dues}, reverse=True)


def load(period: Period):
    return get_or_404(AuditRound if period.kind == "round" else Campaign, period.id)


def previous_round(audit_round: AuditRound) -> AuditRound | None:
    """The latest earlier round with the same audit tool (any version) that reached moderation, by period audited."""
    key = figures.round_catalogue(audit_round).key
    earlier = [
        r
        for r in queries.rounds_for_key(key, states=queries.PARTICIPANT_ROUND_STATES)
        if (r.period_start, r.id) < (audit_round.period_start, audit_round.id)
    ]
    return earlier[-1] if earlier else None


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The campaign this one follows on from, else the latest earlier opened campaign of the same self-assessment."""
    if campaign.previous_campaign is not None:
        return campaign.previous_campaign
    key = figures.campaign_catalogue(campaign).key
    earlier = [
        c
        for c in queries.campaigns_for_key(key)
        if c.state != CampaignState.draft and (c.cycle, c.id) < (campaign.cycle, campaign.id)
    ]
    return earlier[-1] if earlier else None
