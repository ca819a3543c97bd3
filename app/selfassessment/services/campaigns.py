"""Campaigns: create, open (a return per invited organisation, carried forward from last cycle, and a
practitioner survey link each) and close."""

from __future__ import annotations

import re
import secrets
from datetime import date

import sqlalchemy as sa

from app.accounts.models import ORG_TYPES, Organisation
from app.activity import record
from app.errors import DomainError
from app.extensions import db
from app.questionnaire import (
    Catalogue,
    Instrument,
    InstrumentVersion,
    catalogue_for_key,
    decode_answer,
    get_version,
    write_answers,
)
from app.selfassessment.models import (
    Campaign,
    CampaignState,
    Return,
    ReturnAnswer,
    ReturnState,
    SurveyLink,
    SurveySnapshot,
    campaign_org_type,
)
from app.selfassessment.queries import instrument_of, invited_organisations
from app.selfassessment.survey_services import close_campaign_surveys
from app.signals import figures_changed
from app.utils import utcnow

CYCLE_RE = re.compile(r"^(\d{4})-(\d{2})$")


def cycle_problem(cycle: str) -> str | None:
    """The error message for a cycle not written as two consecutive years (like 2025-26), or None.
    Changes nothing; the campaign form and create_campaign both check with it."""
    match = CYCLE_RE.match(cycle or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        return "Enter the cycle as two consecutive years, like 2025-26"
    return None


def create_campaign(
    *,
    title: str,
    instrument_version_id: int,
    cycle: str,
    due_date: date,
    org_types: list[str],
    survey_version_id: int | None = None,
    actor=None,
) -> Campaign:
    """Create a draft campaign inviting these organisation types. Partnership staff (admin or QA) only: the
    new-campaign page is for them."""
    title = (title or "").strip()
    if not title:
        raise DomainError("Enter a title for the campaign", field="title")
    version = get_version(instrument_version_id)
    if version.kind != "self_assessment":
        raise DomainError("Choose a self-assessment instrument", field="instrument_version_id")
    if survey_version_id is not None and get_version(survey_version_id).kind != "survey":
        raise DomainError("Choose a practitioner survey, or no survey", field="survey_version_id")
    problem = cycle_problem(cycle)
    if problem:
        raise DomainError(problem, field="cycle")
    if not isinstance(due_date, date):
        raise DomainError("Enter the date returns are due", field="due_date")
    unknown = [t for t in org_types if t not in ORG_TYPES]
    if unknown or not org_types:
        raise DomainError("Select at least one type of organisation to invite", field="org_types")
    clash = db.session.execute(
        sa.select(Campaign.id).where(Campaign.instrument_version_id == instrument_version_id, Campaign.cycle == cycle)
    ).first()
    if clash:
        raise DomainError(f"There is already a {cycle} campaign using this instrument version", field="cycle")
    campaign = Campaign(
        title=title,
        instrument_version_id=instrument_version_id,
        survey_version_id=survey_version_id,
        cycle=cycle,
        due_date=due_date,
        state=CampaignState.draft,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.execute(
        campaign_org_type.insert(), [{"campaign_id": campaign.id, "org_type": t} for t in sorted(set(org_types))]
    )
    record("created", campaign, f"Created self-assessment campaign {title} ({cycle})", actor=actor)
    return campaign


def previous_campaign_for(campaign: Campaign) -> Campaign | None:
    """The latest earlier-cycle campaign of the same instrument (any version) that has been opened."""
    instrument_id = campaign.instrument_version.instrument_id
    return db.session.execute(
        sa.select(Campaign)
        .join(InstrumentVersion, Campaign.instrument_version_id == InstrumentVersion.id)
        .where(
            InstrumentVersion.instrument_id == instrument_id,
            Campaign.cycle < campaign.cycle,
            Campaign.state != CampaignState.draft,
            Campaign.id != campaign.id,
        )
        .order_by(Campaign.cycle.desc(), Campaign.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def open_campaign(campaign: Campaign, *, actor=None) -> Campaign:
    """Open (or re-open) a campaign: a return for every invited active organisation, each starting from its
    previous cycle's return, and a practitioner survey link for each. Partnership staff (admin or QA) only."""
    campaign.state = campaign.state.check_move(CampaignState.open)
    if campaign.previous_campaign_id is None:
        previous = previous_campaign_for(campaign)
        campaign.previous_campaign_id = previous.id if previous is not None else None
    campaign.opened_at = utcnow()
    campaign.closed_at = None
    db.session.flush()
    existing = set(
        db.session.execute(sa.select(Return.organisation_id).where(Return.campaign_id == campaign.id)).scalars()
    )
    starter = _ReturnStarter(campaign)
    started = 0
    for org in invited_organisations(campaign):
        started += starter.start(org, has_return=org.id in existing)
    db.session.flush()
    record("opened", campaign, f"Opened {campaign.label}: {started} new returns", actor=actor)
    figures_changed.send("campaign", id=campaign.id)
    return campaign


class _ReturnStarter:
    """Starts an invited organisation's return (carried forward from its previous cycle) and its survey link."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.instrument = instrument_of(campaign)
        self.linked = set(
            db.session.execute(
                sa.select(SurveyLink.organisation_id).where(SurveyLink.campaign_id == campaign.id)
            ).scalars()
        )
        # A campaign re-opened after its surveys closed keeps them closed and adds none: its survey is over.
        self.survey_over = (
            db.session.execute(
                sa.select(SurveySnapshot.id).where(
                    SurveySnapshot.campaign_id == campaign.id, SurveySnapshot.survey_link_id.is_(None)
                )
            ).first()
            is not None
        )
        # Answers stored under an older key follow its renames into this version: one catalogue for every return.
        self.catalogue = catalogue_for_key(self.instrument.key) if campaign.previous_campaign_id is not None else None

    def start(self, org: Organisation, *, has_return: bool) -> int:
        """1 when a return was started for the organisation, 0 when it had one already."""
        campaign = self.campaign
        started = 0
        if not has_return:
            ret = Return(campaign=campaign, organisation_id=org.id, state=ReturnState.not_started)
            db.session.add(ret)
            db.session.flush()
            _carry_forward(ret, self.instrument, self.catalogue, org, campaign.previous_campaign_id)
            started = 1
        if campaign.survey_version_id is not None and org.id not in self.linked and not self.survey_over:
            db.session.add(SurveyLink(campaign_id=campaign.id, organisation_id=org.id, token=secrets.token_urlsafe(32)))
            self.linked.add(org.id)
        return started


def invite_organisation(org: Organisation, *, actor=None) -> list[str]:
    """Start a return in every open campaign that invites the organisation's type and has none for it (an
    organisation added, re-activated or whose type changed while a campaign is open); idempotent. A return in a
    campaign that no longer invites its type is kept. Returns a sentence for each, for whoever made the change.
    Called by app.selfassessment.membership when app.accounts sends `organisation_changed`."""
    if not org.active:
        return []
    notes = []
    for campaign in db.session.execute(
        sa.select(Campaign).where(Campaign.state == CampaignState.open).order_by(Campaign.id)
    ).scalars():
        has_return = (
            db.session.execute(
                sa.select(Return.id).where(Return.campaign_id == campaign.id, Return.organisation_id == org.id)
            ).first()
            is not None
        )
        invited = org.org_type in campaign.invited_org_types
        if invited and not has_return:
            _ReturnStarter(campaign).start(org, has_return=False)
            db.session.flush()
            record("invited", campaign, f"Started a return in {campaign.label} for {org.name}", actor=actor)
            figures_changed.send("campaign", id=campaign.id)
            notes.append(f"{org.name} has a return to complete in {campaign.label}.")
        elif has_return and not invited:
            notes.append(
                f"{campaign.label} does not invite {org.type_label} organisations: "
                f"the return {org.name} already has in it is kept."
            )
    return notes


def _carry_forward(
    ret: Return,
    instrument: Instrument,
    catalogue: Catalogue | None,
    org: Organisation,
    previous_campaign_id: int | None,
) -> int:
    """Start from last cycle: answers and evidence text, each marked to re-confirm. Open actions stay linked to the
    earlier answer and are shown through `carried_from`."""
    if previous_campaign_id is None:
        return 0
    previous_rows = db.session.execute(
        sa.select(ReturnAnswer)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .where(Return.campaign_id == previous_campaign_id, Return.organisation_id == org.id)
        .order_by(ReturnAnswer.id)
    ).scalars()
    applicable = {q.key for q in instrument.questions(org.org_type)}
    carried: dict[str, dict] = {}
    carried_from: dict[str, int] = {}
    for old in previous_rows:
        key = catalogue.canonical(old.question_key)
        if key not in applicable or key in carried or (old.value is None and not old.evidence):
            continue
        question = instrument.question(key)
        value = decode_answer(instrument, key, old.value)
        carried[key] = {
            "value": value if question.option(value) is not None else None,
            "comment": old.comment,
            "evidence": old.evidence,
        }
        carried_from[key] = old.id

    def new_row(key: str) -> ReturnAnswer:
        row = ReturnAnswer(return_id=ret.id, question_key=key, carried_from_id=carried_from[key], reconfirmed=False)
        db.session.add(row)
        return row

    return len(write_answers(instrument, carried, {}, new_row))


def close_campaign(campaign: Campaign, *, actor=None) -> Campaign:
    """Close the campaign, and with it every practitioner survey still open (app.selfassessment.survey_services).
    Partnership staff (admin or QA) only."""
    campaign.state = campaign.state.check_move(CampaignState.closed)
    campaign.closed_at = utcnow()
    close_campaign_surveys(campaign)
    db.session.flush()
    record("closed", campaign, f"Closed {campaign.label}", actor=actor)
    figures_changed.send("campaign", id=campaign.id)
    return campaign
