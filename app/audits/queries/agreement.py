"""Agreement figures of a round: agreement between agencies (Krippendorff's alpha) per question and pooled,
and each agency's drift from the moderated answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation
from app.audits import agreement as agreement_math
from app.audits.models import (
    AuditRound,
    ModeratedAnswer,
    Moderation,
)
from app.audits.queries.access import instrument_of
from app.audits.queries.answers import (
    _submitted_answers,
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


def round_agreement(audit_round: AuditRound) -> RoundAgreement:
    """Agreement between agencies per question and for the round, and each agency's drift from moderation.

    Round figures pool every (case, criterion) pair rated by two or more agencies; the overall
    judgement uses a different scale, so it is reported on its own row but not pooled.
    """
    instrument = instrument_of(audit_round)
    rated = rated_questions(instrument)
    rated_keys = {q.key: q for q in rated}
    case_ids = [c.id for c in audit_round.cases]
    per_question: dict[str, dict[int, dict[int, float | None]]] = {q.key: defaultdict(dict) for q in rated}
    submitted = _submitted_answers(case_ids)
    for case_id, org_id, answer in submitted:
        question = rated_keys.get(answer.question_key)
        if question is None:
            continue
        per_question[question.key][case_id][org_id] = ordinal(
            question, decode_answer(instrument, question.key, answer.value)
        )
    agreed: dict[tuple, float | None] = {}
    moderated_cases = 0
    moderated_ids: set[int] = set()
    per_agency: dict[tuple[int, str, int], ModeratedAnswer] = {}
    for moderation in (
        db.session.execute(
            sa.select(Moderation).where(Moderation.case_id.in_(case_ids)).options(selectinload(Moderation.answers))
        ).scalars()
        if case_ids
        else []
    ):
        moderated_cases += 1
        moderated_ids.add(moderation.case_id)
        for m in moderation.answers:
            if m.organisation_id is not None:
                per_agency[(moderation.case_id, m.question_key, m.organisation_id)] = m
            elif m.question_key in rated_keys:
                agreed[(moderation.case_id, m.question_key)] = ordinal(rated_keys[m.question_key], m.value)
    # Questions about each agency's own work are compared with the answer agreed for that agency: the panel's
    # where it changed it, otherwise the agency's own, which stands.
    own_work = {q.key: q for q in agency_questions(instrument)}
    agency_units: dict[tuple, dict[int, float | None]] = {}
    for case_id, org_id, answer in submitted if own_work else []:
        question = own_work.get(answer.question_key)
        if question is None or case_id not in moderated_ids:
            continue
        unit = (case_id, question.key, org_id)
        value = ordinal(question, decode_answer(instrument, question.key, answer.value))
        agency_units[unit] = {org_id: value}
        panel = per_agency.get(unit)
        agreed[unit] = ordinal(question, panel.value) if panel is not None else value

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
