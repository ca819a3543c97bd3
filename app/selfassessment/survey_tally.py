"""Keeps a campaign's practitioner survey answers counted as they arrive (the table is in
app/selfassessment/tally_models.py), so that the exact partnership figures partnership staff see are worked out
from a few dozen counts instead of every answer.

Only the answers of organisations with at least MIN_CELL_SIZE responses are counted, as only they count in those
figures: an organisation's answers are added whole when its survey reaches that many responses, and each later
response's as it arrives (`survey_response_recorded`, called by app/selfassessment/survey_services.py, which holds
the campaign's row and then the survey link's, so the campaign's responses are counted one after the other).
Responses are never changed or removed. A campaign counted with another minimum than today's (the setting was
changed), or not at all (from before the counts were kept: `Campaign.survey_counted_from` empty), has its figures
worked out from the answers until it is counted again whole, at its next response or by `flask campaigns tally`.

A campaign's findings read its survey's counts, frozen snapshots and responses per link in one statement
(`survey_counts`)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa

from app.extensions import db
from app.selfassessment import snapshots
from app.selfassessment.models import Campaign, SurveyLink, SurveyResponse, SurveySnapshot
from app.selfassessment.queries import surveys as survey_queries
from app.selfassessment.tally_models import CampaignSurveyTally
from app.tallying import add_counts, differences, union_part


def survey_response_recorded(link: SurveyLink, response: SurveyResponse) -> None:
    """After `response` to the campaign survey `link` was stored (and flushed, the link's row held): its answers
    are counted once the link has enough responses."""
    campaign = link.campaign
    hold(campaign)
    if not counted_now(campaign):
        build_survey(campaign)
        return
    minimum = campaign.survey_counted_from
    responses = survey_queries.survey_respondent_count(link)
    if responses < minimum:
        return
    if responses == minimum:  # the link's answers are counted from now on: all of them
        counts = snapshots.answer_counts([link.id])
    else:
        counts = defaultdict(dict)
        for answer in response.answers:
            if answer.value is not None:
                counts[answer.question_key][answer.value] = 1
    add_counts(CampaignSurveyTally, _survey_rows(campaign.id, counts), ("answers",), "campaign_id")


def hold(campaign: Campaign) -> None:
    """Takes the campaign's row lock for the rest of the transaction (and reads its counted minimum afresh), so
    that changes to its survey counts happen one after the other: a survey response takes it before its link's
    lock, in the order closing the campaign takes them."""
    db.session.refresh(campaign, ["survey_counted_from"], with_for_update=True)


def counted_now(campaign: Campaign) -> bool:
    """Whether the campaign's survey is counted with today's minimum."""
    return campaign.survey_counted_from == snapshots.minimum_size()


def build_survey(campaign: Campaign) -> None:
    """Counts the campaign's practitioner survey answers whole, of the organisations with at least MIN_CELL_SIZE
    responses, replacing whatever was kept; under the campaign's row lock."""
    hold(campaign)
    minimum = snapshots.minimum_size()
    db.session.execute(sa.delete(CampaignSurveyTally).where(CampaignSurveyTally.campaign_id == campaign.id))
    rows = _survey_rows(campaign.id, snapshots.answer_counts(_counted_links(campaign.id, minimum)))
    if rows:
        db.session.execute(sa.insert(CampaignSurveyTally), rows)
    campaign.survey_counted_from = minimum
    db.session.flush()


@dataclass(frozen=True, slots=True)
class SurveyCounts:
    """What a campaign's findings read of its practitioner survey, in one statement (`survey_counts`)."""

    frozen: dict[int | None, dict]  # as survey_queries.survey_snapshots gives them
    respondents: dict[int, int]  # as survey_queries.survey_respondent_counts gives them
    answers: dict[str, dict[str, int]] | None  # the kept answer counts, when counted with today's minimum


def survey_counts(campaign: Campaign) -> SurveyCounts:
    """The campaign survey's frozen snapshots, its responses per link and its kept answer counts, read in one
    statement: the findings recompute needs all three, and each statement of its own cost more than reading it."""
    frozen: dict[int | None, dict] = {}
    respondents: dict[int, int] = {}
    answers: dict[str, dict[str, int]] = defaultdict(dict)
    rows = db.session.connection().execute(_survey_counts_statement(), {"campaign_id": campaign.id}).all()
    for kind, number, key, value, n in rows:
        if kind == "snapshot":
            frozen[number] = json.loads(value)
        elif kind == "responses":
            respondents[number] = n
        else:
            answers[key][value] = n
    return SurveyCounts(frozen, respondents, answers if counted_now(campaign) else None)


@cache
def _survey_counts_statement() -> sa.CompoundSelect:
    """Built once, the campaign bound when it runs: (kind, organisation or link id, question key, value or the
    snapshot's figures as text, count)."""
    text, number = sa.String(), sa.Integer()
    campaign_id = sa.bindparam("campaign_id")

    def part(kind: str, *, ident=None, key=None, value=None, n=None) -> tuple:
        return union_part(kind, (ident, number), (key, text), (value, text), (n, number))

    tally = CampaignSurveyTally
    return sa.union_all(
        sa.select(*part("snapshot", ident=SurveyLink.organisation_id, value=SurveySnapshot.figures))
        .select_from(SurveySnapshot)
        .outerjoin(SurveyLink, SurveySnapshot.survey_link_id == SurveyLink.id)
        .where(SurveySnapshot.campaign_id == campaign_id),
        sa.select(*part("responses", ident=SurveyResponse.survey_link_id, n=sa.func.count(SurveyResponse.id)))
        .join(SurveyLink, SurveyResponse.survey_link_id == SurveyLink.id)
        .where(SurveyLink.campaign_id == campaign_id)
        .group_by(SurveyResponse.survey_link_id),
        sa.select(*part("answers", key=tally.question_key, value=tally.value, n=tally.answers)).where(
            tally.campaign_id == campaign_id, tally.answers != 0
        ),
    )


def survey_answer_counts(campaign: Campaign, link_ids: list[int]) -> dict[str, dict[str, int]]:
    """question key -> stored value -> answers, over the practitioner survey's responses of `link_ids`, the
    campaign's links with at least MIN_CELL_SIZE responses: kept, or counted from the answers for a campaign not
    counted (with today's minimum)."""
    if counted_now(campaign):
        return _kept_survey(campaign.id)
    return snapshots.answer_counts(link_ids)


def _kept_survey(campaign_id: int) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for key, value, n in db.session.connection().execute(_kept_survey_statement(), {"campaign_id": campaign_id}).all():
        counts[key][value] = n
    return counts


@cache
def _kept_survey_statement() -> sa.Select:
    """Built once, the campaign bound when it runs (the findings recompute reads it; building it cost more)."""
    tally = CampaignSurveyTally
    return sa.select(tally.question_key, tally.value, tally.answers).where(
        tally.campaign_id == sa.bindparam("campaign_id"), tally.answers != 0
    )


def _counted_links(campaign_id: int, minimum: int) -> list[int]:
    return [link_id for link_id, n in survey_queries.survey_respondent_counts(campaign_id).items() if n >= minimum]


def _survey_rows(campaign_id: int, counts: dict[str, dict[str, int]]) -> list[dict]:
    return [
        {"campaign_id": campaign_id, "question_key": key, "value": value, "answers": n}
        for key, values in counts.items()
        for value, n in values.items()
    ]


def check_survey(campaign: Campaign) -> list[str]:
    """What differs between the kept survey counts of a counted campaign and its answers; empty when they agree."""
    if campaign.survey_counted_from is None:
        return []
    answered = snapshots.answer_counts(_counted_links(campaign.id, campaign.survey_counted_from))
    return differences("survey answers", _flat(_kept_survey(campaign.id)), _flat(answered))


def _flat(counts: dict[str, dict[str, int]]) -> dict[tuple[str, str], int]:
    return {(key, value): n for key, values in counts.items() for value, n in values.items() if n}
