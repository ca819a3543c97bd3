"""Read models for findings. Every figure is aggregated in SQL (GROUP BY); Python only shapes the grouped
rows that come back. Answers are mostly grouped by the key they were stored under, and app.findings.figures maps
those few rows to current question keys, themes and sections from the instrument definitions; where a figure
needs sections or themes per organisation, a small VALUES table built from the definitions is joined instead.
Either way the same SQL works across instrument versions and renamed keys, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation
from app.actions.models import ActionItem
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    ResponseState,
    RoundState,
    round_organisation,
)
from app.extensions import db
from app.findings.models import Finding
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

COUNTED_RETURN_STATES = (ReturnState.submitted, ReturnState.accepted)


# --- small SQL building blocks -------------------------------------------------------------------------------

def core_rows(stmt) -> list[sa.Row]:
    """Plain rows of a column-only statement, in the session's transaction but without the ORM's per-row
    processing, which costs more than the query itself when a figure reads every answer."""
    return db.session.connection().execute(stmt).all()


def mapping_table(name: str, columns: tuple[str, ...], rows) -> sa.Subquery:
    """A literal lookup table (VALUES) to join answers to, e.g. (stored question key, section, theme)."""
    rows = list(rows) or [tuple(None for _ in columns)]
    params: dict[str, object] = {}
    tuples = []
    for i, row in enumerate(rows):
        names = []
        for j, value in enumerate(row):
            param = f"{name}_{i}_{j}"
            params[param] = value
            names.append(f"CAST(:{param} AS VARCHAR(200))")
        tuples.append("(" + ", ".join(names) + ")")
    selected = ", ".join(f"column{j + 1} AS {column}" for j, column in enumerate(columns))
    text = sa.text(f"SELECT {selected} FROM (VALUES {', '.join(tuples)}) AS {name}_values").bindparams(**params)
    return text.columns(*(sa.column(c, sa.String) for c in columns)).subquery(name)


RAG_SCORE = {"green": 2, "amber": 1, "red": 0}


def rag_score(rag) -> sa.ColumnElement:
    return sa.case(*((rag == value, score) for value, score in RAG_SCORE.items()), else_=None)


def scored(meets_standard) -> sa.ColumnElement:
    return sa.func.count(meets_standard)


def met(meets_standard) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((meets_standard == sa.true(), 1), else_=0)), 0)


def excluded_count(excluded) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((excluded == sa.true(), 1), else_=0)), 0)


# --- instruments ---------------------------------------------------------------------------------------------

def instruments_by_kind() -> dict[str, list[InstrumentModel]]:
    rows = db.session.execute(sa.select(InstrumentModel).order_by(InstrumentModel.title)).scalars()
    grouped: dict[str, list[InstrumentModel]] = {}
    for model in rows:
        grouped.setdefault(model.kind, []).append(model)
    return grouped


# --- case audit rounds ---------------------------------------------------------------------------------------

def round_answers(round_ids) -> sa.Subquery:
    """Answers of submitted responses in the given rounds, with the dimensions they are reported by."""
    return (
        sa.select(
            CaseAnswer.question_key, CaseAnswer.value, CaseAnswer.meets_standard, CaseAnswer.excluded,
            CaseAnswer.response_id, Assignment.organisation_id, AuditCase.id.label("case_id"),
            AuditCase.round_id, AuditCase.area, AuditCase.age_band, AuditCase.gender, AuditCase.ethnicity,
        )
        .join(CaseResponse, CaseAnswer.response_id == CaseResponse.id)
        .join(Assignment, CaseResponse.assignment_id == Assignment.id)
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .where(AuditCase.round_id.in_(list(round_ids)), CaseResponse.state == ResponseState.submitted)
        .subquery("answers")
    )


def answer_counts(answers: sa.Subquery, *by) -> list[sa.Row]:
    """(…by, question_key, value, answers, scored, met, excluded) for every answered question.

    Grouped by the key the answer was stored under: the rows are few (questions × options × groups) and are
    mapped to current keys and themes from there, which is far cheaper than joining every answer to a lookup.
    """
    group = [getattr(answers.c, b) for b in by] + [answers.c.question_key, answers.c.value]
    stmt = (sa.select(*group, sa.func.count().label("answers"), scored(answers.c.meets_standard).label("scored"),
                      met(answers.c.meets_standard).label("met"), excluded_count(answers.c.excluded).label("excluded"))
            .where(answers.c.value.is_not(None))
            .group_by(*group))
    return core_rows(stmt)


def met_totals(answers: sa.Subquery, *by, exclude_keys=()) -> list[sa.Row]:
    """(…by, scored, met) over every scored answer, leaving out the stored keys in `exclude_keys`."""
    group = [getattr(answers.c, b) for b in by]
    stmt = sa.select(*group, scored(answers.c.meets_standard).label("scored"),
                     met(answers.c.meets_standard).label("met"))
    if exclude_keys:
        stmt = stmt.where(answers.c.question_key.not_in(list(exclude_keys)))
    if group:
        stmt = stmt.group_by(*group)
    return core_rows(stmt)


def round_progress(round_id: int) -> list[sa.Row]:
    """Per organisation: assignments, submitted responses."""
    submitted = sa.case((CaseResponse.state == ResponseState.submitted, 1), else_=0)
    stmt = (sa.select(Assignment.organisation_id, Organisation.name, Organisation.org_type,
                      sa.func.count(Assignment.id).label("assigned"),
                      sa.func.coalesce(sa.func.sum(submitted), 0).label("submitted"))
            .join(AuditCase, Assignment.case_id == AuditCase.id)
            .join(Organisation, Assignment.organisation_id == Organisation.id)
            .outerjoin(CaseResponse, CaseResponse.assignment_id == Assignment.id)
            .where(AuditCase.round_id == round_id)
            .group_by(Assignment.organisation_id, Organisation.name, Organisation.org_type)
            .order_by(Organisation.name))
    return core_rows(stmt)


def audited_case_grades(round_id: int) -> list[sa.Row]:
    """(area, age_band, gender, ethnicity, overall_grade, cases) over cases with a submitted response."""
    # Correlated, so only this round's cases are looked up (an uncorrelated IN read every assignment nationally).
    audited = (sa.exists().where(Assignment.case_id == AuditCase.id, CaseResponse.assignment_id == Assignment.id,
                                 CaseResponse.state == ResponseState.submitted))
    group = (AuditCase.area, AuditCase.age_band, AuditCase.gender, AuditCase.ethnicity, Moderation.overall_grade)
    stmt = (sa.select(*group, sa.func.count(AuditCase.id).label("cases"))
            .outerjoin(Moderation, Moderation.case_id == AuditCase.id)
            .where(AuditCase.round_id == round_id, audited)
            .group_by(*group))
    return core_rows(stmt)


def moderated_answers(round_id: int, agency_keys=()) -> sa.Subquery:
    """The agreed rating of each question, for the round's moderated cases: one per case for a question about the
    case; for a question about each agency's own work (stored keys `agency_keys`), one per agency that answered
    it, the panel's where it changed the agency's answer and the agency's own otherwise."""
    case_questions = (sa.select(ModeratedAnswer.question_key, ModeratedAnswer.value, ModeratedAnswer.meets_standard,
                                ModeratedAnswer.excluded)
                      .join(Moderation, ModeratedAnswer.moderation_id == Moderation.id)
                      .join(AuditCase, Moderation.case_id == AuditCase.id)
                      .where(AuditCase.round_id == round_id, ModeratedAnswer.organisation_id.is_(None)))
    if not agency_keys:
        return case_questions.subquery("agreed")
    case_questions = case_questions.where(ModeratedAnswer.question_key.not_in(list(agency_keys)))
    panel = ModeratedAnswer
    changed = panel.id.is_not(None)
    own_work = (sa.select(CaseAnswer.question_key,
                          sa.case((changed, panel.value), else_=CaseAnswer.value).label("value"),
                          sa.case((changed, panel.meets_standard), else_=CaseAnswer.meets_standard)
                          .label("meets_standard"),
                          sa.case((changed, panel.excluded), else_=CaseAnswer.excluded).label("excluded"))
                .join(CaseResponse, CaseAnswer.response_id == CaseResponse.id)
                .join(Assignment, CaseResponse.assignment_id == Assignment.id)
                .join(AuditCase, Assignment.case_id == AuditCase.id)
                .join(Moderation, Moderation.case_id == AuditCase.id)
                .outerjoin(panel, sa.and_(panel.moderation_id == Moderation.id,
                                          panel.question_key == CaseAnswer.question_key,
                                          panel.organisation_id == Assignment.organisation_id))
                .where(AuditCase.round_id == round_id, CaseResponse.state == ResponseState.submitted,
                       CaseAnswer.question_key.in_(list(agency_keys))))
    return sa.union_all(case_questions, own_work).subquery("agreed")


def rounds_for_key(key: str, *, states=None, organisation_id: int | None = None) -> list[AuditRound]:
    stmt = (sa.select(AuditRound)
            .join(InstrumentVersion, AuditRound.instrument_version_id == InstrumentVersion.id)
            .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
            .where(InstrumentModel.key == key)
            .order_by(AuditRound.period_start, AuditRound.id))
    if states is not None:
        stmt = stmt.where(AuditRound.state.in_(states))
    if organisation_id is not None:
        stmt = stmt.where(AuditRound.id.in_(sa.select(round_organisation.c.round_id)
                                            .where(round_organisation.c.organisation_id == organisation_id)))
    return list(db.session.execute(stmt).scalars())


def visible_rounds(*, organisation_id: int | None = None) -> list[sa.Row]:
    """Rounds with their instrument key (newest first). With an organisation: only the rounds it took part in
    that have reached moderation."""
    stmt = (sa.select(AuditRound, InstrumentModel.key.label("instrument_key"))
            .join(InstrumentVersion, AuditRound.instrument_version_id == InstrumentVersion.id)
            .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
            .order_by(AuditRound.period_start.desc(), AuditRound.id.desc()))
    if organisation_id is not None:
        stmt = stmt.where(AuditRound.state.in_(PARTICIPANT_ROUND_STATES),
                          AuditRound.id.in_(sa.select(round_organisation.c.round_id)
                                            .where(round_organisation.c.organisation_id == organisation_id)))
    return list(db.session.execute(stmt))


PARTICIPANT_ROUND_STATES = (RoundState.moderation, RoundState.closed)
REPORTED_ROUND_STATES = (RoundState.open, RoundState.moderation, RoundState.closed)


def round_participant(round_id: int, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return db.session.execute(
        sa.select(sa.func.count()).select_from(round_organisation)
        .where(round_organisation.c.round_id == round_id, round_organisation.c.organisation_id == organisation_id)
    ).scalar_one() > 0


# --- self-assessment campaigns -------------------------------------------------------------------------------

def campaign_answers(campaign_ids, *, with_org_type: bool = True) -> sa.Subquery:
    """Criteria of submitted or accepted returns, with the self-assessed and the moderated (agreed) RAG, and the
    organisation's type unless `with_org_type` is False (a join fewer per answer for figures that do not use it)."""
    moderated = sa.func.coalesce(Challenge.moderated_rag, ReturnAnswer.rag)
    stmt = (
        sa.select(
            ReturnAnswer.id.label("answer_id"), ReturnAnswer.question_key, ReturnAnswer.value,
            # Figures use the agreed rating: QA's moderated RAG where a criterion was challenged.
            sa.case((moderated.is_(None), sa.null()), (moderated == "green", sa.true()), else_=sa.false())
            .label("meets_standard"),
            ReturnAnswer.meets_standard.label("self_meets_standard"),
            ReturnAnswer.excluded, ReturnAnswer.rag, moderated.label("moderated_rag"),
            Return.organisation_id, Return.campaign_id, Return.id.label("return_id"),
        )
        .join(Return, ReturnAnswer.return_id == Return.id)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .where(Return.campaign_id.in_(list(campaign_ids)), Return.state.in_(COUNTED_RETURN_STATES))
    )
    if with_org_type:
        stmt = stmt.add_columns(Organisation.org_type).join(Organisation, Return.organisation_id == Organisation.id)
    return stmt.subquery("answers")


def rating_counts(answers: sa.Subquery) -> list[sa.Row]:
    """(question_key, org_type, rag, moderated_rag, answers): rated criteria by stored key and organisation type.
    Grouped by the stored key: figures map keys to questions and themes in Python, and sum types away."""
    group = (answers.c.question_key, answers.c.org_type, answers.c.rag, answers.c.moderated_rag)
    stmt = (sa.select(*group, sa.func.count().label("answers"))
            .where(answers.c.excluded == sa.false(), answers.c.rag.is_not(None))
            .group_by(*group))
    return core_rows(stmt)


def organisation_ratings(answers: sa.Subquery, catalogue: Catalogue, per: str) -> list[sa.Row]:
    """(organisation_id, key, rated, self_green, green, self_score, moderated_score) per organisation and standard
    (per="section") or theme (per="theme"): criteria rated, rated Green by the organisation, agreed Green, and the
    lowest self-assessed and agreed rating (2 Green, 1 Amber, 0 Red). Stored keys are mapped to sections or themes
    by joining a small VALUES table built from the instrument definitions."""
    if per == "section":
        table = mapping_table("sectionmap", ("stored_key", "key"), catalogue.section_rows())
    else:
        table = mapping_table("thememap", ("stored_key", "key"), catalogue.theme_rows())
    rated = answers.c.rag.is_not(None)
    group = (answers.c.organisation_id, table.c.key)
    stmt = (sa.select(*group, sa.func.sum(sa.case((rated, 1), else_=0)).label("rated"),
                      sa.func.sum(sa.case((answers.c.rag == "green", 1), else_=0)).label("self_green"),
                      sa.func.sum(sa.case((sa.and_(rated, answers.c.moderated_rag == "green"), 1), else_=0))
                      .label("green"),
                      sa.func.min(rag_score(answers.c.rag)).label("self_score"),
                      sa.func.min(rag_score(answers.c.moderated_rag)).label("moderated_score"))
            .join(table, table.c.stored_key == answers.c.question_key)
            .where(answers.c.excluded == sa.false())
            .group_by(*group))
    return core_rows(stmt)


def return_organisations(campaign_id: int) -> sa.Select:
    """The ids of the organisations invited to the campaign (each has a return), as a subquery."""
    return sa.select(Return.organisation_id).where(Return.campaign_id == campaign_id)


def return_states(campaign_id: int) -> list[sa.Row]:
    """(organisation_id, name, org_type, state) for every return in the campaign."""
    stmt = (sa.select(Return.organisation_id, Organisation.name, Organisation.org_type, Return.state)
            .join(Organisation, Return.organisation_id == Organisation.id)
            .where(Return.campaign_id == campaign_id)
            .order_by(Organisation.name))
    return core_rows(stmt)


def survey_answers(campaign_ids, *, min_responses: int) -> sa.Subquery:
    """Practitioner survey answers, only from organisations with at least `min_responses` responses in the
    campaign: smaller groups are left out of every figure, so none can be worked out by subtraction."""
    large_enough = (sa.select(SurveyResponse.survey_link_id).group_by(SurveyResponse.survey_link_id)
                    .having(sa.func.count(SurveyResponse.id) >= min_responses))
    return (
        sa.select(SurveyAnswer.question_key, SurveyAnswer.value, SurveyAnswer.meets_standard, SurveyAnswer.excluded,
                  SurveyAnswer.survey_response_id.label("response_id"), SurveyLink.organisation_id,
                  SurveyLink.campaign_id)
        .join(SurveyResponse, SurveyAnswer.survey_response_id == SurveyResponse.id)
        .join(SurveyLink, SurveyResponse.survey_link_id == SurveyLink.id)
        .where(SurveyLink.campaign_id.in_(list(campaign_ids)), SurveyLink.id.in_(large_enough))
        .subquery("survey")
    )


def _invited(organisation_id: int) -> sa.ColumnElement:
    """The campaign is one the organisation was invited to (it has a return in it)."""
    return Campaign.id.in_(sa.select(Return.campaign_id).where(Return.organisation_id == organisation_id))


def campaigns_for_key(key: str, *, states=None, organisation_id: int | None = None) -> list[Campaign]:
    stmt = (sa.select(Campaign)
            .join(InstrumentVersion, Campaign.instrument_version_id == InstrumentVersion.id)
            .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
            .where(InstrumentModel.key == key)
            .order_by(Campaign.cycle, Campaign.id))
    if states is not None:
        stmt = stmt.where(Campaign.state.in_(states))
    if organisation_id is not None:
        stmt = stmt.where(_invited(organisation_id))
    return list(db.session.execute(stmt).scalars())


def campaigns_with_survey(key: str, *, organisation_id: int | None = None) -> list[Campaign]:
    stmt = (sa.select(Campaign)
            .join(InstrumentVersion, Campaign.survey_version_id == InstrumentVersion.id)
            .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
            .where(InstrumentModel.key == key, Campaign.state != CampaignState.draft)
            .order_by(Campaign.cycle, Campaign.id))
    if organisation_id is not None:
        stmt = stmt.where(_invited(organisation_id))
    return list(db.session.execute(stmt).scalars())


def visible_campaigns(*, organisation_id: int | None = None) -> list[sa.Row]:
    """(Campaign, instrument_key, survey_key), newest first. With an organisation: the campaigns it has a return in."""
    version, model = sa.orm.aliased(InstrumentVersion), sa.orm.aliased(InstrumentModel)
    survey_version, survey_model = sa.orm.aliased(InstrumentVersion), sa.orm.aliased(InstrumentModel)
    stmt = (sa.select(Campaign, model.key.label("instrument_key"), survey_model.key.label("survey_key"))
            .join(version, Campaign.instrument_version_id == version.id)
            .join(model, version.instrument_id == model.id)
            .outerjoin(survey_version, Campaign.survey_version_id == survey_version.id)
            .outerjoin(survey_model, survey_version.instrument_id == survey_model.id)
            .order_by(Campaign.cycle.desc(), Campaign.id.desc()))
    if organisation_id is not None:
        stmt = stmt.where(Campaign.state != CampaignState.draft, _invited(organisation_id))
    return list(db.session.execute(stmt))


def campaign_participant(campaign_id: int, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return db.session.execute(
        sa.select(sa.func.count()).select_from(Return)
        .where(Return.campaign_id == campaign_id, Return.organisation_id == organisation_id)
    ).scalar_one() > 0


def statement_coverage(organisation_ids) -> dict | None:
    """How many of the organisations have a statement in force, none, one overdue for review… (statements feature)."""
    try:
        from app.statements.queries import COVERAGE_STATUSES, coverage, coverage_counts
    except ImportError:
        return None
    rows = coverage(organisation_ids)
    counts = coverage_counts(rows)
    return {"total": len(rows),
            "statuses": [{"status": key, "label": label, "count": counts.get(key, 0)}
                         for key, (label, _) in COVERAGE_STATUSES.items()]}


# --- findings and actions ------------------------------------------------------------------------------------

def findings_for(*, round_id: int | None = None, campaign_id: int | None = None) -> list[Finding]:
    parent = Finding.round_id == round_id if round_id is not None else Finding.campaign_id == campaign_id
    return list(db.session.execute(
        sa.select(Finding).where(parent)
        .options(selectinload(Finding.actions).selectinload(ActionItem.updates),
                 selectinload(Finding.actions).selectinload(ActionItem.owner_organisation))
        .order_by(Finding.heading, Finding.position, Finding.id)
    ).scalars())


