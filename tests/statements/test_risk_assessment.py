"""The risk assessment: risks of harm (not health and safety), each further action tracked."""

from __future__ import annotations

from datetime import date, timedelta

from app.actions.models import ActionStatus
from app.actions.queries import actions_for
from app.statements.models import Risk
from app.statements.queries import risk_assessment_for
from tests.statements.factories import add_risk, make_people

REVIEW = date.today() + timedelta(days=60)


def _risk_form(**overrides):
    data = {
        "description": "Harm during overnight residential trips",
        "where_when": "Dormitories on the Year 6 residential trip",
        "measures_in_place": "Separate staff and pupil rooms; two staff on every corridor",
        "further_action": "Brief all trip staff on the code of conduct",
        "owner": "Head of Year 6",
        "review_date": [str(REVIEW.day), str(REVIEW.month), str(REVIEW.year)],
    }
    data.update(overrides)
    return data


def test_page_explains_risk_of_harm_not_health_and_safety(client, login_as, db):
    people = make_people()
    login_as(people.lead)
    html = client.get("/statements/manage/risk-assessment").get_data(as_text=True)
    assert "not general health and safety" in html
    assert "Not started" in html and "Add a risk" in html and "We identified no risks" in html


def test_adding_a_risk_records_it_and_tracks_its_further_action(client, login_as, db):
    people = make_people()
    login_as(people.lead)
    response = client.post("/statements/manage/risk-assessment/risks/new", data=_risk_form())
    assert response.status_code == 302
    assessment = risk_assessment_for(people.org.id)
    (risk,) = assessment.current_risks
    assert risk.review_date == REVIEW and risk.owner == "Head of Year 6"
    assert assessment.is_complete and assessment.completed_at is not None
    (action,) = actions_for(risk_ids=[risk.id])
    assert action.description == "Brief all trip staff on the code of conduct"
    assert action.owner_organisation_id == people.org.id and action.due_date == REVIEW
    html = client.get("/statements/manage/risk-assessment").get_data(as_text=True)
    assert "Harm during overnight residential trips" in html and "Completed" in html
    assert "Tracked action" in html


def test_a_risk_without_further_action_raises_no_action(client, login_as, db):
    people = make_people()
    login_as(people.lead)
    client.post("/statements/manage/risk-assessment/risks/new", data=_risk_form(further_action=""))
    (risk,) = risk_assessment_for(people.org.id).current_risks
    assert risk.further_action is None
    assert actions_for(risk_ids=[risk.id]) == []


def test_missing_and_malformed_answers_are_explained(client, login_as, db):
    people = make_people()
    login_as(people.lead)
    response = client.post(
        "/statements/manage/risk-assessment/risks/new",
        data=_risk_form(description="", owner="", review_date=["31", "2", "2027"]),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Describe the risk of harm to children" in html
    assert "Enter who owns this risk" in html
    assert "Review date must be a real date" in html
    assert "Dormitories on the Year 6 residential trip" in html  # what was typed is kept
    response = client.post("/statements/manage/risk-assessment/risks/new", data=_risk_form(review_date=["", "", ""]))
    assert "Enter the date this risk will next be reviewed" in response.get_data(as_text=True)
    response = client.post(
        "/statements/manage/risk-assessment/risks/new", data=_risk_form(review_date=["12", "", "2027"])
    )
    assert "Review date must include a month" in response.get_data(as_text=True)
    assert risk_assessment_for(people.org.id) is None


def test_changing_the_further_action_replaces_the_tracked_action(client, login_as, db):
    people = make_people()
    risk = add_risk(people)
    db.session.commit()
    login_as(people.lead)
    page = client.get(f"/statements/manage/risk-assessment/risks/{risk.id}").get_data(as_text=True)
    assert "Install a vision panel in room 4" in page
    client.post(
        f"/statements/manage/risk-assessment/risks/{risk.id}",
        data=_risk_form(further_action="Move tuition to the library"),
    )
    actions = actions_for(risk_ids=[risk.id])
    assert sorted((a.description, a.status) for a in actions) == [
        ("Install a vision panel in room 4", ActionStatus.cancelled),
        ("Move tuition to the library", ActionStatus.not_started),
    ]


def test_removing_a_risk_keeps_it_and_cancels_its_action(client, login_as, db):
    people = make_people()
    risk = add_risk(people)
    db.session.commit()
    login_as(people.lead)
    assert "Are you sure" in client.get(f"/statements/manage/risk-assessment/risks/{risk.id}/remove").get_data(
        as_text=True
    )
    client.post(f"/statements/manage/risk-assessment/risks/{risk.id}/remove")
    assessment = risk_assessment_for(people.org.id)
    assert assessment.current_risks == [] and not assessment.is_complete and assessment.completed_at is None
    assert db.session.get(Risk, risk.id).removed_at is not None
    (action,) = actions_for(risk_ids=[risk.id])
    assert action.status == ActionStatus.cancelled
    assert client.get(f"/statements/manage/risk-assessment/risks/{risk.id}").status_code == 404


def test_no_risks_needs_a_reason_and_no_listed_risks(client, login_as, db):
    people = make_people()
    login_as(people.lead)
    response = client.post("/statements/manage/risk-assessment/no-risks", data={"justification": "  "})
    assert "Explain why no risks of harm to children were identified" in response.get_data(as_text=True)
    client.post(
        "/statements/manage/risk-assessment/no-risks",
        data={"justification": "Children only attend with their parents, who stay with them."},
    )
    assessment = risk_assessment_for(people.org.id)
    assert assessment.no_risks_identified and assessment.is_complete

    client.post("/statements/manage/risk-assessment/risks/new", data=_risk_form())
    db.session.refresh(assessment)
    assert not assessment.no_risks_identified and assessment.no_risks_justification is None
    response = client.post("/statements/manage/risk-assessment/no-risks", data={"justification": "None"})
    assert "Remove them before recording that no risks were identified" in response.get_data(as_text=True)


def test_another_organisations_risk_is_out_of_reach(client, login_as, db):
    people = make_people()
    risk = add_risk(people)
    other = make_people()
    db.session.commit()
    login_as(other.lead)
    assert client.get(f"/statements/manage/risk-assessment/risks/{risk.id}").status_code == 403
    assert client.post(f"/statements/manage/risk-assessment/risks/{risk.id}/remove").status_code == 403
    assert db.session.get(Risk, risk.id).removed_at is None


def test_a_date_posted_with_parts_missing_is_explained_not_an_error_page(client, login_as, db):
    people = make_people()
    login_as(people.lead)
    for parts in (["12"], [], ["12", "3"]):
        response = client.post("/statements/manage/risk-assessment/risks/new", data=_risk_form(review_date=parts))
        assert response.status_code == 200, parts
        assert "There is a problem" in response.get_data(as_text=True)
    assert risk_assessment_for(people.org.id) is None
