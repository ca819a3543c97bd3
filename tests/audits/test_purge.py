"""Retention: `flask data purge` removes case-level data of old closed rounds and keeps aggregated figures."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.audits import services
from app.audits.models import AuditCase, CaseAnswer, ModeratedAnswer, Moderation
from app.utils import utcnow
from tests.audits.factories import complete_answers, make_round, moderate, score


def _closed_round(*, years_ago: float):
    setup = make_round(agencies=("police", "health"))
    case = setup.round.cases[0]
    case.age_band, case.gender, case.ethnicity, case.area = "5_9", "female", "white", "North"
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    score(setup.assignment(0, "health"), complete_answers(clear_next_steps="no"), actor=setup.auditors["health"])
    services.start_moderation(setup.round, actor=setup.qa)
    moderation = moderate(case, actor=setup.qa)
    moderation.strengths = "Agreed strengths text"
    moderation.answers[0].comment = "Panel comment"
    services.close_round(setup.round, actor=setup.qa)
    setup.round.closed_at = utcnow() - timedelta(days=int(365 * years_ago))
    return setup


def _count(db, model, *where):
    return db.session.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar_one()


def test_purge_removes_case_level_data_and_keeps_figures(runner, db, client, login_as):
    old = _closed_round(years_ago=3)
    recent = _closed_round(years_ago=0.5)
    db.session.commit()
    before = _count(db, CaseAnswer)

    result = runner.invoke(args=["data", "purge", "--older-than", "2", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: would purge 1 closed round" in result.output
    assert _count(db, CaseAnswer) == before

    result = runner.invoke(args=["data", "purge", "--older-than", "2"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 closed round" in result.output
    db.session.expire_all()
    old_case, recent_case = old.round.cases[0], recent.round.cases[0]
    assert old.round.purged_at is not None and recent.round.purged_at is None
    assert (old_case.reference, old_case.age_band, old_case.gender, old_case.ethnicity, old_case.area) == (
        "CR-000101",
        None,
        None,
        None,
        None,
    )
    assert recent_case.age_band == "5_9"
    old_responses = [a.response.id for a in old_case.assignments]
    assert _count(db, CaseAnswer, CaseAnswer.response_id.in_(old_responses)) == 0
    assert _count(db, CaseAnswer) > 0  # the recent round keeps its answers
    moderation = db.session.execute(sa.select(Moderation).where(Moderation.case_id == old_case.id)).scalar_one()
    assert moderation.overall_grade == "good" and moderation.strengths is None
    assert all(m.comment is None and m.value for m in moderation.answers)
    assert _count(db, ModeratedAnswer, ModeratedAnswer.comment.is_not(None)) == 1  # the recent round's
    assert old.round.figures_snapshot["agreement"]["overall"]["units"] == 9

    login_as(old.qa)
    page = client.get(f"/audits/{old.round.id}")
    assert "under the retention policy" in page.text
    assert "Agreement per question (kept figures)" in page.text

    result = runner.invoke(args=["data", "purge", "--older-than", "2"])
    assert "Purged 0 closed rounds" in result.output
    assert db.session.get(AuditCase, old_case.id) is not None


def test_purge_removes_what_live_concerns_say_and_keeps_the_escalation(runner, db):
    from app.audits.panel_models import LiveConcern
    from app.audits.queries import panel_report
    from app.utils import today

    setup = make_round(agencies=("police", "health"))
    concern = services.raise_concern(setup.round.cases[0], description="New adult in the home", actor=setup.qa)
    services.record_outcome(
        concern, owner="J Patel", escalated="yes", escalated_to="MASH", escalated_on=today(), outcome="Plan agreed"
    )
    services.close_concern(concern, actor=setup.qa)
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    services.start_moderation(setup.round, confirm_unsubmitted=True, actor=setup.qa)
    moderate(setup.round.cases[0], actor=setup.qa)
    services.close_round(setup.round, actor=setup.qa)
    setup.round.closed_at = utcnow() - timedelta(days=365 * 3)
    db.session.commit()
    assert runner.invoke(args=["data", "purge", "--older-than", "2"]).exit_code == 0
    concern = db.session.get(LiveConcern, concern.id)
    db.session.refresh(concern)
    assert concern.description is None
    assert concern.outcome == "Removed under the retention policy."
    assert concern.escalated_to == "MASH"
    assert panel_report(setup.round).escalated_cases == 1
