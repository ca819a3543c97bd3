"""Agreement figures of a round: agreement between agencies (Krippendorff's alpha) per question and pooled,
and each agency's drift from the moderated answers."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.audits import agreement as agreement_math
from app.audits.models import (
    AuditCase,
    AuditRound,
    Moderation,
)
from app.audits.queries.access import instrument_of
from app.audits.queries.ratings import compared_with_agreed, read_ratings
from app.audits.tally_models import CaseDrift, CaseTally, RoundAgreementTally
from app.audits.queries.answers import (
    agency_questions,
    rated_questions,
)
from app.db import wrote_in_transaction
from app.extensions import db
from app.frozen import freeze
from app.questionnaire import (
    Question,
)
from app.tallying import union_part


@dataclass
class QuestionAgreement:
    question: Question
    figures: agreement_math.Agreement


@dataclass
class AgencyDrift:
    organisation: sa.Row  # the agency's id, name and slug
    drift: agreement_math.Drift


@dataclass
class RoundAgreement:
    overall: agreement_math.Agreement
    questions: list[QuestionAgreement]
    drift: list[AgencyDrift]
    moderated_cases: int
    pooled_cases: int  # cases behind the round figures: rated on some criterion by two or more agencies


class _Agency(NamedTuple):
    """An agency as AgencyDrift names it, read with its drift."""

    id: int
    name: str
    slug: str


@dataclass
class _Counted:
    """What a round's agreement figures are worked out from."""

    tallies: dict[str, agreement_math.Tally]  # question key -> its pairable units' tally
    pooled_cases: int  # cases with a criterion (not the overall judgement) rated by two or more agencies
    drift: dict[int, agreement_math.Drift]  # agency id -> its drift
    moderated_cases: int
    agencies: dict[int, tuple] | None = None  # agency id -> (id, name, slug), when read with the drift


def round_agreement(audit_round: AuditRound) -> RoundAgreement:
    """Agreement between agencies per question and for the round, and each agency's drift from moderation.

    Round figures pool every (case, criterion) pair rated by two or more agencies; the overall
    judgement uses a different scale, so it is reported on its own row but not pooled. A tallied round's are read
    from its kept units (app/audits/tallies.py); an older round's are worked out from its answers.
    """
    rated = rated_questions(instrument_of(audit_round))
    counted = _from_tallies(audit_round) if audit_round.tallied else _from_answers(audit_round, rated)
    pooled = agreement_math.Tally()
    questions = []
    for question in rated:
        tally = counted.tallies.get(question.key) or agreement_math.Tally()
        questions.append(QuestionAgreement(question=question, figures=agreement_math.agreement_of(tally)))
        if not question.overall:
            pooled.update(tally)
    return RoundAgreement(
        overall=agreement_math.agreement_of(pooled),
        questions=questions,
        drift=_drift_rows(counted),
        moderated_cases=counted.moderated_cases,
        pooled_cases=counted.pooled_cases,
    )


def _from_answers(audit_round: AuditRound, rated: list[Question]) -> _Counted:
    ratings = read_ratings(audit_round, rated, {q.key: q for q in agency_questions(instrument_of(audit_round))})
    tallies: dict[str, agreement_math.Tally] = {}
    pooled_case_ids: set[int] = set()
    for question in rated:
        counted = tallies[question.key] = agreement_math.Tally()
        for case_id, by_org in ratings.per_question[question.key].items():
            if len(by_org) < 2:
                continue
            counted[tuple(sorted(by_org.values()))] += 1
            if not question.overall:
                pooled_case_ids.add(case_id)
    drift = agreement_math.drift(compared_with_agreed(ratings, ratings.agreed), ratings.agreed)
    return _Counted(tallies, len(pooled_case_ids), drift, ratings.moderated_cases)


def _from_tallies(audit_round: AuditRound) -> _Counted:
    """A tallied round's agreement counts, from its kept tally and drift: a few hundred rows, in one statement (each
    statement costs a round trip and SQLAlchemy's work): the units counted by question and ratings, the agencies'
    drift, and two counts of cases."""
    tallies: dict[str, agreement_math.Tally] = defaultdict(agreement_math.Tally)
    drift: dict[int, agreement_math.Drift] = {}
    counts = {"pooled": 0, "moderated": 0}
    read: dict[str, tuple[float, ...]] = {}
    agencies: dict[int, tuple] = {}
    rows = db.session.connection().execute(_tallies_statement(), {"round_id": audit_round.id}).all()
    for kind, key, ratings, agency, first, second in rows:
        if kind == "unit":
            if ratings not in read:
                read[ratings] = tuple(float(r) for r in ratings.split(","))
            tallies[key][read[ratings]] += first
        elif kind == "drift":  # (with the agency's name and slug in the text columns)
            drift[agency] = agreement_math.Drift(rater=agency, compared=first, differed=second)
            agencies[agency] = _Agency(agency, key, ratings)
        else:
            counts[kind] = first
    return _Counted(dict(tallies), counts["pooled"], drift, counts["moderated"], agencies)


@cache
def _tallies_statement() -> sa.CompoundSelect:
    """The statement of _from_tallies, built once (the round bound when it runs): building this union and working
    out its cache key cost more than running it."""
    tally, drift_row = RoundAgreementTally, CaseDrift
    text, number = sa.String(), sa.Integer()

    def part(kind: str, *, first, second=None, question_key=None, ratings=None, agency=None) -> tuple:
        """One part of the statement's rows: (kind, question key, ratings, agency, first count, second count); a
        drift row has the agency's name and slug where the others have a question key and ratings."""
        return union_part(
            kind, (question_key, text), (ratings, text), (agency, number), (first, number), (second, number)
        )

    round_id = sa.bindparam("round_id")
    return sa.union_all(
        sa.select(*part("unit", question_key=tally.question_key, ratings=tally.ratings, first=tally.units)).where(
            tally.round_id == round_id
        ),
        sa.select(*part("pooled", first=sa.func.count())).where(CaseTally.round_id == round_id, CaseTally.pooled),
        sa.select(
            *part(
                "drift",
                question_key=Organisation.name,
                ratings=Organisation.slug,
                agency=drift_row.organisation_id,
                first=sa.func.sum(drift_row.compared),
                second=sa.func.sum(drift_row.differed),
            )
        )
        .join(Organisation, drift_row.organisation_id == Organisation.id)
        .where(drift_row.round_id == round_id)
        .group_by(drift_row.organisation_id, Organisation.name, Organisation.slug),
        sa.select(*part("moderated", first=sa.func.count()))
        .select_from(Moderation)
        .join(AuditCase, Moderation.case_id == AuditCase.id)
        .where(AuditCase.round_id == round_id),
    )


def case_agreement_rows(audit_round: AuditRound, case_ids: list[int] | None) -> tuple[list[dict], list[dict]]:
    """What app/audits/tallies.py keeps for these cases of the round (every case: None), from their answers: the
    rows of `CaseAgreementUnit` (each question rated by two or more agencies, with its ratings) and of `CaseDrift`
    (per agency, its ratings compared with agreed ones, and how many differed)."""
    instrument = instrument_of(audit_round)
    rated = rated_questions(instrument)
    ratings = read_ratings(audit_round, rated, {q.key: q for q in agency_questions(instrument)}, case_ids)
    units = []
    for question in rated:
        for case_id, by_org in ratings.per_question[question.key].items():
            key = agreement_math.unit_key(by_org.values())
            if key is not None:
                units.append(
                    {
                        "case_id": case_id,
                        "question_key": question.key,
                        "round_id": audit_round.id,
                        "ratings": ",".join(repr(r) for r in key),
                        "pooled": not question.overall,
                    }
                )
    agreed_by_case: dict[int, dict] = defaultdict(dict)
    for unit, target in ratings.agreed.items():
        agreed_by_case[unit[0]][unit] = target
    drift = [
        {
            "case_id": case_id,
            "organisation_id": org_id,
            "round_id": audit_round.id,
            "compared": d.compared,
            "differed": d.differed,
        }
        for case_id, agreed in agreed_by_case.items()
        for org_id, d in agreement_math.drift(compared_with_agreed(ratings, agreed), agreed).items()
    ]
    return units, drift


def _drift_rows(counted: _Counted) -> list[AgencyDrift]:
    """Each agency's drift from the agreed ratings, by agency name."""
    drift = counted.drift
    if not drift:
        return []
    orgs = counted.agencies
    if orgs is None:
        orgs = {
            row.id: row
            for row in db.session.connection().execute(
                sa.select(Organisation.id, Organisation.name, Organisation.slug).where(
                    Organisation.id.in_(sorted(drift))
                )
            )
        }
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
