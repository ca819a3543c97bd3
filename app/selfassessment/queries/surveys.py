"""Practitioner survey results: only ever from the snapshot frozen when a survey closed
(app.selfassessment.snapshots); live counts only decide what may be closed and are never shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.questionnaire import Question
from app.selfassessment import snapshots, survey_tally
from app.selfassessment.models import (
    Campaign,
    SurveyLink,
    SurveyResponse,
    SurveySnapshot,
)


def survey_respondent_counts(campaign_id: int) -> dict[int, int]:
    """survey link id -> responses so far (true counts: for deciding what may be closed and shown, never shown)."""
    return dict(db.session.connection().execute(_respondent_counts_statement(), {"campaign_id": campaign_id}).all())


@cache
def _respondent_counts_statement() -> sa.Select:
    """Built once, the campaign bound when it runs (the findings recompute reads it; building it cost more)."""
    return (
        sa.select(SurveyResponse.survey_link_id, sa.func.count(SurveyResponse.id))
        .join(SurveyLink, SurveyResponse.survey_link_id == SurveyLink.id)
        .where(SurveyLink.campaign_id == sa.bindparam("campaign_id"))
        .group_by(SurveyResponse.survey_link_id)
    )


def survey_respondent_count(link: SurveyLink) -> int:
    return db.session.execute(
        sa.select(sa.func.count(SurveyResponse.id)).where(SurveyResponse.survey_link_id == link.id)
    ).scalar_one()


def min_cell_size() -> int:
    return int(current_app.config.get("MIN_CELL_SIZE", 5))


SURVEY_OPEN = "open"  # the survey is still taking answers: nothing is shown for the organisation yet


def survey_link_for(campaign_id: int, organisation_id: int) -> SurveyLink | None:
    return db.session.execute(
        sa.select(SurveyLink).where(
            SurveyLink.campaign_id == campaign_id, SurveyLink.organisation_id == organisation_id
        )
    ).scalar_one_or_none()


def survey_link_by_token(token: str) -> SurveyLink | None:
    if not token or len(token) > 64:
        return None
    return db.session.execute(sa.select(SurveyLink).where(SurveyLink.token == token)).scalar_one_or_none()


def survey_snapshots(campaign_id: int) -> dict[int | None, dict]:
    """organisation id (None for the partnership) -> the figures frozen when its survey (the campaign) closed."""
    return dict(db.session.connection().execute(_snapshots_statement(), {"campaign_id": campaign_id}).all())


@cache
def _snapshots_statement() -> sa.Select:
    return (
        sa.select(SurveyLink.organisation_id, SurveySnapshot.figures)
        .select_from(SurveySnapshot)
        .outerjoin(SurveyLink, SurveySnapshot.survey_link_id == SurveyLink.id)
        .where(SurveySnapshot.campaign_id == sa.bindparam("campaign_id"))
    )


def partnership_survey_snapshot(campaign_id: int) -> dict | None:
    """The partnership's survey results frozen when the campaign closed, for organisations to compare themselves
    with: None while the campaign is open, or when fewer than two organisations had enough responses (it would be
    one organisation's results again)."""
    figures = db.session.execute(
        sa.select(SurveySnapshot.figures).where(
            SurveySnapshot.campaign_id == campaign_id, SurveySnapshot.survey_link_id.is_(None)
        )
    ).scalar_one_or_none()
    return comparable(figures)


def comparable(figures: dict | None) -> dict | None:
    """The partnership's frozen figures (survey_snapshots()[None]) when organisations may compare themselves with
    them: from two organisations or more."""
    return figures if figures is not None and figures.get("organisations", 0) >= 2 else None


def partnership_survey_figures(campaign: Campaign, counted: survey_tally.SurveyCounts | None = None) -> dict | None:
    """Exact partnership figures, now, from the organisations with at least MIN_CELL_SIZE responses: for
    partnership staff only (organisations see the snapshot frozen when the campaign closed). `counted`: the
    survey's counts (survey_tally.survey_counts), when the caller has read them."""
    if campaign.survey_version is None:
        return None
    minimum = min_cell_size()
    respondents = survey_respondent_counts(campaign.id) if counted is None else counted.respondents
    counts = {link_id: n for link_id, n in respondents.items() if n >= minimum}
    links = list(counts)
    answers = counted.answers if counted is not None else None
    figures = snapshots.compute(
        campaign.survey_version.parsed,
        links,
        exact=True,
        respondents=sum(counts.values()),
        answers=survey_tally.survey_answer_counts(campaign, links) if answers is None else answers,
    )
    figures["organisations"] = len(links)
    return figures


@dataclass
class SurveyStatus:
    link: SurveyLink | None
    enough: bool  # open, with at least MIN_CELL_SIZE responses: it may be closed
    minimum: int

    @property
    def closed(self) -> bool:
        return self.link is not None and self.link.is_closed


def survey_status(link: SurveyLink | None) -> SurveyStatus:
    minimum = min_cell_size()
    enough = link is not None and not link.is_closed and survey_respondent_count(link) >= minimum
    return SurveyStatus(link=link, enough=enough, minimum=minimum)


def survey_statuses(campaign_id: int) -> dict[int, SurveyStatus]:
    """organisation id -> its survey's status, in two queries."""
    minimum = min_cell_size()
    counts = survey_respondent_counts(campaign_id)
    links = db.session.execute(sa.select(SurveyLink).where(SurveyLink.campaign_id == campaign_id)).scalars()
    return {
        link.organisation_id: SurveyStatus(
            link=link, minimum=minimum, enough=not link.is_closed and counts.get(link.id, 0) >= minimum
        )
        for link in links
    }


@dataclass
class StatementResult:
    question: Question
    status: str  # "shown", "fewer", "none"
    percent: float | None  # from noised counts
    answers: int | str  # agree or disagree answers: a count, "fewer" or "none"
    dont_know: int | str
    partnership_percent: float | None = None


@dataclass
class SurveyResults:
    link: SurveyLink | None
    status: SurveyStatus | None
    minimum: int
    respondents: int | str | None = None  # from the snapshot: a noised count, "fewer" or "none"
    statements: list[StatementResult] = field(default_factory=list)
    partnership: dict | None = None

    @property
    def closed(self) -> bool:
        return self.link is not None and self.link.is_closed

    @property
    def shown(self) -> bool:
        return self.closed and isinstance(self.respondents, int)


def survey_results(campaign: Campaign, organisation_id: int) -> SurveyResults:
    """One organisation's survey results, statement by statement, from the snapshot frozen when its survey closed;
    nothing while it is open."""
    link = survey_link_for(campaign.id, organisation_id)
    if link is None or campaign.survey_version is None:
        return SurveyResults(link=None, status=None, minimum=min_cell_size())
    status = survey_status(link)
    if not link.is_closed:
        return SurveyResults(link=link, status=status, minimum=status.minimum)
    figures = survey_snapshots(campaign.id).get(organisation_id) or {}
    partnership = partnership_survey_snapshot(campaign.id)
    minimum = figures.get("minimum", status.minimum)
    statements = []
    if isinstance(figures.get("respondents"), int):
        survey = campaign.survey_version.parsed
        for question in survey.questions(link.organisation.org_type):
            entry = figures["statements"].get(question.key)
            if entry is None:
                continue
            dont_know = [o.value for o in question.options if o.excluded]
            theirs = (partnership or {}).get("statements", {}).get(question.key) or {}
            statements.append(
                StatementResult(
                    question=question,
                    status=entry["status"],
                    percent=entry["percent"],
                    answers=entry["answers"],
                    dont_know=entry["options"].get(dont_know[0], "none") if dont_know else "none",
                    partnership_percent=theirs.get("percent"),
                )
            )
    return SurveyResults(
        link=link,
        status=status,
        minimum=minimum,
        respondents=figures.get("respondents"),
        statements=statements,
        partnership=partnership,
    )
