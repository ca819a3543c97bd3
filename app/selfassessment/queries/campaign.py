"""Campaigns: the list, one campaign, who is invited, and the board of every invited organisation's return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation
from app.errors import get_or_404
from app.extensions import db
from app.questionnaire import Instrument
from app.selfassessment.models import (
    Campaign,
    CampaignState,
    Return,
    ReturnState,
    campaign_org_type,
)
from app.selfassessment.queries._common import EDITABLE_STATES
from app.selfassessment.queries.surveys import SurveyStatus, survey_statuses
from app.utils import today


def campaigns() -> list[Campaign]:
    return list(db.session.execute(sa.select(Campaign).order_by(Campaign.cycle.desc(), Campaign.id.desc())).scalars())


def get_campaign(campaign_id: int) -> Campaign:
    return get_or_404(Campaign, campaign_id, "campaign")


def instrument_of(campaign: Campaign) -> Instrument:
    return campaign.instrument_version.parsed


def invited_organisations(campaign: Campaign) -> list[Organisation]:
    return list(
        db.session.execute(
            sa.select(Organisation)
            .join(campaign_org_type, campaign_org_type.c.org_type == Organisation.org_type)
            .where(campaign_org_type.c.campaign_id == campaign.id, Organisation.active.is_(True))
            .order_by(Organisation.name)
        ).scalars()
    )


def is_overdue(ret: Return, on: date | None = None) -> bool:
    return ret.state in EDITABLE_STATES and ret.due_date < (on or today())


@dataclass
class BoardRow:
    organisation: Organisation
    ret: Return | None
    overdue: bool
    survey: SurveyStatus | None


@dataclass
class Board:
    rows: list[BoardRow]
    by_state: dict[str, int]
    by_type: dict[str, dict[str, int]]  # org type -> state -> count
    timeliness: dict[str, int]  # "on_time", "late" (submitted after its due date), "overdue", "extended"


def campaign_board(campaign: Campaign, on: date | None = None) -> Board:
    """Every invited organisation with its return state, overdue flag and survey status (open or closed, and
    whether it may be closed: never a live count of responses); counts by state and type."""
    on = on or today()
    surveys = survey_statuses(campaign.id)
    returns = list(
        db.session.execute(
            sa.select(Return)
            .join(Organisation, Return.organisation_id == Organisation.id)
            .where(Return.campaign_id == campaign.id)
            .options(selectinload(Return.organisation))
            .order_by(Organisation.name)
        ).scalars()
    )
    rows = [
        BoardRow(organisation=r.organisation, ret=r, overdue=is_overdue(r, on), survey=surveys.get(r.organisation_id))
        for r in returns
    ]
    if campaign.state == CampaignState.draft:
        rows = [
            BoardRow(organisation=org, ret=None, overdue=False, survey=None) for org in invited_organisations(campaign)
        ]
    counts = db.session.execute(
        sa.select(Organisation.org_type, Return.state, sa.func.count())
        .join(Organisation, Return.organisation_id == Organisation.id)
        .where(Return.campaign_id == campaign.id)
        .group_by(Organisation.org_type, Return.state)
    ).all()
    by_state = {state.value: 0 for state in ReturnState}
    by_type: dict[str, dict[str, int]] = {}
    for org_type, state, n in counts:
        by_state[state.value] += n
        by_type.setdefault(org_type, {s.value: 0 for s in ReturnState})[state.value] += n
    return Board(
        rows=rows, by_state=by_state, by_type=dict(sorted(by_type.items())), timeliness=_timeliness(returns, on)
    )


def _timeliness(returns: list[Return], on: date) -> dict[str, int]:
    """How many returns were submitted by their own due date (an extension counts), after it, are overdue now, and
    have an extension."""
    counts = {"on_time": 0, "late": 0, "overdue": 0, "extended": 0}
    for ret in returns:
        if ret.submitted_at is not None:
            counts["on_time" if ret.submitted_at.date() <= ret.due_date else "late"] += 1
        elif is_overdue(ret, on):
            counts["overdue"] += 1
        if ret.due_date != ret.campaign.due_date:
            counts["extended"] += 1
    return counts
