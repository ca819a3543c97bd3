"""Keeps a campaign's returns counted as they change (the tables are in app/selfassessment/tally_models.py), in the
same transaction as the change, so that the campaign's findings figures are worked out from one row per return and
a few hundred counts instead of every rated criterion of every return.

What changes a return's figures, and where this is called from (`return_changed`):
- the return submitted (app/selfassessment/services/returns.py, `mark_submitted`): its answers can no longer be
  edited, and it is counted;
- the return sent back to its organisation (`return_to_organisation`): it is no longer counted;
- one of its criteria challenged, or a challenge's reply accepted (app/selfassessment/services/challenges.py):
  an agreed rating changed;
- one of its criteria re-rated during the year (app/selfassessment/services/ratings.py): the campaign's figures
  keep the rating at submission, and show the current one beside it.
Each works the return's figures out again from its own answers, a few dozen rows, and changes the campaign's
counts per question and rating by the difference. Accepting a return changes nothing: submitted and accepted
returns are both counted.

The practitioner survey's answers are counted as they arrive: app/selfassessment/survey_tally.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.extensions import db
from app.questionnaire import Catalogue, catalogue_for_version
from app.selfassessment import return_figures, survey_tally
from app.selfassessment.models import Campaign, Challenge, CriterionRating, Return, ReturnAnswer
from app.selfassessment.queries._common import SUBMITTED_STATES
from app.selfassessment.tally_models import CampaignRatingTally, ReturnTally
from app.tallying import add_counts, count_each, differences


# --- hooks: called by the services, after the change is flushed -----------------------------------------------


def return_changed(ret: Return) -> None:
    """After `ret` was submitted or returned, or one of its criteria challenged, a challenge settled or a criterion
    re-rated (and the change flushed): its figures are worked out again from its answers, and the campaign's
    counts changed by the difference its ratings make.

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
    """Counts every campaign not counted yet, or whose returns' figures were kept in an earlier form (all of them
    again: `rebuild`), and the survey of every campaign counted with another minimum than today's MIN_CELL_SIZE,
    committing after each; how many."""
    for campaign in _campaigns():
        if campaign.tallied and _kept_in_another_form(campaign):
            campaign.tallied = False  # counted again whole, below
    counted = count_each(_campaigns(), build_campaign, rebuild=rebuild)
    for campaign in _campaigns():
        if not survey_tally.counted_now(campaign):
            survey_tally.build_survey(campaign)
            db.session.commit()
            counted += 1
    return counted


def _kept_in_another_form(campaign: Campaign) -> bool:
    """Whether some of the campaign's kept return figures are under another layout than its instrument's today
    (from before a change in how they are written): read, they would be worked out from the answers each time."""
    layout = return_figures.layout_of(catalogue_for_version(campaign.instrument_version))
    kept = db.session.execute(
        sa.select(ReturnTally.layout).where(ReturnTally.campaign_id == campaign.id).distinct()
    ).scalars()
    return any(key != layout.key for key in kept)


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
    kept = _kept(campaign.id)
    worked_out = {return_id: figures for return_id, (figures, _ratings) in _worked_out(campaign).items()}
    return (
        differences("return", kept, worked_out)
        + differences("criteria", _kept_totals(campaign.id), _counted_totals(campaign.id))
        + survey_tally.check_survey(campaign)
    )


def _campaigns() -> list[Campaign]:
    return list(db.session.execute(sa.select(Campaign).order_by(Campaign.id)).scalars())


# --- reading --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignReturns:
    """A campaign's returns as its findings read them."""

    layout: return_figures.Layout
    states: list[sa.Row]  # (organisation_id, name, org_type, state) of every return, in order of name
    figures: list[tuple[int, list]]  # (organisation id, values placed by `layout`) of each submitted or accepted one
    rerated: list[tuple[str, str, str]]  # (stored key, rating at submission, current) of their re-rated criteria


def campaign_returns(
    campaign: Campaign, organisation_ids=None, *, catalogue: Catalogue | None = None
) -> CampaignReturns:
    """The campaign's returns (of `organisation_ids` only, when given), and the figures of those submitted or
    accepted (app.selfassessment.return_figures): kept, read with their states in one statement, or worked out
    from the answers for a campaign not counted yet (or kept under another layout). `catalogue`: the campaign's
    question catalogue, when the caller has it."""
    layout = return_figures.layout_of(catalogue or catalogue_for_version(campaign.instrument_version))
    params = {"campaign_id": campaign.id}
    if organisation_ids is not None:
        params["organisation_ids"] = list(organisation_ids)
    rows = db.session.connection().execute(_returns_statement(organisation_ids is not None), params).all()
    received = [row for row in rows if row.state in SUBMITTED_STATES]
    if campaign.tallied and all(row.layout == layout.key for row in received):
        unpack = return_figures.unpack
        figures = [(row.organisation_id, unpack(row.figures)) for row in received]
        rerated = [tuple(pair) for row in received if row.rerated for pair in row.rerated]
    else:
        worked_out = _worked_out(campaign, organisation_ids=organisation_ids)
        kept = [(row.organisation_id, worked_out[row.return_id][0]) for row in received]
        figures = [(org_id, found["values"]) for org_id, found in kept]
        rerated = [tuple(pair) for _org_id, found in kept for pair in found.get("rerated", ())]
    return CampaignReturns(layout, rows, figures, rerated)


@cache
def _returns_statement(of_organisations: bool) -> sa.Select:
    """Built once, its values bound when it runs: building a statement and working out its cache key cost more
    than running it on PostgreSQL, for the recompute's small reads."""
    stmt = (
        sa.select(
            Return.organisation_id,
            Organisation.name,
            Organisation.org_type,
            Return.state,
            Return.id.label("return_id"),
            ReturnTally.layout,
            ReturnTally.figures,
            ReturnTally.rerated,
        )
        .join(Organisation, Return.organisation_id == Organisation.id)
        .outerjoin(ReturnTally, ReturnTally.return_id == Return.id)
        .where(Return.campaign_id == sa.bindparam("campaign_id"))
        .order_by(Organisation.name, Return.id)
    )
    if of_organisations:
        stmt = stmt.where(Return.organisation_id.in_(sa.bindparam("organisation_ids", expanding=True)))
    return stmt


def rating_totals(campaign: Campaign, organisation_ids=None) -> Counter:
    """(stored question key, self-assessed RAG, agreed RAG) -> rated criteria, over the campaign's submitted and
    accepted returns (of `organisation_ids` only, when given): kept for the whole campaign, or grouped from the
    answers."""
    if campaign.tallied and organisation_ids is None:
        return _kept_totals(campaign.id)
    return _counted_totals(campaign.id, organisation_ids)


def _kept_totals(campaign_id: int) -> Counter:
    rows = db.session.connection().execute(_kept_totals_statement(), {"campaign_id": campaign_id}).all()
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


def _kept(campaign_id: int) -> dict[int, dict]:
    """return id -> the kept figures of each of the campaign's submitted and accepted returns, as
    return_figures.figures gives them."""
    rows = db.session.execute(
        sa.select(ReturnTally.return_id, ReturnTally.layout, ReturnTally.figures, ReturnTally.rerated)
        .join(Return, ReturnTally.return_id == Return.id)
        .where(ReturnTally.campaign_id == campaign_id, Return.state.in_(SUBMITTED_STATES))
    ).all()
    kept = {}
    for return_id, layout, packed, rerated in rows:
        kept[return_id] = {"layout": layout, "values": return_figures.unpack(packed)}
        if rerated:
            kept[return_id]["rerated"] = rerated
    return kept


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
                "layout": figures["layout"],
                "figures": return_figures.pack(figures["values"]),
                "rerated": figures.get("rerated"),
                "ratings": ratings,
            }
            for return_id, (figures, ratings) in sorted(worked_out.items())
        ],
    )


def _worked_out(campaign: Campaign, *, return_ids=None, organisation_ids=None) -> dict[int, tuple[dict, list]]:
    """return id -> (its figures, its rated criteria as [question key, self-assessed RAG, agreed RAG], sorted),
    worked out from its answers and re-ratings: of the returns `return_ids` whatever their state, or else of the
    campaign's submitted and accepted returns (of `organisation_ids` only, when given)."""

    def of_returns(stmt: sa.Select) -> sa.Select:
        stmt = stmt.where(Return.campaign_id == campaign.id)
        if return_ids is not None:
            stmt = stmt.where(Return.id.in_(list(return_ids)))
        else:
            stmt = stmt.where(Return.state.in_(SUBMITTED_STATES))
        if organisation_ids is not None:
            stmt = stmt.where(Return.organisation_id.in_(list(organisation_ids)))
        return stmt

    answers: dict[int, list[tuple]] = defaultdict(list)
    for return_id, key, rag, agreed in db.session.execute(
        of_returns(
            sa.select(Return.id, ReturnAnswer.question_key, ReturnAnswer.rag, _agreed_rag())
            .select_from(Return)
            .outerjoin(ReturnAnswer, (ReturnAnswer.return_id == Return.id) & (ReturnAnswer.excluded == sa.false()))
            .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
            .order_by(Return.id, ReturnAnswer.question_key)
        )
    ):
        group = answers[return_id]  # (a return without answers still has figures: none)
        if key is not None:
            group.append((key, rag, agreed))
    # each re-rated criterion's latest re-rating
    latest = of_returns(
        sa.select(sa.func.max(CriterionRating.id))
        .join(ReturnAnswer, CriterionRating.return_answer_id == ReturnAnswer.id)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .group_by(CriterionRating.return_answer_id)
    )
    rerated: dict[int, list[tuple]] = defaultdict(list)
    for return_id, key, submitted, current in db.session.execute(
        sa.select(ReturnAnswer.return_id, ReturnAnswer.question_key, ReturnAnswer.rag, CriterionRating.rag)
        .join(ReturnAnswer, CriterionRating.return_answer_id == ReturnAnswer.id)
        .where(CriterionRating.id.in_(latest))
    ):
        rerated[return_id].append((key, submitted, current))
    layout = return_figures.layout_of(catalogue_for_version(campaign.instrument_version))
    return {
        return_id: (
            return_figures.figures(layout, group, rerated.get(return_id, ())),
            [[key, rag, agreed] for key, rag, agreed in group if rag],
        )
        for return_id, group in answers.items()
    }
