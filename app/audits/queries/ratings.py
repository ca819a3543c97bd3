"""A round's ratings as its agreement figures read them: each agency's rating of each question of each case,
placed on the question's ordinal scale, and the ratings the moderation panel agreed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from app.audits.models import Assignment, AuditCase, AuditRound, CaseAnswer, ModeratedAnswer, Moderation
from app.audits.queries.access import instrument_of
from app.audits.queries.answers import submitted_in_round
from app.extensions import db
from app.questionnaire import Question, decode_answer


def ordinal(question: Question, value) -> float | None:
    """A rating as a number on its ordinal scale; not applicable and blanks are missing."""
    option = question.option(value)
    if option is None or option.excluded:
        return None
    if option.score is not None:
        return float(option.score)
    ranked = [o for o in question.options if not o.excluded]
    return float(len(ranked) - ranked.index(option))  # scales are written best first


def _in_cases(stmt: sa.Select, case_ids: list[int] | None) -> sa.Select:
    return stmt if case_ids is None else stmt.where(AuditCase.id.in_(case_ids))


def _submitted_ratings(round_id: int, keys: set[str], case_ids=None) -> list[tuple[int, int, str, str | None]]:
    """(case id, agency id, question key, stored value) of every submitted answer in the round (or in these of its
    cases) to these questions."""
    stmt = submitted_in_round(
        sa.select(Assignment.case_id, Assignment.organisation_id, CaseAnswer.question_key, CaseAnswer.value)
        .select_from(CaseAnswer)
        .where(CaseAnswer.question_key.in_(sorted(keys))),
        round_id,
    )
    return list(db.session.connection().execute(_in_cases(stmt, case_ids)).all())


def _moderated_ratings(round_id: int, case_ids=None) -> list[tuple[int, int | None, str | None, str | None]]:
    """(case id, agency id or None, question key, value) of every answer the panel agreed in the round's moderated
    cases (or in these of them); a moderated case with no agreed answers gives one row of Nones after its id."""
    stmt = (
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
    return list(db.session.connection().execute(_in_cases(stmt, case_ids)).all())


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
class Ratings:
    """A round's ratings as the figures read them."""

    # question key -> case id -> agency id -> the agency's rating (present ratings only)
    per_question: dict[str, dict[int, dict[int, float]]]
    # (case, own-work question, agency) -> {agency: its rating}, for moderated cases
    agency_units: dict[tuple, dict[int, float | None]]
    # unit -> the agreed rating: (case, question) for questions about the case, as agency_units for the others
    agreed: dict[tuple, float | None]
    moderated_cases: int


def read_ratings(
    audit_round: AuditRound, rated: list[Question], own_work: dict[str, Question], case_ids=None
) -> Ratings:
    instrument = instrument_of(audit_round)
    scale = _Scale(instrument)
    rated_keys = {q.key: q for q in rated}
    agreed: dict[tuple, float | None] = {}
    moderated_ids: set[int] = set()
    per_agency: dict[tuple[int, str, int], str | None] = {}  # (case, own-work question, agency) -> panel's value
    for case_id, org_id, key, value in _moderated_ratings(audit_round.id, case_ids):
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
    for case_id, org_id, key, stored in _submitted_ratings(audit_round.id, keys, case_ids) if keys else ():
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
    return Ratings(per_question, agency_units, agreed, len(moderated_ids))


def compared_with_agreed(ratings: Ratings, agreed: dict) -> dict:
    """Each unit with an agreed rating, with the agencies' ratings it is compared with: a (case, question) of a
    moderated case, or an agency's answer about its own work."""
    return {
        unit: ratings.agency_units[unit] if len(unit) == 3 else ratings.per_question[unit[1]].get(unit[0], {})
        for unit in agreed
    }
