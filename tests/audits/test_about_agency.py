"""Case-audit questions about each agency's own work: each agency's answer stands unless the panel changes it for
that agency, so they are neither moderated into one answer nor counted in the agreement between agencies; questions
about the case still are."""

from __future__ import annotations

import re

from app.audits import agreement, services
from app.questionnaire import load_files
from tests.audits.factories import make_round, moderate, score
from tests.audits.test_agreement import _figure
from tests.audits.test_moderation import _block
from tests.questionnaire.helpers import FIXTURES

AGENCY_AUDIT = FIXTURES / "agency-audit.yaml"


def _answers(report, plan):
    return {"report_on_time": {"value": report}, "plan_clear": {"value": plan}}


def _round(db):
    load_files([AGENCY_AUDIT])
    setup = make_round(key="fixture-agency-audit", agencies=("police", "health"), references=("CR-000101", "CR-000102"))
    # The agencies differ on their own report every time; on the case they agree once and differ once.
    for case_index, (police_plan, health_plan) in enumerate((("yes", "yes"), ("yes", "no"))):
        score(setup.assignment(case_index, "police"), _answers("yes", police_plan), actor=setup.auditors["police"])
        score(setup.assignment(case_index, "health"), _answers("no", health_plan), actor=setup.auditors["health"])
    services.start_moderation(setup.round, actor=setup.qa)
    db.session.commit()
    return setup


def test_agency_questions_are_shown_per_agency_and_not_flagged_as_disagreements(client, login_as, db):
    setup = _round(db)
    login_as(setup.qa)
    page = client.get(f"/audits/cases/{setup.round.cases[0].id}/moderate").text
    report = _block(page, "report_on_time")
    assert "Per agency" in report and "each agency’s answer stands" in report
    assert "Disagreement" not in report and "app-disagreement" not in report
    assert setup.orgs["police"].name in report and setup.orgs["health"].name in report
    assert re.search(r"<strong>Yes</strong>", report) and re.search(r"<strong>No</strong>", report)
    assert 'name="rating__report_on_time"' not in report
    assert 'name="rating__plan_clear"' in _block(page, "plan_clear")

    queue = client.get(f"/audits/{setup.round.id}/disagreements").text
    assert "Was the child protection plan clear?" in queue
    assert "Did your agency provide its report on time?" not in queue


def test_agreement_and_moderation_cover_only_questions_about_the_case(client, login_as, db):
    setup = _round(db)
    for case in setup.round.cases:
        moderate(case, actor=setup.qa, rating="yes")
    db.session.commit()
    login_as(setup.qa)
    page = client.get(f"/audits/{setup.round.id}").text
    # plan_clear: case 1 both 2 (yes), case 2 police 2, health 0 → 1 agreeing pair of 2.
    expected = agreement.agreement({1: {"p": 2, "h": 2}, 2: {"p": 2, "h": 0}})
    assert _figure(page, "round-percent") == "50.0%"
    assert _figure(page, "round-alpha") == f"{expected.alpha:.3f}"
    assert 'data-figure="report_on_time-percent"' not in page
    # Drift: health differed from the agreed "yes" on the case question once in two; its own reports stand as the
    # answers agreed for it, so they count as agreeing: 1 of 4.
    assert _figure(page, f"drift-{setup.orgs['health'].slug}") == "25.0%"
    assert _figure(page, f"drift-{setup.orgs['police'].slug}") == "0.0%"
