"""Agreement figures of a round: agreement between agencies (Krippendorff's alpha) per question and pooled,
and each agency's drift from the moderated answers."""

from __future__ import annotations

import threading
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
from app.db import wrote_in_transaction
from app.extensions import db
from app.frozen import freeze
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


class _Scale:
    """Places a question's stored ratings on its ordinal scale, each (question, stored value) once: a large round
    has tens of thousands of answers and a few dozen distinct values."""

    def __init__(self, instrument):
        self.instrument = instrument
        self.submitted: dict[tuple[str, str | None], float | None] = {}
        self.agreed: dict[tuple[str, str | None], float | None] = {}

    def of_submitted(self, question: Question, stored: str | None) -> float | None:
        place = (question.key, stored)
        if place not in self.submitted:
            self.submitted[place] = ordinal(question, decode_answer(self.instrument, question.key, stored))
        return self.submitted[place]

    def of_agreed(self, question: Question, value: str | None) -> float | None:
        place = (question.key, value)
        if place not in self.agreed:
            self.agreed[place] = ordinal(question, value)
        return self.agreed[place]


@dataclass
class _Ratings:
    """A round's ratings as the figures read them."""

    # question key -> case id -> agency id -> the agency's rating (present ratings only)
    per_question: dict[str, dict[int, dict[int, float]]]
    # (case, own-work question, agency) -> {agency: its rating}, for moderated cases
    agency_units: dict[tuple, dict[int, float | None]]
    # unit -> the agreed rating: (case, question) for questions about the case, as agency_units for the others
    agreed: dict[tuple, float | None]
    moderated_cases: int


def _ratings(audit_round: AuditRound, rated: list[Question], own_work: dict[str, Question]) -> _Ratings:
    instrument = instrument_of(audit_round)
    scale = _Scale(instrument)
    rated_keys = {q.key: q for q in rated}
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
            agreed[(case_id, key)] = scale.of_agreed(rated_keys[key], value)
    # Plain rows, not objects: a large round has tens of thousands of answers, and each is read for two numbers.
    per_question: dict[str, dict[int, dict[int, float]]] = {q.key: defaultdict(dict) for q in rated}
    agency_units: dict[tuple, dict[int, float | None]] = {}
    keys = set(rated_keys) | set(own_work)
    placed = scale.submitted  # (read inline: this loop runs once per answer)
    for case_id, org_id, key, stored in _submitted_ratings(audit_round.id, keys) if keys else ():
        question = rated_keys.get(key)
        if question is not None:
            value = placed[key, stored] if (key, stored) in placed else scale.of_submitted(question, stored)
            if value is not None:  # (missing and not applicable neither agree nor disagree)
                per_question[key][case_id][org_id] = value
            continue
        if case_id not in moderated_ids:
            continue
        # Questions about each agency's own work are compared with the answer agreed for that agency: the panel's
        # where it changed it, otherwise the agency's own, which stands.
        question = own_work[key]
        unit = (case_id, key, org_id)
        value = scale.of_submitted(question, stored)
        agency_units[unit] = {org_id: value}
        agreed[unit] = scale.of_agreed(question, per_agency[unit]) if unit in per_agency else value
    return _Ratings(per_question, agency_units, agreed, len(moderated_ids))


def round_agreement(audit_round: AuditRound) -> RoundAgreement:
    """Agreement between agencies per question and for the round, and each agency's drift from moderation.

    Round figures pool every (case, criterion) pair rated by two or more agencies; the overall
    judgement uses a different scale, so it is reported on its own row but not pooled.
    """
    instrument = instrument_of(audit_round)
    rated = rated_questions(instrument)
    ratings = _ratings(audit_round, rated, {q.key: q for q in agency_questions(instrument)})
    # Each question's pairable units are tallied once, for its own figures and for the round's pooled ones (every
    # criterion but the overall judgement, which uses a different scale).
    pooled = agreement_math.Tally()
    pooled_case_ids: set[int] = set()
    questions = []
    for question in rated:
        counted = agreement_math.Tally()
        for case_id, by_org in ratings.per_question[question.key].items():
            if len(by_org) < 2:
                continue
            counted[tuple(sorted(by_org.values()))] += 1
            if not question.overall:
                pooled_case_ids.add(case_id)
        questions.append(QuestionAgreement(question=question, figures=agreement_math.agreement_of(counted)))
        if not question.overall:
            pooled.update(counted)
    return RoundAgreement(
        overall=agreement_math.agreement_of(pooled),
        questions=questions,
        drift=_drift_rows(audit_round, ratings),
        moderated_cases=ratings.moderated_cases,
        pooled_cases=len(pooled_case_ids),
    )


def _drift_rows(audit_round: AuditRound, ratings: _Ratings) -> list[AgencyDrift]:
    """Each agency's drift from the agreed ratings, by agency name. Only the units with an agreed rating are
    compared: a (case, question) of a moderated case, or an agency's answer about its own work."""
    compared = {
        unit: ratings.agency_units[unit] if len(unit) == 3 else ratings.per_question[unit[1]].get(unit[0], {})
        for unit in ratings.agreed
    }
    drift = agreement_math.drift(compared, ratings.agreed)
    orgs = {o.id: o for o in audit_round.organisations}
    missing = set(drift) - set(orgs)
    if missing:
        orgs.update(
            {o.id: o for o in db.session.execute(sa.select(Organisation).where(Organisation.id.in_(missing))).scalars()}
        )
    return sorted(
        (AgencyDrift(organisation=orgs[org_id], drift=d) for org_id, d in drift.items()),
        key=lambda row: row.organisation.name,
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


# The agreement figures this process last worked out, by round: (figures token, figures). The round page shows
# them on every visit, and a large round's take tens of milliseconds to work out from its answers.
_kept: dict[int, tuple[str, dict]] = {}
_KEPT_ROUNDS = 64
_kept_lock = threading.Lock()


def kept_agreement_snapshot(audit_round: AuditRound) -> dict:
    """agreement_snapshot(audit_round), kept in this process while the round's `figures_token` holds. The token is
    replaced, in the same transaction, whenever a service changes anything the round's figures (the agreement
    among them) are computed from (app/findings/freshness.py). Figures handed out are shared, so read-only
    (app.frozen)."""
    token = audit_round.figures_token
    if token is None or wrote_in_transaction(db.session):
        return agreement_snapshot(audit_round)
    kept = _kept.get(audit_round.id)
    if kept is not None and kept[0] == token:
        return kept[1]
    figures = freeze(agreement_snapshot(audit_round))
    with _kept_lock:
        _kept.pop(audit_round.id, None)
        _kept[audit_round.id] = (token, figures)
        while len(_kept) > _KEPT_ROUNDS:  # the longest kept first
            del _kept[next(iter(_kept))]
    return figures
