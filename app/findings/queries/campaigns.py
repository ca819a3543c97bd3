"""Read models of self-assessment campaigns: answers and ratings, returns, survey answers, statement coverage,
and which campaigns an organisation may see."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache, lru_cache

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.extensions import db
from app.findings.queries.common import RAG_SCORE, core_rows
from app.questionnaire import Catalogue, InstrumentModel, InstrumentVersion
from app.selfassessment.models import (
    Campaign,
    CampaignState,
    Challenge,
    Return,
    ReturnAnswer,
    ReturnState,
    SurveyAnswer,
    SurveyLink,
    SurveyResponse,
)
from app.statements.queries import COVERAGE_STATUSES, coverage, coverage_counts

COUNTED_RETURN_STATES = (ReturnState.submitted, ReturnState.accepted)


# --- self-assessment campaigns -------------------------------------------------------------------------------


def campaign_answers(campaign_ids) -> sa.Subquery:
    """Criteria of submitted or accepted returns, with the self-assessed and the moderated (agreed) RAG, and the
    organisation's type."""
    moderated = sa.func.coalesce(Challenge.moderated_rag, ReturnAnswer.rag)
    stmt = (
        sa.select(
            ReturnAnswer.id.label("answer_id"),
            ReturnAnswer.question_key,
            ReturnAnswer.value,
            # Figures use the agreed rating: QA's moderated RAG where a criterion was challenged.
            sa.case((moderated.is_(None), sa.null()), (moderated == "green", sa.true()), else_=sa.false()).label(
                "meets_standard"
            ),
            ReturnAnswer.meets_standard.label("self_meets_standard"),
            ReturnAnswer.excluded,
            ReturnAnswer.rag,
            moderated.label("moderated_rag"),
            Return.organisation_id,
            Return.campaign_id,
            Return.id.label("return_id"),
            Organisation.org_type,
        )
        .join(Return, ReturnAnswer.return_id == Return.id)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .join(Organisation, Return.organisation_id == Organisation.id)
        .where(Return.campaign_id.in_(list(campaign_ids)), Return.state.in_(COUNTED_RETURN_STATES))
    )
    return stmt.subquery("answers")


def return_ratings(campaign_id: int, organisation_ids=None) -> list[sa.Row]:
    """(organisation_id, question_key, rag, moderated_rag) of every criterion not excluded in the campaign's
    submitted or accepted returns (of `organisation_ids` only, when given), one row per answer: the campaign's
    figures fold them by organisation type (rating_counts) and by organisation and standard or theme
    (organisation_ratings) in Python, reading the answers once rather than grouping them in SQL twice, once
    joined to a table of sections and themes. The statement is built once (_return_ratings_statement)."""
    stmt = _return_ratings_statement(organisation_ids is not None)
    params = {"campaign_id": campaign_id}
    if organisation_ids is not None:
        params["organisation_ids"] = list(organisation_ids)
    return db.session.connection().execute(stmt, params).all()


@cache
def _return_ratings_statement(of_organisations: bool) -> sa.Select:
    """The statement of return_ratings: the same for every campaign, its ids bound when it runs."""
    stmt = (
        sa.select(
            Return.organisation_id,
            ReturnAnswer.question_key,
            ReturnAnswer.rag,
            # Figures use the agreed rating: QA's moderated RAG where a criterion was challenged.
            sa.func.coalesce(Challenge.moderated_rag, ReturnAnswer.rag).label("moderated_rag"),
        )
        .join(Return, ReturnAnswer.return_id == Return.id)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .where(
            Return.campaign_id == sa.bindparam("campaign_id"),
            Return.state.in_(COUNTED_RETURN_STATES),
            ReturnAnswer.excluded == sa.false(),
        )
    )
    if of_organisations:
        stmt = stmt.where(Return.organisation_id.in_(sa.bindparam("organisation_ids", expanding=True)))
    return stmt


def rating_counts(answers, org_types: dict[int, str]) -> Counter:
    """(question_key, org_type, rag, moderated_rag) -> answers: the rated criteria of return_ratings by stored key
    and organisation type (`org_types`: organisation id -> its type). By the stored key: figures map keys to
    questions and themes, and sum types away."""
    return Counter(
        (key, org_types[org_id], rag, moderated) for org_id, key, rag, moderated in answers if rag is not None
    )


def organisation_ratings(answers, catalogue: Catalogue) -> list[tuple]:
    """(organisation_id, per, key, scored, rated, self_green, green, self_score, moderated_score,
    rated_moderated_score, self_amber, self_red) per organisation and standard (per "section") and per
    organisation and theme (per "theme"), from return_ratings: criteria rated, rated Green by the organisation,
    agreed Green, the lowest self-assessed and agreed rating (2 Green, 1 Amber, 0 Red; the agreed one also over
    rated criteria only), and how many the organisation rated Amber and Red.
    Per theme, rows of scored questions ("1") and of other themed questions ("0") come apart: the theme figures
    read the first, the survey triangulation both; the second only where a criterion is rated."""
    targets, numbers = _rating_targets(catalogue)
    by_org: dict[int, list[list[tuple]]] = {}  # organisation -> per target number, its answers' figures
    for org_id, key, rag, moderated in answers:
        groups = by_org.get(org_id)
        if groups is None:
            groups = by_org[org_id] = [[] for _ in targets]
        figures = _answer_figures(rag, moderated)
        for number in numbers.get(key, ()):
            groups[number].append(figures)
    return [
        (org_id, *target, *figures)
        for org_id, groups in by_org.items()
        for target, group in zip(targets, groups)
        if group and ((figures := _group_figures(tuple(group)))[0] or target[2] == "1")
    ]


def _rating_targets(catalogue: Catalogue) -> tuple[list[tuple[str, str, str]], dict[str, list[int]]]:
    """The (per, key, scored) answers count towards, and per stored key the numbers of those its answers count
    towards: its question's section, and each of its themes."""
    scored_themes = set(catalogue.theme_rows())
    numbered: dict[tuple[str, str, str], int] = {}
    numbers: dict[str, list[int]] = defaultdict(list)
    for key, section in catalogue.section_rows():
        numbers[key].append(numbered.setdefault(("section", section, "1"), len(numbered)))
    for key, theme in catalogue.theme_rows(scored_only=False):
        target = ("theme", theme, "1" if (key, theme) in scored_themes else "0")
        numbers[key].append(numbered.setdefault(target, len(numbered)))
    return list(numbered), dict(numbers)


_NO_SCORE = 3  # above every score, so that the lowest passes over answers without one


@lru_cache(maxsize=256)
def _answer_figures(rag: str | None, moderated: str | None) -> tuple[int, ...]:
    """One answer's part in organisation_ratings' figures: (rated, self_green, green, self_score,
    moderated_score, rated_moderated_score, self_amber, self_red), _NO_SCORE standing for no score."""
    rated = rag is not None
    moderated_score = RAG_SCORE.get(moderated, _NO_SCORE)
    return (
        int(rated),
        int(rag == "green"),
        int(rated and moderated == "green"),
        RAG_SCORE.get(rag, _NO_SCORE),
        moderated_score,
        moderated_score if rated else _NO_SCORE,
        int(rag == "amber"),
        int(rag == "red"),
    )


@lru_cache(maxsize=4096)
def _group_figures(group: tuple[tuple[int, ...], ...]) -> tuple:
    """The figures of a group of answers from each one's _answer_figures, in order. Many organisations rate a
    standard's or a theme's criteria alike, so the figures of each group are kept."""
    rated, self_green, green, self_score, moderated_score, rated_moderated_score, amber, red = zip(*group)
    return (
        sum(rated),
        sum(self_green),
        sum(green),
        _lowest(self_score),
        _lowest(moderated_score),
        _lowest(rated_moderated_score),
        sum(amber),
        sum(red),
    )


def _lowest(scores: tuple[int, ...]) -> int | None:
    lowest = min(scores)
    return None if lowest == _NO_SCORE else lowest


def return_organisations(campaign_id: int, organisation_ids=None) -> sa.Select:
    """The ids of the organisations invited to the campaign (each has a return), as a subquery; only those of
    `organisation_ids` when given."""
    stmt = sa.select(Return.organisation_id).where(Return.campaign_id == campaign_id)
    if organisation_ids is not None:
        stmt = stmt.where(Return.organisation_id.in_(list(organisation_ids)))
    return stmt


def return_states(campaign_id: int, organisation_ids=None) -> list[sa.Row]:
    """(organisation_id, name, org_type, state) for every return in the campaign (of `organisation_ids` only,
    when given)."""
    stmt = (
        sa.select(Return.organisation_id, Organisation.name, Organisation.org_type, Return.state)
        .join(Organisation, Return.organisation_id == Organisation.id)
        .where(Return.campaign_id == campaign_id)
        .order_by(Organisation.name)
    )
    if organisation_ids is not None:
        stmt = stmt.where(Return.organisation_id.in_(list(organisation_ids)))
    return core_rows(stmt)


def return_areas(campaign_id: int) -> list[sa.Row]:
    """(organisation_id, areas) of every organisation invited to the campaign: the areas it reports to."""
    stmt = (
        sa.select(Organisation.id.label("organisation_id"), Organisation.areas)
        .join(Return, Return.organisation_id == Organisation.id)
        .where(Return.campaign_id == campaign_id)
    )
    return core_rows(stmt)


def survey_answers(campaign_ids, *, min_responses: int) -> sa.Subquery:
    """Practitioner survey answers, only from organisations with at least `min_responses` responses in the
    campaign: smaller groups are left out of every figure, so none can be worked out by subtraction."""
    large_enough = (
        sa.select(SurveyResponse.survey_link_id)
        .group_by(SurveyResponse.survey_link_id)
        .having(sa.func.count(SurveyResponse.id) >= min_responses)
    )
    return (
        sa.select(
            SurveyAnswer.question_key,
            SurveyAnswer.value,
            SurveyAnswer.meets_standard,
            SurveyAnswer.excluded,
            SurveyAnswer.survey_response_id.label("response_id"),
            SurveyLink.organisation_id,
            SurveyLink.campaign_id,
        )
        .join(SurveyResponse, SurveyAnswer.survey_response_id == SurveyResponse.id)
        .join(SurveyLink, SurveyResponse.survey_link_id == SurveyLink.id)
        .where(SurveyLink.campaign_id.in_(list(campaign_ids)), SurveyLink.id.in_(large_enough))
        .subquery("survey")
    )


def _invited(organisation_id: int) -> sa.ColumnElement:
    """The campaign is one the organisation was invited to (it has a return in it)."""
    return Campaign.id.in_(sa.select(Return.campaign_id).where(Return.organisation_id == organisation_id))


def campaigns_for_key(key: str, *, states=None, organisation_id: int | None = None) -> list[Campaign]:
    stmt = (
        sa.select(Campaign)
        .join(InstrumentVersion, Campaign.instrument_version_id == InstrumentVersion.id)
        .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
        .where(InstrumentModel.key == key)
        .order_by(Campaign.cycle, Campaign.id)
    )
    if states is not None:
        stmt = stmt.where(Campaign.state.in_(states))
    if organisation_id is not None:
        stmt = stmt.where(_invited(organisation_id))
    return list(db.session.execute(stmt).scalars())


def campaigns_with_survey(key: str, *, organisation_id: int | None = None) -> list[Campaign]:
    stmt = (
        sa.select(Campaign)
        .join(InstrumentVersion, Campaign.survey_version_id == InstrumentVersion.id)
        .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
        .where(InstrumentModel.key == key, Campaign.state != CampaignState.draft)
        .order_by(Campaign.cycle, Campaign.id)
    )
    if organisation_id is not None:
        stmt = stmt.where(_invited(organisation_id))
    return list(db.session.execute(stmt).scalars())


def visible_campaigns(*, organisation_id: int | None = None) -> list[sa.Row]:
    """(Campaign, instrument_key, survey_key), newest first. With an organisation: the campaigns it has a return in."""
    version, model = sa.orm.aliased(InstrumentVersion), sa.orm.aliased(InstrumentModel)
    survey_version, survey_model = sa.orm.aliased(InstrumentVersion), sa.orm.aliased(InstrumentModel)
    stmt = (
        sa.select(Campaign, model.key.label("instrument_key"), survey_model.key.label("survey_key"))
        .join(version, Campaign.instrument_version_id == version.id)
        .join(model, version.instrument_id == model.id)
        .outerjoin(survey_version, Campaign.survey_version_id == survey_version.id)
        .outerjoin(survey_model, survey_version.instrument_id == survey_model.id)
        .order_by(Campaign.cycle.desc(), Campaign.id.desc())
    )
    if organisation_id is not None:
        stmt = stmt.where(Campaign.state != CampaignState.draft, _invited(organisation_id))
    return list(db.session.execute(stmt))


def campaign_participant(campaign_id: int, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return (
        db.session.execute(
            sa.select(sa.func.count())
            .select_from(Return)
            .where(Return.campaign_id == campaign_id, Return.organisation_id == organisation_id)
        ).scalar_one()
        > 0
    )


def statement_coverage(organisation_ids) -> dict | None:
    """How many of the organisations have a statement in force, none, one overdue for review… (statements feature)."""
    rows = coverage(organisation_ids)
    counts = coverage_counts(rows)
    return {
        "total": len(rows),
        "statuses": [
            {"status": key, "label": label, "count": counts.get(key, 0)}
            for key, (label, _) in COVERAGE_STATUSES.items()
        ],
    }
