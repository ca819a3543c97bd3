"""A round's kept counts (app/audits/tallies.py) stay equal to its answers through every change the services make
(submissions, returns, resubmissions, moderation, per-agency moderation, the retention purge), and the round's
findings figures and agreement worked out from the counts are those worked out from the answers."""

from __future__ import annotations

import random

import sqlalchemy as sa

from app.audits import services, tallies
from app.audits.models import AuditRound
from app.audits.queries import agreement_snapshot
from app.audits.tally_models import CaseAgreementUnit, CaseDrift, CaseTally, RoundAnswerTally
from app.extensions import db as _db
from app.findings.figures import round_snapshot
from tests.audits.factories import SCALE_KEYS, complete_answers, make_round, score
from tests.audits.test_about_agency import _round as agency_round
from tests.audits.test_purge import _closed_round
from tests.factories import plain

RATINGS = ("yes", "yes", "partly", "no", "na")
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
TALLY_TABLES = (RoundAnswerTally, CaseTally, CaseAgreementUnit, CaseDrift)


def _both_ways(audit_round: AuditRound):
    assert audit_round.tallied
    kept = plain((round_snapshot(audit_round), agreement_snapshot(audit_round)))
    audit_round.tallied = False  # as a round from before the counts were kept: worked out from its answers
    try:
        counted = plain((round_snapshot(audit_round), agreement_snapshot(audit_round)))
    finally:
        audit_round.tallied = True
    return kept, counted


def assert_counts_agree(audit_round: AuditRound) -> None:
    assert tallies.check_round(audit_round) == []
    kept, counted = _both_ways(audit_round)
    assert kept == counted


def _answers(rng: random.Random) -> dict:
    return complete_answers(
        overall=rng.choice(GRADES), **{key: rng.choice(RATINGS) for key in SCALE_KEYS if rng.random() < 0.7}
    )


def _count_rows(model, round_id: int) -> int:
    return _db.session.execute(
        sa.select(sa.func.count()).select_from(model).where(model.round_id == round_id)
    ).scalar_one()


def test_counts_follow_submissions_returns_resubmissions_and_moderation(db):
    rng = random.Random(20261203)
    setup = make_round(agencies=("police", "health", "council"), references=[f"CR-0009{n:02d}" for n in range(7)])
    audit_round = setup.round
    # The last case: every criterion not applicable, so only the overall judgement is rated by two agencies, and
    # the case is not among those the pooled figures rest on.
    for org in ("police", "health"):
        score(setup.assignment(6, org), complete_answers(rating="na"), actor=setup.auditors[org])
    for case_index in range(6):
        for org in ("police", "health", "council"):
            if rng.random() < 0.85:
                score(setup.assignment(case_index, org), _answers(rng), actor=setup.auditors[org])
    assert _count_rows(RoundAnswerTally, audit_round.id) > 0 and _count_rows(CaseAgreementUnit, audit_round.id) > 0
    assert_counts_agree(audit_round)

    submitted = [
        (case_index, org)
        for case_index in range(6)
        for org in ("police", "health", "council")
        if setup.assignment(case_index, org).response.state.value == "submitted"
    ]
    for case_index, org in rng.sample(submitted, 4):
        services.return_response(setup.assignment(case_index, org), reason="Please check the dates.", actor=setup.qa)
        assert_counts_agree(audit_round)
    for case_index, org in submitted[:2]:
        assignment = setup.assignment(case_index, org)
        if assignment.response.state.value != "submitted":
            score(assignment, _answers(rng), actor=setup.auditors[org])
    assert_counts_agree(audit_round)

    services.start_moderation(audit_round, confirm_unsubmitted=True, actor=setup.qa)
    for case in audit_round.cases[:4]:
        services.save_moderation(
            case,
            ratings={key: rng.choice(RATINGS) for key in SCALE_KEYS},
            overall_grade=rng.choice(GRADES),
            actor=setup.qa,
        )
        assert_counts_agree(audit_round)
    services.save_moderation(  # moderated again: its drift is counted again, not twice
        audit_round.cases[0], ratings={key: "no" for key in SCALE_KEYS}, overall_grade="inadequate", actor=setup.qa
    )
    assert_counts_agree(audit_round)
    figures = agreement_snapshot(audit_round)
    assert figures["moderated_cases"] == 4 and figures["drift"] and figures["overall"]["units"] > 0


def test_counts_follow_moderation_of_each_agencys_own_work(db):
    setup = agency_round(db)
    police, health = setup.orgs["police"].id, setup.orgs["health"].id
    assert_counts_agree(setup.round)
    services.save_moderation(
        setup.round.cases[0],
        ratings={"plan_clear": "yes"},
        agency_ratings={"report_on_time": {police: "no", health: "no"}},
        agency_comments={"report_on_time": {police: "The report came two days late.", health: None}},
        actor=setup.qa,
    )
    services.save_moderation(setup.round.cases[1], ratings={"plan_clear": "no"}, actor=setup.qa)
    assert_counts_agree(setup.round)
    drift = {row["slug"]: (row["compared"], row["differed"]) for row in agreement_snapshot(setup.round)["drift"]}
    assert sum(compared for compared, _ in drift.values()) > 0


def test_a_round_from_before_the_counts_is_worked_out_from_its_answers_until_counted(db, runner):
    setup = make_round(agencies=("police", "health"), references=("CR-000801", "CR-000802"))
    rng = random.Random(3)
    for org in ("police", "health"):
        score(setup.assignment(0, org), _answers(rng), actor=setup.auditors[org])
    audit_round = setup.round
    expected = plain((round_snapshot(audit_round), agreement_snapshot(audit_round)))
    # What the migration leaves a round that existed before it: no counts, not tallied.
    for model in TALLY_TABLES:
        db.session.execute(sa.delete(model).where(model.round_id == audit_round.id))
    audit_round.tallied = False
    db.session.commit()
    assert plain((round_snapshot(audit_round), agreement_snapshot(audit_round))) == expected

    result = runner.invoke(args=["audits", "tally"])
    assert result.exit_code == 0, result.output
    assert "Counted" in result.output
    db.session.expire_all()
    assert audit_round.tallied and _count_rows(RoundAnswerTally, audit_round.id) > 0
    assert_counts_agree(audit_round)
    assert plain((round_snapshot(audit_round), agreement_snapshot(audit_round))) == expected


def test_a_submission_in_an_uncounted_round_counts_the_whole_round(db):
    setup = make_round(agencies=("police", "health"), references=("CR-000811",))
    rng = random.Random(5)
    score(setup.assignment(0, "police"), _answers(rng), actor=setup.auditors["police"])
    for model in TALLY_TABLES:
        db.session.execute(sa.delete(model).where(model.round_id == setup.round.id))
    setup.round.tallied = False
    score(setup.assignment(0, "health"), _answers(rng), actor=setup.auditors["health"])
    assert setup.round.tallied
    assert_counts_agree(setup.round)
    assert agreement_snapshot(setup.round)["overall"]["units"] > 0  # both agencies' answers counted


def test_the_check_finds_counts_that_differ_from_the_answers_and_a_rebuild_mends_them(db, runner):
    setup = make_round(agencies=("police", "health"), references=("CR-000821",))
    for org in ("police", "health"):
        score(setup.assignment(0, org), complete_answers(), actor=setup.auditors[org])
    db.session.commit()
    assert runner.invoke(args=["audits", "tally", "--check"]).exit_code == 0
    db.session.execute(
        sa.update(RoundAnswerTally)
        .where(RoundAnswerTally.round_id == setup.round.id, RoundAnswerTally.question_key == "convened_promptly")
        .values(answers=RoundAnswerTally.answers + 1)
    )
    db.session.execute(sa.delete(CaseAgreementUnit).where(CaseAgreementUnit.round_id == setup.round.id))
    db.session.commit()
    checked = runner.invoke(args=["audits", "tally", "--check"])
    assert checked.exit_code == 1
    assert f"round {setup.round.id}" in checked.output and "convened_promptly" in checked.output
    assert "case_agreement_unit" in checked.output
    assert runner.invoke(args=["audits", "tally", "--rebuild"]).exit_code == 0
    assert runner.invoke(args=["audits", "tally", "--check"]).exit_code == 0


def test_the_purge_removes_a_rounds_counts_with_its_case_data(db, runner):
    old = _closed_round(years_ago=3)
    db.session.commit()
    assert _count_rows(CaseAgreementUnit, old.round.id) > 0
    before = round_snapshot(old.round)
    assert runner.invoke(args=["data", "purge", "--older-than", "2"]).exit_code == 0
    db.session.expire_all()
    assert [_count_rows(model, old.round.id) for model in TALLY_TABLES] == [0, 0, 0, 0]
    assert old.round.purged_at is not None and not old.round.tallied
    kept = old.round.figures_snapshot
    assert kept["summary"]["scored"] == before["summary"]["scored"]
    assert plain(kept["agreement"]) == plain(before["agreement"])
