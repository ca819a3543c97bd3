"""Read models of self-assessment campaigns: answers and ratings, returns, survey answers, statement coverage,
and which campaigns an organisation may see."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.extensions import db
from app.findings.queries.common import core_rows
from app.questionnaire import InstrumentModel, InstrumentVersion
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


def return_organisations(campaign_id: int, organisation_ids=None) -> sa.Select:
    """The ids of the organisations invited to the campaign (each has a return), as a subquery; only those of
    `organisation_ids` when given."""
    stmt = sa.select(Return.organisation_id).where(Return.campaign_id == campaign_id)
    if organisation_ids is not None:
        stmt = stmt.where(Return.organisation_id.in_(list(organisation_ids)))
    return stmt


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
