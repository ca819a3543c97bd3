"""Keeps a campaign's returns counted as they change (the tables are in app/selfassessment/tally_models.py), in the
same transaction as the change, so that the campaign's findings figures are worked out from one row per return and
a few hundred counts instead of every rated criterion of every return.

What changes a return's figures, and where this is called from (`return_changed`):
- the return submitted (app/selfassessment/services/returns.py, `mark_submitted`): its answers can no longer be
  edited, and it is counted;
- the return sent back to its organisation (`return_to_organisation`): it is no longer counted;
- one of its criteria challenged, or a challenge's reply accepted (app/selfassessment/services/challenges.py):
  an agreed rating changed.
Each works the return's figures out again from its own answers, a few dozen rows, and changes the campaign's
counts per question and rating by the difference. Accepting a return changes nothing: submitted and accepted
returns are both counted.

The practitioner survey's answers are counted as they arrive: app/selfassessment/survey_tally.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache

import sqlalchemy as sa

from app.extensions import db
from app.questionnaire import Catalogue, catalogue_for_version
from app.selfassessment import return_figures, survey_tally
from app.selfassessment.models import Campaign, Challenge, Return, ReturnAnswer
from app.selfassessment.queries._common import SUBMITTED_STATES
from app.selfassessment.tally_models import CampaignRatingTally, ReturnTally
from app.tallying import add_counts, count_each, differences


# --- hooks: called by the services, after the change is flushed -----------------------------------------------


def return_changed(ret: Return) -> None:
    """After `ret` was submitted or returned, or one of its criteria challenged or a challenge settled (and the
    change flushed): its figures are worked out again from its answers, and the campaign's counts changed by the
    difference its ratings make.

    Takes the campaign's row lock for the rest of the transaction, so that two changes in one campaign at once
    count one after the other (PostgreSQL; SQLite lets one transaction write at a time already). A campaign not
    counted yet is counted whole, this return with it."""
    campaign = ret.campaign
    db.session.refresh(campaign, ["tallied"], with_for_update=True)
    if not campaign.tallied:
        build_campaign(campaign)
        return
    before = db.session.execute(
        sa.select(ReturnTally.counted, ReturnTally.ratings).where(ReturnTally.return_id == ret.id)
    ).one_or_none()
    figures, ratings = _worked_out(campaign, return_ids=[ret.id])[ret.id]
    counted = ret.state in SUBMITTED_STATES
    change: Counter = Counter(tuple(rating) for rating in ratings) if counted else Counter()
    if before is not None and before.counted:
        change.subtract(Counter(tuple(rating) for rating in before.ratings))
    add_counts(CampaignRatingTally, _rating_rows(campaign.id, change), ("criteria",), "campaign_id")
    _store(campaign, {ret.id: (figures, ratings)}, counted=counted)


# --- counting whole campaigns, and checking ---------------------------------------------------------------------


def build_campaign(campaign: Campaign) -> None:
    """Counts the campaign's submitted and accepted returns whole from their answers, and its survey, replacing
    whatever was kept; under the campaign's row lock, as every change to its counts."""
    db.session.refresh(campaign, ["tallied"], with_for_update=True)
    for model in (ReturnTally, CampaignRatingTally):
        db.session.execute(sa.delete(model).where(model.campaign_id == campaign.id))
    worked_out = _worked_out(campaign)
    _store(campaign, worked_out, counted=True)
    rows = _rating_rows(campaign.id, Counter(tuple(r) for _figures, ratings in worked_out.values() for r in ratings))
    if rows:
        db.session.execute(sa.insert(CampaignRatingTally), rows)
    campaign.tallied = True
    survey_tally.build_survey(campaign)


def _rating_rows(campaign_id: int, criteria: Counter) -> list[dict]:
    """`CampaignRatingTally` rows of (question key, self-assessed RAG, agreed RAG) -> criteria, none of 0."""
    return [
        {"campaign_id": campaign_id, "question_key": key, "rag": rag, "agreed_rag": agreed, "criteria": n}
        for (key, rag, agreed), n in sorted(criteria.items())
        if n
    ]


def count_campaigns(*, rebuild: bool = False) -> int:
    """Counts every campaign not counted yet (all of them again: `rebuild`), and the survey of every campaign
    counted with another minimum than today's MIN_CELL_SIZE, committing after each; how many."""
    counted = count_each(_campaigns(), build_campaign, rebuild=rebuild)
    for campaign in _campaigns():
        if not survey_tally.counted_now(campaign):
            survey_tally.build_survey(campaign)
            db.session.commit()
            counted += 1
    return counted


def check_campaigns() -> tuple[int, list[str]]:
    """`check_campaign` over every counted campaign: how many were checked, and what differs, each line naming its
    campaign."""
    campaigns = [c for c in _campaigns() if c.tallied or c.survey_counted_from is not None]
    return len(campaigns), [f"campaign {c.id} ({c.label}): {p}" for c in campaigns for p in check_campaign(c)]


def check_campaign(campaign: Campaign) -> list[str]:
    """What differs between the kept counts of a campaign and its answers: the figures of each submitted or
    accepted return, the campaign's criteria per question and rating (when they are counted), and its survey's
    answers (when they are). Empty when they agree."""
    if not campaign.tallied:
        return survey_tally.check_survey(campaign)
    kept = {return_id: figures for return_id, _org, figures in _kept(campaign.id)}
    worked_out = {return_id: figures for return_id, (figures, _ratings) in _worked_out(campaign).items()}
    return (
        differences("return", kept, worked_out)
        + differences("criteria", _kept_totals(campaign.id), _counted_totals(campaign.id))
        + survey_tally.check_survey(campaign)
    )


def _campaigns() -> list[Campaign]:
    return list(db.session.execute(sa.select(Campaign).order_by(Campaign.id)).scalars())


# --- reading --------------------------------------------------------------------------------------------------


def return_figures_of(
    campaign: Campaign, organisation_ids=None, *, catalogue: Catalogue | None = None
) -> tuple[return_figures.Layout, list[tuple[int, list]]]:
    """The campaign's layout, and (organisation id, values) of each of its submitted or accepted returns (of
    `organisation_ids` only, when given), the values placed by that layout (app.selfassessment.return_figures):
    kept, or worked out from the answers for a campaign not counted yet (or kept under another layout).
    `catalogue`: the campaign's question catalogue, when the caller has it."""
    layout = return_figures.layout_of(catalogue or catalogue_for_version(campaign.instrument_version))
    if campaign.tallied:
        kept = _kept(campaign.id, organisation_ids)
        if all(figures["layout"] == layout.key for _return, _org, figures in kept):
            return layout, [(org_id, figures["values"]) for _return, org_id, figures in kept]
    orgs = dict(
        db.session.execute(sa.select(Return.id, Return.organisation_id).where(Return.campaign_id == campaign.id)).all()
    )
    worked_out = _worked_out(campaign, organisation_ids=organisation_ids)
    return layout, [(orgs[return_id], figures["values"]) for return_id, (figures, _ratings) in worked_out.items()]


def rating_totals(campaign: Campaign, organisation_ids=None) -> Counter:
    """(stored question key, self-assessed RAG, agreed RAG) -> rated criteria, over the campaign's submitted and
    accepted returns (of `organisation_ids` only, when given): kept for the whole campaign, or grouped from the
    answers."""
    if campaign.tallied and organisation_ids is None:
        return _kept_totals(campaign.id)
    return _counted_totals(campaign.id, organisation_ids)


def _kept_totals(campaign_id: int) -> Counter:
    rows = db.session.execute(_kept_totals_statement(), {"campaign_id": campaign_id})
    return Counter({(key, rag, agreed): n for key, rag, agreed, n in rows})


@cache
def _kept_totals_statement() -> sa.Select:
    """Built once, the campaign bound when it runs: building a statement and working out its cache key cost more
    than running it on PostgreSQL, for the recompute's small reads."""
    tally = CampaignRatingTally
    return sa.select(tally.question_key, tally.rag, tally.agreed_rag, tally.criteria).where(
        tally.campaign_id == sa.bindparam("campaign_id"), tally.criteria != 0
    )


def _counted_totals(campaign_id: int, organisation_ids=None) -> Counter:
    stmt = _rating_totals_statement(organisation_ids is not None)
    params = {"campaign_id": campaign_id}
    if organisation_ids is not None:
        params["organisation_ids"] = list(organisation_ids)
    return Counter({(key, rag, agreed): n for key, rag, agreed, n in db.session.connection().execute(stmt, params)})


@cache
def _rating_totals_statement(of_organisations: bool) -> sa.Select:
    agreed = _agreed_rag()
    stmt = (
        sa.select(ReturnAnswer.question_key, ReturnAnswer.rag, agreed, sa.func.count())
        .join(Return, ReturnAnswer.return_id == Return.id)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .where(
            Return.campaign_id == sa.bindparam("campaign_id"),
            Return.state.in_(SUBMITTED_STATES),
            ReturnAnswer.excluded == sa.false(),
            ReturnAnswer.rag.is_not(None),
        )
        .group_by(ReturnAnswer.question_key, ReturnAnswer.rag, agreed)
    )
    if of_organisations:
        stmt = stmt.where(Return.organisation_id.in_(sa.bindparam("organisation_ids", expanding=True)))
    return stmt


def _agreed_rag() -> sa.ColumnElement:
    """Figures use the agreed rating: QA's moderated RAG where a criterion was challenged."""
    return sa.func.coalesce(Challenge.moderated_rag, ReturnAnswer.rag)


def _kept(campaign_id: int, organisation_ids=None) -> list[sa.Row]:
    """(return id, organisation id, figures) of the kept figures of the campaign's submitted and accepted returns."""
    params = {"campaign_id": campaign_id}
    if organisation_ids is not None:
        params["organisation_ids"] = list(organisation_ids)
    return db.session.execute(_kept_statement(organisation_ids is not None), params).all()


@cache
def _kept_statement(of_organisations: bool) -> sa.Select:
    stmt = (
        sa.select(ReturnTally.return_id, Return.organisation_id, ReturnTally.figures)
        .join(Return, ReturnTally.return_id == Return.id)
        .where(ReturnTally.campaign_id == sa.bindparam("campaign_id"), Return.state.in_(SUBMITTED_STATES))
        .order_by(ReturnTally.return_id)
    )
    if of_organisations:
        stmt = stmt.where(Return.organisation_id.in_(sa.bindparam("organisation_ids", expanding=True)))
    return stmt


# --- working a return's figures out from its answers -----------------------------------------------------------


def _store(campaign: Campaign, worked_out: dict[int, tuple[dict, list]], *, counted: bool) -> None:
    if not worked_out:
        return
    db.session.execute(sa.delete(ReturnTally).where(ReturnTally.return_id.in_(list(worked_out))))
    db.session.execute(
        sa.insert(ReturnTally),
        [
            {
                "return_id": return_id,
                "campaign_id": campaign.id,
                "counted": counted,
                "figures": figures,
                "ratings": ratings,
            }
            for return_id, (figures, ratings) in sorted(worked_out.items())
        ],
    )


def _worked_out(campaign: Campaign, *, return_ids=None, organisation_ids=None) -> dict[int, tuple[dict, list]]:
    """return id -> (its figures, its rated criteria as [question key, self-assessed RAG, agreed RAG], sorted),
    worked out from its answers: of the returns `return_ids` whatever their state, or else of the campaign's
    submitted and accepted returns (of `organisation_ids` only, when given)."""
    stmt = (
        sa.select(Return.id, ReturnAnswer.question_key, ReturnAnswer.rag, _agreed_rag())
        .select_from(Return)
        .outerjoin(ReturnAnswer, (ReturnAnswer.return_id == Return.id) & (ReturnAnswer.excluded == sa.false()))
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .where(Return.campaign_id == campaign.id)
        .order_by(Return.id, ReturnAnswer.question_key)
    )
    if return_ids is not None:
        stmt = stmt.where(Return.id.in_(list(return_ids)))
    else:
        stmt = stmt.where(Return.state.in_(SUBMITTED_STATES))
    if organisation_ids is not None:
        stmt = stmt.where(Return.organisation_id.in_(list(organisation_ids)))
    answers: dict[int, list[tuple]] = defaultdict(list)
    for return_id, key, rag, agreed in db.session.execute(stmt):
        group = answers[return_id]  # (a return without answers still has figures: none)
        if key is not None:
            group.append((key, rag, agreed))
    layout = return_figures.layout_of(catalogue_for_version(campaign.instrument_version))
    return {
        return_id: (return_figures.figures(layout, group), [[key, rag, agreed] for key, rag, agreed in group if rag])
        for return_id, group in answers.items()
    }
