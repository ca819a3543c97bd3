"""`flask demo load` shows the partly band with strengths proposed in round 1, a child followed across rounds, and
criteria re-tested in the summer re-audit: one embedded, one not yet."""

from __future__ import annotations

import sqlalchemy as sa

from app.actions.models import ActionItem
from app.audits.models import AuditCase, AuditRound
from app.findings.figures import round_figures
from tests.findings.test_round_findings import text_of


def _round(db, title_start):
    return db.session.execute(sa.select(AuditRound).where(AuditRound.title.startswith(title_start))).scalar_one()


def test_demo_shows_partly_band_longitudinal_link_and_retested_learning(runner, db, client, login_as):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    spring, summer = _round(db, "Strategy discussions"), _round(db, "Re-audit: strategy discussions")

    figures = round_figures(spring)
    assert figures["summary"]["partly"] > 0 and figures["summary"]["partial_weight"] == 0.5
    assert figures["proposals"]["strengths"], "the panel graded most cases Good or better: strengths are proposed"
    assert {"multi_agency_engagement", "voice_of_child"} <= {p["theme"] for p in figures["proposals"]["improvements"]}

    followed = db.session.execute(
        sa.select(AuditCase).where(AuditCase.round_id == summer.id, AuditCase.previous_case_id.is_not(None))
    ).scalar_one()
    assert followed.previous_case.round_id == spring.id and followed.previous_case.reference == followed.reference

    login_as("qa")
    assert "Agreed grade" in text_of(client.get(f"/audits/cases/{followed.id}"))
    actions = db.session.execute(
        sa.select(ActionItem).where(ActionItem.retest_question_key.is_not(None)).order_by(ActionItem.id)
    ).scalars()
    pages = {a.retest_question_key: text_of(client.get(f"/findings/actions/{a.id}")) for a in actions}
    assert "Learning embedded: yes" in pages["right_agencies_involved"]
    assert "Learning embedded: not yet" in pages["child_lived_experience_and_voice"]
    later = text_of(client.get(f"/findings/rounds/{summer.id}"))
    assert "Criteria re-tested in this round" in later and " Yes " in later and " Not yet " in later
