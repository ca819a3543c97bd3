"""Read models of case audit rounds: answers, counts per question and group, progress, agreed grades, and which
rounds an organisation may see."""

from __future__ import annotations

from functools import cache, lru_cache

import sqlalchemy as sa

from app.accounts.models import Organisation
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
from app.audits.tally_models import CaseTally, RoundAnswerTally
from app.extensions import db
from app.findings.queries.common import core_rows, excluded_count, met, scored
from app.questionnaire import InstrumentModel, InstrumentVersion

# --- case audit rounds ---------------------------------------------------------------------------------------


def round_answers(round_ids) -> sa.Subquery:
    """Answers of submitted responses in the given rounds, with the dimensions they are reported by."""
    return (
        sa.select(
            CaseAnswer.question_key,
            CaseAnswer.value,
            CaseAnswer.meets_standard,
            CaseAnswer.excluded,
            CaseAnswer.response_id,
            Assignment.organisation_id,
            AuditCase.id.label("case_id"),
            AuditCase.round_id,
            AuditCase.area,
            AuditCase.age_band,
            AuditCase.gender,
            AuditCase.ethnicity,
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
    return core_rows(_counts_statement(answers, *by))


def _counts_statement(answers: sa.Subquery, *by) -> sa.Select:
    group = [getattr(answers.c, b) for b in by] + [answers.c.question_key, answers.c.value]
    return (
        sa.select(
            *group,
            sa.func.count().label("answers"),
            scored(answers.c.meets_standard).label("scored"),
            met(answers.c.meets_standard).label("met"),
            excluded_count(answers.c.excluded).label("excluded"),
        )
        .where(answers.c.value.is_not(None))
        .group_by(*group)
    )


def agreed_answer_counts(round_id: int, agency_keys=()) -> list[sa.Row]:
    """`answer_counts(moderated_answers(round_id, agency_keys))`: the agreed answers of the round's moderated cases
    counted per question and value, by a statement built once per set of keys."""
    return _run(_agreed_counts_statement(tuple(sorted(agency_keys))), round_id)


@lru_cache(maxsize=64)
def _agreed_counts_statement(agency_keys: tuple[str, ...]) -> sa.Select:
    return _counts_statement(moderated_answers(ROUND, agency_keys))


def round_tallies(answers: sa.Subquery, *, exclude_keys=()) -> tuple[list[sa.Row], dict[int, tuple[int, int]]]:
    """The round's answers read once for two figure families: the rows of `answer_counts(answers,
    "organisation_id")`, and per case, (scored, met) over its scored answers but those stored under
    `exclude_keys` (the overall grade), for the breakdowns by the children's details.

    On PostgreSQL one statement groups the answers both ways (GROUPING SETS); SQLite has no grouping sets, so
    there the two groupings are two statements over the same rows."""
    counted = answers.c.value.is_not(None)
    kept = answers.c.question_key.not_in(list(exclude_keys)) if exclude_keys else sa.true()
    case_scored = sa.func.count(sa.case((kept, answers.c.meets_standard), else_=None))
    case_met = sa.func.coalesce(
        sa.func.sum(sa.case((sa.and_(kept, answers.c.meets_standard == sa.true()), 1), else_=0)), 0
    )
    if db.session.get_bind().dialect.name != "postgresql":
        per_case = sa.select(answers.c.case_id, case_scored.label("scored"), case_met.label("met")).group_by(
            answers.c.case_id
        )
        return answer_counts(answers, "organisation_id"), {case: (n, m) for case, n, m in core_rows(per_case)}
    by_question = (answers.c.organisation_id, answers.c.question_key, answers.c.value)
    stmt = sa.select(
        *by_question,
        answers.c.case_id,
        sa.func.grouping(answers.c.case_id).label("per_question"),
        sa.func.count(sa.case((counted, 1), else_=None)).label("answers"),
        scored(answers.c.meets_standard).label("scored"),
        met(answers.c.meets_standard).label("met"),
        excluded_count(answers.c.excluded).label("excluded"),
        case_scored.label("case_scored"),
        case_met.label("case_met"),
    ).group_by(sa.func.grouping_sets(sa.tuple_(*by_question), sa.tuple_(answers.c.case_id)))
    counts, per_case = [], {}
    for (
        org,
        key,
        value,
        case_id,
        per_question,
        answers,
        n_scored,
        n_met,
        n_excluded,
        n_case_scored,
        n_case_met,
    ) in core_rows(stmt):
        if per_question:
            if value is not None:  # as answer_counts: unanswered questions are not counted
                counts.append((org, key, value, answers, n_scored, n_met, n_excluded))
        else:
            per_case[case_id] = (n_case_scored, n_case_met)
    return counts, per_case


def kept_round_tallies(round_id: int) -> list[tuple]:
    """What `answer_counts(round_answers(...), "organisation_id")` gives, for a round whose answers are kept counted
    (app/audits/tallies.py): read from the counts, a few hundred rows, instead of grouping every answer."""
    return [tuple(row) for row in _run(_kept_tallies_statement(), round_id)]


def _run(stmt: sa.Select, round_id: int) -> list[sa.Row]:
    """Rows of a statement built once with the round as a bound parameter (`ROUND`): building a statement and
    working out its cache key cost more than running it on PostgreSQL, for the recompute's small reads."""
    return db.session.connection().execute(stmt, {"round_id": round_id}).all()


ROUND = sa.bindparam("round_id")


@cache
def _kept_tallies_statement() -> sa.Select:
    t = RoundAnswerTally
    return sa.select(t.organisation_id, t.question_key, t.value, t.answers, t.scored, t.met, t.excluded).where(
        t.round_id == ROUND, t.answers > 0
    )


def kept_round_cases(round_id: int) -> tuple[list[sa.Row], dict[int, tuple[int, int]]]:
    """`round_cases` and the per-case half of `round_tallies` in one statement, for a round whose answers are kept
    counted: whether a case is audited, and its scored and met answers, are in its `CaseTally` row."""
    rows = _run(_kept_cases_statement(), round_id)
    return rows, {row[0]: (row[7], row[8]) for row in rows if row[6]}


@cache
def _kept_cases_statement() -> sa.Select:
    return _cases(ROUND, CaseTally.case_id.is_not(None), CaseTally.scored, CaseTally.met).outerjoin(
        CaseTally, CaseTally.case_id == AuditCase.id
    )


def round_progress(round_id: int) -> list[sa.Row]:
    """Per organisation: assignments, submitted responses."""
    return _run(_progress_statement(), round_id)


@cache
def _progress_statement() -> sa.Select:
    submitted = sa.case((CaseResponse.state == ResponseState.submitted, 1), else_=0)
    return (
        sa.select(
            Assignment.organisation_id,
            Organisation.name,
            Organisation.org_type,
            sa.func.count(Assignment.id).label("assigned"),
            sa.func.coalesce(sa.func.sum(submitted), 0).label("submitted"),
        )
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .join(Organisation, Assignment.organisation_id == Organisation.id)
        .outerjoin(CaseResponse, CaseResponse.assignment_id == Assignment.id)
        .where(AuditCase.round_id == ROUND)
        .group_by(Assignment.organisation_id, Organisation.name, Organisation.org_type)
        .order_by(Organisation.name)
    )


def round_cases(round_id: int) -> list[sa.Row]:
    """(id, area, age_band, gender, ethnicity, overall_grade, audited) of every case in the round; `audited` when
    it has a submitted response."""
    # A correlated count, so only this round's cases are looked up: an uncorrelated IN read every assignment
    # nationally, and PostgreSQL ran an EXISTS as a hash of every submitted response (30 ms at national scale).
    audited = (
        sa.select(sa.func.count())
        .select_from(Assignment)
        .join(CaseResponse, CaseResponse.assignment_id == Assignment.id)
        .where(Assignment.case_id == AuditCase.id, CaseResponse.state == ResponseState.submitted)
        .correlate(AuditCase)
        .scalar_subquery()
        > 0
    )
    return core_rows(_cases(round_id, audited))


def _cases(round_id, audited, *more) -> sa.Select:
    """The round's cases as `round_cases` gives them, with `more` columns after."""
    return (
        sa.select(
            AuditCase.id,
            AuditCase.area,
            AuditCase.age_band,
            AuditCase.gender,
            AuditCase.ethnicity,
            Moderation.overall_grade,
            audited.label("audited"),
            *more,
        )
        .outerjoin(Moderation, Moderation.case_id == AuditCase.id)
        .where(AuditCase.round_id == round_id)
    )


def moderated_answers(round_id, agency_keys=()) -> sa.Subquery:
    """The agreed rating of each question, for the round's moderated cases: one per case for a question about the
    case; for a question about each agency's own work (stored keys `agency_keys`), one per agency that answered
    it, the panel's where it changed the agency's answer and the agency's own otherwise."""
    case_questions = (
        sa.select(
            ModeratedAnswer.question_key,
            ModeratedAnswer.value,
            ModeratedAnswer.meets_standard,
            ModeratedAnswer.excluded,
        )
        .join(Moderation, ModeratedAnswer.moderation_id == Moderation.id)
        .join(AuditCase, Moderation.case_id == AuditCase.id)
        .where(AuditCase.round_id == round_id, ModeratedAnswer.organisation_id.is_(None))
    )
    if not agency_keys:
        return case_questions.subquery("agreed")
    case_questions = case_questions.where(ModeratedAnswer.question_key.not_in(list(agency_keys)))
    panel = ModeratedAnswer
    changed = panel.id.is_not(None)
    own_work = (
        sa.select(
            CaseAnswer.question_key,
            sa.case((changed, panel.value), else_=CaseAnswer.value).label("value"),
            sa.case((changed, panel.meets_standard), else_=CaseAnswer.meets_standard).label("meets_standard"),
            sa.case((changed, panel.excluded), else_=CaseAnswer.excluded).label("excluded"),
        )
        .join(CaseResponse, CaseAnswer.response_id == CaseResponse.id)
        .join(Assignment, CaseResponse.assignment_id == Assignment.id)
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .join(Moderation, Moderation.case_id == AuditCase.id)
        .outerjoin(
            panel,
            sa.and_(
                panel.moderation_id == Moderation.id,
                panel.question_key == CaseAnswer.question_key,
                panel.organisation_id == Assignment.organisation_id,
            ),
        )
        .where(
            AuditCase.round_id == round_id,
            CaseResponse.state == ResponseState.submitted,
            CaseAnswer.question_key.in_(list(agency_keys)),
        )
    )
    return sa.union_all(case_questions, own_work).subquery("agreed")


def rounds_for_key(key: str, *, states=None, organisation_id: int | None = None) -> list[AuditRound]:
    stmt = (
        sa.select(AuditRound)
        .join(InstrumentVersion, AuditRound.instrument_version_id == InstrumentVersion.id)
        .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
        .where(InstrumentModel.key == key)
        .order_by(AuditRound.period_start, AuditRound.id)
    )
    if states is not None:
        stmt = stmt.where(AuditRound.state.in_(states))
    if organisation_id is not None:
        stmt = stmt.where(
            AuditRound.id.in_(
                sa.select(round_organisation.c.round_id).where(round_organisation.c.organisation_id == organisation_id)
            )
        )
    return list(db.session.execute(stmt).scalars())


def visible_rounds(*, organisation_id: int | None = None) -> list[sa.Row]:
    """Rounds with their instrument key (newest first). With an organisation: only the rounds it took part in
    that have reached moderation."""
    stmt = (
        sa.select(AuditRound, InstrumentModel.key.label("instrument_key"))
        .join(InstrumentVersion, AuditRound.instrument_version_id == InstrumentVersion.id)
        .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
        .order_by(AuditRound.period_start.desc(), AuditRound.id.desc())
    )
    if organisation_id is not None:
        stmt = stmt.where(
            AuditRound.state.in_(PARTICIPANT_ROUND_STATES),
            AuditRound.id.in_(
                sa.select(round_organisation.c.round_id).where(round_organisation.c.organisation_id == organisation_id)
            ),
        )
    return list(db.session.execute(stmt))


PARTICIPANT_ROUND_STATES = (RoundState.moderation, RoundState.closed)
REPORTED_ROUND_STATES = (RoundState.open, RoundState.moderation, RoundState.closed)


def round_participant(round_id: int, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return (
        db.session.execute(
            sa.select(sa.func.count())
            .select_from(round_organisation)
            .where(round_organisation.c.round_id == round_id, round_organisation.c.organisation_id == organisation_id)
        ).scalar_one()
        > 0
    )
