"""Keeps a round's answers counted as they change (the tables are in app/audits/tally_models.py), in the same
transaction as the change, so that the round's findings figures and its agreement between agencies are worked out
from hundreds of rows instead of every answer of every case.

What changes the counts, and where this is called from:
- a response submitted (`response_submitted`, app/audits/services/scoring.py): its answers are added;
- a response returned to its agency (`response_returned`): its answers are taken away. Only a draft or returned
  response can be edited, so a submitted one's answers are exactly what was added;
- a case moderated (`case_moderated`, app/audits/services/moderation.py): the agreed ratings its drift is measured
  against changed.
After each, the case's own counts (its scored and met answers, its agreement units, its agencies' drift) are worked
out again from its answers, which are a few dozen rows.

A round from before the counts were kept (`tallied` false) is counted whole the first time one of these happens
in it, or by `flask audits tally`; until then its figures are worked out from its answers. `check_round` compares
the kept counts with the answers: `flask audits tally --check` runs it over every round."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa

from app.audits.models import Assignment, AuditCase, AuditRound, CaseAnswer, CaseResponse, ResponseState
from app.audits.queries.agreement import case_agreement_rows
from app.audits.queries.answers import submitted_in_round
from app.audits.tally_models import CaseAgreementUnit, CaseDrift, CaseTally, RoundAgreementTally, RoundAnswerTally
from app.extensions import db
from app.questionnaire import catalogue_for_version
from app.questionnaire.storage import excluded_count, met, scored
from app.tallying import add_counts, count_each, differences

COUNTS = ("answers", "scored", "met", "excluded")
_PER_CASE = (CaseTally, CaseAgreementUnit, CaseDrift)


def overall_answer_keys(audit_round: AuditRound) -> set[str]:
    """The keys the round's overall judgement may be stored under (its key and every earlier name of it): the
    per-case counts behind the breakdowns leave it out."""
    catalogue = catalogue_for_version(audit_round.instrument_version)
    return {
        alias for key, question in catalogue.questions.items() if question.overall for alias in question.aliases | {key}
    }


def response_submitted(response: CaseResponse) -> None:
    """After `response` was submitted (and flushed): its answers are counted."""
    _response_changed(response, +1)


def response_returned(response: CaseResponse) -> None:
    """After `response` was returned to its agency (and flushed): its answers are no longer counted."""
    _response_changed(response, -1)


def case_moderated(case: AuditCase) -> None:
    """After the panel's agreed answers for `case` were saved (and flushed)."""
    if _counted_whole(case):
        return
    _count_cases(case.round, [case.id])


def build_round(audit_round: AuditRound) -> None:
    """Counts the round whole from its answers, replacing whatever was kept."""
    db.session.execute(sa.delete(RoundAnswerTally).where(RoundAnswerTally.round_id == audit_round.id))
    rows = [
        {"round_id": audit_round.id, **dict(zip(("organisation_id", "question_key", "value", *COUNTS), row))}
        for row in answer_counts(audit_round.id)
    ]
    if rows:
        db.session.execute(sa.insert(RoundAnswerTally), rows)
    _count_cases(audit_round, None)
    audit_round.tallied = True
    db.session.flush()


def _unpurged_rounds() -> list[AuditRound]:
    return list(
        db.session.execute(
            sa.select(AuditRound).where(AuditRound.purged_at.is_(None)).order_by(AuditRound.id)
        ).scalars()
    )


def count_rounds(*, rebuild: bool = False) -> int:
    """Counts every round not counted yet (all of them again: `rebuild`), committing after each; how many."""
    return count_each(_unpurged_rounds(), build_round, rebuild=rebuild)


def forget_round(audit_round: AuditRound) -> None:
    """The round's case-level data is being purged: its counts go too, and its figures are the snapshot kept."""
    for model in (RoundAnswerTally, RoundAgreementTally, *_PER_CASE):
        db.session.execute(sa.delete(model).where(model.round_id == audit_round.id))
    audit_round.tallied = False


def check_rounds() -> tuple[int, list[str]]:
    """`check_round` over every counted round: how many were checked, and what differs, each line naming its round."""
    rounds = [r for r in _unpurged_rounds() if r.tallied]
    return len(rounds), [f"round {r.id} ({r.title}): {problem}" for r in rounds for problem in check_round(r)]


def check_round(audit_round: AuditRound) -> list[str]:
    """What differs between the kept counts of a tallied round and its answers; empty when they agree."""
    problems = []
    kept = {
        (org, key, value): counts
        for org, key, value, *counts in db.session.execute(
            sa.select(
                RoundAnswerTally.organisation_id,
                RoundAnswerTally.question_key,
                RoundAnswerTally.value,
                *(getattr(RoundAnswerTally, c) for c in COUNTS),
            ).where(RoundAnswerTally.round_id == audit_round.id, RoundAnswerTally.answers != 0)
        )
    }
    counted = {(org, key, value): list(counts) for org, key, value, *counts in answer_counts(audit_round.id)}
    problems += differences("answers", kept, counted)
    worked_out = _case_rows(audit_round, None)
    worked_out[RoundAgreementTally] = _agreement_tally_rows(audit_round.id, worked_out[CaseAgreementUnit])
    for model, rows in worked_out.items():
        columns = [c.name for c in model.__table__.columns]
        if _rows(model, audit_round.id) != sorted(tuple(row[c] for c in columns) for row in rows):
            problems.append(f"{model.__tablename__}: the kept rows differ from the answers")
    return problems


def answer_counts(round_id: int) -> list[tuple]:
    """(organisation, question key, stored value, answers, scored, met, excluded) over the round's submitted
    answers with a value: what `RoundAnswerTally` keeps."""
    stmt = submitted_in_round(
        sa.select(
            Assignment.organisation_id,
            CaseAnswer.question_key,
            CaseAnswer.value,
            sa.func.count(),
            scored(CaseAnswer.meets_standard),
            met(CaseAnswer.meets_standard),
            excluded_count(CaseAnswer.excluded),
        )
        .select_from(CaseAnswer)
        .where(CaseAnswer.value.is_not(None)),
        round_id,
    ).group_by(Assignment.organisation_id, CaseAnswer.question_key, CaseAnswer.value)
    return [tuple(row) for row in db.session.execute(stmt)]


# --- the changes ---------------------------------------------------------------------------------------------


def _response_changed(response: CaseResponse, sign: int) -> None:
    assignment = response.assignment
    if _counted_whole(assignment.case):  # (the response's new state is flushed, so this counts it or not)
        return
    _add_answers(assignment.case.round_id, assignment.organisation_id, response.answers, sign)
    _count_cases(assignment.case.round, [assignment.case_id])


def _counted_whole(case: AuditCase) -> bool:
    """Takes the case's row lock for the rest of the transaction, so that two changes to one case at once (two
    agencies submitting) count it one after the other, the second reading what the first committed: each works
    the case's counts out again from its answers, and would otherwise miss the other's and collide with its rows.
    (SQLite lets one transaction write at a time already.) A round not counted yet is counted whole, under its own
    row lock, unless another transaction has just done it; True when it was, as there is nothing more to do."""
    db.session.execute(sa.select(AuditCase.id).where(AuditCase.id == case.id).with_for_update())
    audit_round = case.round
    if audit_round.tallied:
        return False
    db.session.refresh(audit_round, ["tallied"], with_for_update=True)
    if audit_round.tallied:  # counted whole by another transaction meanwhile, before this change: count the change
        return False
    build_round(audit_round)
    return True


def _add_answers(round_id: int, organisation_id: int, answers: Iterable[CaseAnswer], sign: int) -> None:
    """Adds (sign +1) or takes away (-1) one response's answers."""
    rows = [
        {
            "round_id": round_id,
            "organisation_id": organisation_id,
            "question_key": answer.question_key,
            "value": answer.value,
            "answers": sign,
            "scored": sign if answer.meets_standard is not None else 0,
            "met": sign if answer.meets_standard is True else 0,
            "excluded": sign if answer.excluded else 0,
        }
        for answer in answers
        if answer.value is not None
    ]
    add_counts(RoundAnswerTally, rows, COUNTS, "round_id")


def _count_cases(audit_round: AuditRound, case_ids: list[int] | None) -> None:
    """Works out the per-case counts of these cases (every case of the round: None) again from their answers, and
    changes the round's agreement tally by the difference between their units before and now."""
    unit = CaseAgreementUnit
    if case_ids is None:
        db.session.execute(sa.delete(RoundAgreementTally).where(RoundAgreementTally.round_id == audit_round.id))
        before = []
    else:
        before = db.session.execute(
            sa.select(unit.question_key, unit.ratings).where(
                unit.round_id == audit_round.id, unit.case_id.in_(case_ids)
            )
        ).all()
    for model in _PER_CASE:
        stmt = sa.delete(model).where(model.round_id == audit_round.id)
        if case_ids is not None:
            stmt = stmt.where(model.case_id.in_(case_ids))
        db.session.execute(stmt)
    now = _case_rows(audit_round, case_ids)
    for model, rows in now.items():
        if rows:
            db.session.execute(sa.insert(model), rows)
    change = Counter((row["question_key"], row["ratings"]) for row in now[unit])
    change.subtract(Counter((key, ratings) for key, ratings in before))
    add_counts(
        RoundAgreementTally,
        [
            {"round_id": audit_round.id, "question_key": key, "ratings": ratings, "units": units}
            for (key, ratings), units in change.items()
            if units
        ],
        ("units",),
        "round_id",
    )


def _agreement_tally_rows(round_id: int, units: list[dict]) -> list[dict]:
    counted = Counter((row["question_key"], row["ratings"]) for row in units)
    return [
        {"round_id": round_id, "question_key": key, "ratings": ratings, "units": n}
        for (key, ratings), n in counted.items()
    ]


def _case_rows(audit_round: AuditRound, case_ids: list[int] | None) -> dict[type, list[dict]]:
    """The per-case rows of these cases (every case of the round: None), worked out from their answers."""
    units, drift = case_agreement_rows(audit_round, case_ids)
    pooled = {row["case_id"] for row in units if row["pooled"]}
    cases = [{**row, "pooled": row["case_id"] in pooled} for row in _case_tallies(audit_round, case_ids)]
    return {CaseTally: cases, CaseAgreementUnit: units, CaseDrift: drift}


def _case_tallies(audit_round: AuditRound, case_ids: list[int] | None) -> list[dict]:
    """Per case with a submitted response: how many, and their scored and met answers but the overall judgement's."""
    meets = CaseAnswer.meets_standard
    counted = CaseAnswer.question_key.not_in(sorted(overall_answer_keys(audit_round)))
    stmt = (
        sa.select(
            Assignment.case_id,
            sa.func.count(sa.distinct(CaseResponse.id)),
            scored(sa.case((counted, meets), else_=None)),
            met(sa.and_(counted, meets)),
        )
        .select_from(CaseResponse)
        .join(Assignment, CaseResponse.assignment_id == Assignment.id)
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .outerjoin(CaseAnswer, CaseAnswer.response_id == CaseResponse.id)
        .where(AuditCase.round_id == audit_round.id, CaseResponse.state == ResponseState.submitted)
        .group_by(Assignment.case_id)
    )
    if case_ids is not None:
        stmt = stmt.where(Assignment.case_id.in_(case_ids))
    return [
        {"case_id": case_id, "round_id": audit_round.id, "submitted": submitted, "scored": scored, "met": met}
        for case_id, submitted, scored, met in db.session.execute(stmt)
    ]


def _rows(model, round_id: int) -> list[tuple]:
    table = model.__table__
    return sorted(
        tuple(row) for row in db.session.execute(sa.select(*table.columns).where(table.c.round_id == round_id))
    )
