"""A "not applicable" answer that needs a reason: the auditor must say why before it is saved."""

from __future__ import annotations

import re

from app.audits.queries import answers_of, instrument_of
from app.questionnaire import load_files
from tests.audits.factories import make_round, section_post
from tests.questionnaire.helpers import FIXTURES

AGENCY_AUDIT = FIXTURES / "agency-audit.yaml"


def _post(client, assignment, answers, action="continue"):
    url = f"/audits/tasks/{assignment.id}/sections/conference"
    lock = re.search(r'name="lock_version" value="(\d+)"', client.get(url).text).group(1)
    return client.post(
        url,
        data=section_post(
            instrument_of(assignment.case.round), "conference", answers, lock_version=lock, action=action
        ),
    )


def test_not_applicable_needs_a_reason_in_the_comment_box(client, login_as, db):
    load_files([AGENCY_AUDIT])
    setup = make_round(key="fixture-agency-audit", agencies=("police", "health"))
    assignment = setup.assignment(0, "police")
    login_as(setup.auditors["police"])

    page = client.get(f"/audits/tasks/{assignment.id}/sections/conference").text
    assert 'name="report_on_time__comment"' in page
    assert "Why is this not applicable?" in page

    response = _post(client, assignment, {"report_on_time": {"value": "na"}, "plan_clear": {"value": "yes"}})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Give the reason why “Did your agency provide its report on time?” is not applicable" in response.text
    assert 'href="#report_on_time__comment"' in response.text

    reason = "Police were not invited to this conference."
    response = _post(
        client, assignment, {"report_on_time": {"value": "na", "comment": reason}, "plan_clear": {"value": "yes"}}
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    stored = answers_of(assignment.response)
    assert stored["report_on_time"]["value"] == "na" and stored["report_on_time"]["comment"] == reason


def test_an_answer_that_meets_the_standard_needs_no_reason(client, login_as, db):
    load_files([AGENCY_AUDIT])
    setup = make_round(key="fixture-agency-audit", agencies=("police",))
    assignment = setup.assignment(0, "police")
    login_as(setup.auditors["police"])
    response = _post(
        client, assignment, {"report_on_time": {"value": "yes"}, "plan_clear": {"value": "no"}}, action="continue"
    )
    assert response.status_code == 302, response.text
