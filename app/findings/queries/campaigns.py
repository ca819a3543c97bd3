"""Read models of self-assessment campaigns: answers and ratings, returns, survey answers, statement coverage,
and which campaigns an organisation may see."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.extensions import db
from app.findings.queries.common import core_rows, mapping_table, rag_score
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


def campaign_answers(campaign_ids, *, with_org_type: bool = True, organisation_ids=None) -> sa.Subquery:
    """Criteria of submitted or accepted returns, with the self-assessed and the moderated (agreed) RAG, and the
    organisation's type unless `with_org_type` is False (a join fewer per answer for figures that do not use it).
    `organisation_ids`: only these organisations' returns (an area's), when given."""
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
        )
        .join(Return, ReturnAnswer.return_id == Return.id)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .where(Return.campaign_id.in_(list(campaign_ids)), Return.state.in_(COUNTED_RETURN_STATES))
    )
    if with_org_type:
        stmt = stmt.add_columns(Organisation.org_type).join(Organisation, Return.organisation_id == Organisation.id)
    if organisation_ids is not None:
        stmt = stmt.where(Return.organisation_id.in_(list(organisation_ids)))
    return stmt.subquery("answers")


def rating_counts(answers: sa.Subquery) -> list[sa.Row]:
    """(question_key, org_type, rag, moderated_rag, answers): rated criteria by stored key and organisation type.
    Grouped by the stored key: figures map keys to questions and themes in Python, and sum types away."""
    group = (answers.c.question_key, answers.c.org_type, answers.c.rag, answers.c.moderated_rag)
    stmt = (
        sa.select(*group, sa.func.count().label("answers"))
        .where(answers.c.excluded == sa.false(), answers.c.rag.is_not(None))
        .group_by(*group)
    )
    return core_rows(stmt)


def organisation_ratings(answers: sa.Subquery, catalogue: Catalogue) -> list[tuple]:
    """(organisation_id, per, key, scored, rated, self_green, green, self_score, moderated_score,
    rated_moderated_score, self_amber, self_red) per organisation and standard (per "section") and per
    organisation and theme (per "theme"), in one statement: criteria rated, rated Green by the organisation, agreed
    Green, the lowest self-assessed and agreed rating (2 Green, 1 Amber, 0 Red; the agreed one also over rated
    criteria only), and how many the organisation rated Amber and Red.
    Stored keys are mapped to sections and themes by joining a small VALUES table built from the instrument
    definitions, so each answer is read once for both; the table numbers each (per, key, scored), and the answers
    are grouped by that number, not by the text. Per theme, rows of scored questions ("1") and of other themed
    questions ("0") come apart: the theme figures read the first, the survey triangulation both."""
    scored_themes = set(catalogue.theme_rows())
    targets: dict[tuple[str, str, str], int] = {}
    rows = []
    for key, section in catalogue.section_rows():
        rows.append((key, targets.setdefault(("section", section, "1"), len(targets)), 1))
    for key, theme in catalogue.theme_rows(scored_only=False):
        scored = (key, theme) in scored_themes
        rows.append((key, targets.setdefault(("theme", theme, "1" if scored else "0"), len(targets)), int(scored)))
    table = mapping_table("keymap", ("stored_key", "target", "scored"), rows)
    rated = answers.c.rag.is_not(None)

    def count(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    group = (answers.c.organisation_id, table.c.target)
    stmt = (
        sa.select(
            *group,
            count(rated).label("rated"),
            count(answers.c.rag == "green").label("self_green"),
            count(sa.and_(rated, answers.c.moderated_rag == "green")).label("green"),
            sa.func.min(rag_score(answers.c.rag)).label("self_score"),
            sa.func.min(rag_score(answers.c.moderated_rag)).label("moderated_score"),
            sa.func.min(sa.case((rated, rag_score(answers.c.moderated_rag)), else_=None)).label(
                "rated_moderated_score"
            ),
            count(answers.c.rag == "amber").label("self_amber"),
            count(answers.c.rag == "red").label("self_red"),
        )
        .join(table, table.c.stored_key == answers.c.question_key)
        .where(answers.c.excluded == sa.false())
        .group_by(*group)
        # Other themed questions matter only where rated (the triangulation); leave the rest unread.
        .having(sa.or_(sa.func.max(table.c.scored) == 1, count(rated) > 0))
    )
    by_number = list(targets)
    return [(org, *by_number[target], *figures) for org, target, *figures in core_rows(stmt)]


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
