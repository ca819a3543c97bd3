"""Agreement figures of a round: agreement between agencies (Krippendorff's alpha) per question and pooled,
and each agency's drift from the moderated answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.audits import agreement as agreement_math
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    ResponseState,
)
from app.audits.queries.access import instrument_of
from app.audits.queries.answers import (
    agency_questions,
    rated_questions,
)
from app.extensions import db
from app.questionnaire import (
    Question,
    decode_answer,
)


def ordinal(question: Question, value) -> float | None:
    """A rating as a number on its ordinal scale; not applicable and blanks are missing."""
    option = question.option(value)
    if option is None or option.excluded:
        return None
    if option.score is not None:
        return float(option.score)
    ranked = [o for o in question.options if not o.excluded]
    return float(len(ranked) - ranked.index(option))  # scales are written best first


@dataclass
class QuestionAgreement:
    question: Question
    figures: agreement_math.Agreement


@dataclass
class AgencyDrift:
    organisation: Organisation
    drift: agreement_math.Drift


@dataclass
class RoundAgreement:
    overall: agreement_math.Agreement
    questions: list[QuestionAgreement]
    drift: list[AgencyDrift]
    moderated_cases: int
    pooled_cases: int  # cases behind the round figures: rated on some criterion by two or more agencies


def _submitted_ratings(round_id: int, keys: set[str]) -> list[tuple[int, int, str, str | None]]:
    """(case id, agency id, question key, stored value) of every submitted answer in the round to these questions."""
    return list(
        db.session.connection()
        .execute(
            sa.select(Assignment.case_id, Assignment.organisation_id, CaseAnswer.question_key, CaseAnswer.value)
            .join(AuditCase, Assignment.case_id == AuditCase.id)
            .join(CaseResponse, CaseResponse.assignment_id == Assignment.id)
            .join(CaseAnswer, CaseAnswer.response_id == CaseResponse.id)
            .where(
                AuditCase.round_id == round_id,
                CaseResponse.state == ResponseState.submitted,
                CaseAnswer.question_key.in_(sorted(keys)),
            )
        )
        .all()
    )


def _moderated_ratings(round_id: int) -> list[tuple[int, int | None, str | None, str | None]]:
    """(case id, agency id or None, question key, value) of every answer the panel agreed in the round's moderated
    cases; a moderated case with no agreed answers gives one row of Nones after its id."""
    return list(
        db.session.connection()
        .execute(
            sa.select(
                Moderation.case_id,
                ModeratedAnswer.organisation_id,
                ModeratedAnswer.question_key,
                ModeratedAnswer.value,
            )
            .join(AuditCase, Moderation.case_id == AuditCase.id)
            .outerjoin(ModeratedAnswer, ModeratedAnswer.moderation_id == Moderation.id)
            .where(AuditCase.round_id == round_id)
        )
        .all()
    )


def round_agreement(audit_round: AuditRound) -> RoundAgreement:
    """Agreement between agencies per question and for the round, and each agency's drift from moderation.

    Round figures pool every (case, criterion) pair rated by two or more agencies; the overall
    judgement uses a different scale, so it is reported on its own row but not pooled.
    """
    instrument = instrument_of(audit_round)
    rated = rated_questions(instrument)
    rated_keys = {q.key: q for q in rated}
    own_work = {q.key: q for q in agency_questions(instrument)}
    per_question: dict[str, dict[int, dict[int, float | None]]] = {q.key: defaultdict(dict) for q in rated}
    # Plain rows, not objects: a large round has tens of thousands of answers, and each is read for two numbers.
    # The same stored value of the same question is decoded and placed on its scale once.
    submitted = _submitted_ratings(audit_round.id, set(rated_keys) | set(own_work)) if rated_keys or own_work else []
    scale: dict[tuple[str, str | None], float | None] = {}

    def rating(question: Question, stored: str | None) -> float | None:
        place = (question.key, stored)
        if place not in scale:
            scale[place] = ordinal(question, decode_answer(instrument, question.key, stored))
        return scale[place]

    for case_id, org_id, key, stored in submitted:
        question = rated_keys.get(key)
        if question is not None:
            per_question[key][case_id][org_id] = rating(question, stored)
    agreed: dict[tuple, float | None] = {}
    moderated_ids: set[int] = set()
    per_agency: dict[tuple[int, str, int], str | None] = {}  # (case, own-work question, agency) -> panel's value
    for case_id, org_id, key, value in _moderated_ratings(audit_round.id):
        moderated_ids.add(case_id)
        if key is None:
            continue
        if org_id is not None:
            per_agency[(case_id, key, org_id)] = value
        elif key in rated_keys:
            agreed[(case_id, key)] = ordinal(rated_keys[key], value)
    moderated_cases = len(moderated_ids)
    # Questions about each agency's own work are compared with the answer agreed for that agency: the panel's
    # where it changed it, otherwise the agency's own, which stands.
    agency_units: dict[tuple, dict[int, float | None]] = {}
    for case_id, org_id, key, stored in submitted if own_work else []:
        question = own_work.get(key)
        if question is None or case_id not in moderated_ids:
            continue
        unit = (case_id, question.key, org_id)
        value = rating(question, stored)
        agency_units[unit] = {org_id: value}
        agreed[unit] = ordinal(question, per_agency[unit]) if unit in per_agency else value

    pooled: dict[tuple[int, str], dict[int, float | None]] = {}
    everything: dict[tuple[int, str], dict[int, float | None]] = {}
    questions = []
    for question in rated:
        by_case = per_question[question.key]
        questions.append(QuestionAgreement(question=question, figures=agreement_math.agreement(by_case)))
        for case_id, by_org in by_case.items():
            everything[(case_id, question.key)] = by_org
            if not question.overall:
                pooled[(case_id, question.key)] = by_org
    drift = agreement_math.drift({**everything, **agency_units}, agreed)
    orgs = {o.id: o for o in audit_round.organisations}
    missing = set(drift) - set(orgs)
    if missing:
        orgs.update(
            {o.id: o for o in db.session.execute(sa.select(Organisation).where(Organisation.id.in_(missing))).scalars()}
        )
    drift_rows = sorted(
        (AgencyDrift(organisation=orgs[org_id], drift=d) for org_id, d in drift.items()),
        key=lambda row: row.organisation.name,
    )
    pooled_cases = len({case_id for case_id, _key in agreement_math.pairable_units(pooled)})
    return RoundAgreement(
        overall=agreement_math.agreement(pooled),
        questions=questions,
        drift=drift_rows,
        moderated_cases=moderated_cases,
        pooled_cases=pooled_cases,
    )


def agreement_table(figures: RoundAgreement) -> dict:
    """Agreement figures as plain data: what the round page shows, and what is kept when case data is purged."""

    def plain(a: agreement_math.Agreement) -> dict:
        return {"percent": a.percent, "alpha": a.alpha, "units": a.units, "pairs": a.pairs, "note": a.alpha_note}

    return {
        "overall": {**plain(figures.overall), "cases": figures.pooled_cases},
        "questions": [
            {"key": q.question.key, "text": q.question.text, "overall": q.question.overall, **plain(q.figures)}
            for q in figures.questions
        ],
        "drift": [
            {
                "organisation": d.organisation.name,
                "slug": d.organisation.slug,
                "compared": d.drift.compared,
                "differed": d.drift.differed,
                "percent": d.drift.percent,
            }
            for d in figures.drift
        ],
        "moderated_cases": figures.moderated_cases,
    }


def agreement_snapshot(audit_round: AuditRound) -> dict:
    return agreement_table(round_agreement(audit_round))
