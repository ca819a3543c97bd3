"""Audit rounds: creation from a case audit instrument and the guarded lifecycle draft → open → moderation → closed."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.activity.models import ActivityEvent
from app.audits import services
from app.audits.models import AuditRound, RoundState
from app.extensions import db as _db
from app.questionnaire import latest_version
from app.utils import today
from tests import factories
from tests.audits.factories import complete_answers, make_round, moderate, score


def _date(name: str, day):
    return [(name, str(day.day)), (name, str(day.month)), (name, str(day.year))]


def _round_form(orgs, **overrides) -> MultiDict:
    due = today() + timedelta(days=30)
    fields = [
        ("title", "Strategy discussions – spring 2026"),
        ("instrument_version_id", str(latest_version("strategy-discussion").id)),
        ("area", "North"),
        ("auditor_mode", "self_audit"),
    ]
    fields += _date("period_start", today() - timedelta(days=90)) + _date("period_end", today() - timedelta(days=1))
    fields += _date("due_date", due)
    fields += [("organisation_ids", str(o.id)) for o in orgs]
    data = MultiDict(fields)
    for key, value in overrides.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def _events(obj, verb):
    return list(
        _db.session.execute(
            sa.select(ActivityEvent).where(
                ActivityEvent.object_type == obj.__tablename__,
                ActivityEvent.object_id == obj.id,
                ActivityEvent.verb == verb,
            )
        ).scalars()
    )


def test_qa_creates_a_round_from_a_case_audit_instrument(client, login_as, make, db):
    police, health = make.make_org(org_type="police"), make.make_org(org_type="health_trust")
    qa = login_as("qa")
    page = client.get("/audits/new")
    assert page.status_code == 200
    assert f"Quality of strategy discussions (version {latest_version('strategy-discussion').version})" in page.text
    assert "Quality of referrals" in page.text
    for kind_key in ("self-assessment", "practitioner-survey", "child-safeguarding-statement"):
        other = latest_version(kind_key)
        offered = re.findall(r'name="instrument_version_id" type="radio" value="(\d+)"', page.text)
        assert offered and (other is None or str(other.id) not in offered)  # only case audit criteria

    response = client.post("/audits/new", data=_round_form([police, health]))
    assert response.status_code == 302
    audit_round = db.session.execute(sa.select(AuditRound)).scalar_one()
    assert audit_round.state == RoundState.draft
    assert {o.id for o in audit_round.organisations} == {police.id, health.id}
    assert audit_round.created_by_id == qa.id
    assert _events(audit_round, "created")

    page = client.get(response.headers["Location"])
    assert "Strategy discussions – spring 2026" in page.text
    assert "Open the round" in page.text


def test_round_form_reports_every_problem_and_keeps_input(client, login_as, make, db):
    org = make.make_org(org_type="police")
    login_as("qa")
    data = _round_form([org], title="", period_end=["1", "1", "2020"])
    data.setlist("due_date", ["31", "2", "2027"])
    page = client.post("/audits/new", data=data)
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert "Enter a title" in page.text
    assert "Due date must be a real date" in page.text
    assert 'value="North"' in page.text
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditRound)).scalar_one() == 0

    page = client.post("/audits/new", data=_round_form([org], period_end=["1", "1", "2020"]))
    assert "The end of the audit period must be the same as or after its start" in page.text


def test_a_round_needs_a_case_audit_instrument(client, login_as, make, db):
    org = make.make_org(org_type="police")
    login_as("qa")
    other = latest_version("self-assessment") or latest_version("practitioner-survey")
    page = client.post("/audits/new", data=_round_form([org], instrument_version_id=str(other.id)))
    assert page.status_code == 200
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditRound)).scalar_one() == 0


def test_cannot_open_without_cases(client, login_as, db):
    setup = make_round(references=(), open_it=False)
    login_as(setup.qa)
    page = client.post(f"/audits/{setup.round.id}/open", data={})
    assert page.status_code == 200
    assert "Add at least one case before opening the round." in page.text
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.draft


def test_cannot_open_with_a_case_nobody_audits(client, login_as, db):
    setup = make_round(references=("CR-000101", "CR-000102"), open_it=False)
    setup.round.cases[1].assignments.clear()
    db.session.commit()
    login_as(setup.qa)
    page = client.post(f"/audits/{setup.round.id}/open", data={})
    assert "No organisation audits: CR-000102." in page.text
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.draft


def test_external_auditor_rounds_need_a_named_auditor_for_every_assignment(client, login_as, db):
    setup = make_round(agencies=("police",), open_it=False, mode="external")
    login_as(setup.qa)
    page = client.post(f"/audits/{setup.round.id}/open", data={})
    assert "name an auditor for every assignment" in page.text
    case = setup.round.cases[0]
    services.set_assignments(case, auditors={setup.orgs["police"].id: setup.auditors["police"].id})
    db.session.commit()
    response = client.post(f"/audits/{setup.round.id}/open", data={})
    assert response.status_code == 302
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.open
    assert case.assignments[0].response is not None


def test_opening_creates_a_response_per_assignment_and_is_logged(client, login_as, db):
    setup = make_round(references=("CR-000101", "CR-000102"), open_it=False)
    login_as(setup.qa)
    page = client.get(f"/audits/{setup.round.id}/open")
    assert "Auditors of each assigned organisation will see their cases" in page.text
    assert client.post(f"/audits/{setup.round.id}/open", data={}).status_code == 302
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.open and setup.round.opened_at is not None
    assert all(a.response is not None for c in setup.round.cases for a in c.assignments)
    assert _events(setup.round, "opened")


def test_transitions_out_of_order_are_refused_with_nothing_changed(client, login_as, db):
    setup = make_round(open_it=False)
    login_as(setup.qa)
    page = client.post(f"/audits/{setup.round.id}/moderation", data={"confirm": "y"})
    assert page.status_code == 200
    assert "Cannot change from “draft” to “moderation”." in page.text
    page = client.post(f"/audits/{setup.round.id}/close", data={})
    assert "Cannot change from “draft” to “closed”." in page.text
    page = client.post(f"/audits/{setup.round.id}/reopen", data={})
    assert "Only a round in moderation can be reopened." in page.text
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.draft
    assert client.get(f"/audits/{setup.round.id}/bogus").status_code == 404


def test_moderation_needs_a_submitted_audit_and_confirmation_when_some_are_missing(client, login_as, db):
    setup = make_round(agencies=("police", "health"))
    login_as(setup.qa)
    page = client.post(f"/audits/{setup.round.id}/moderation", data={"confirm": "y"})
    assert "No agency has submitted a response yet" in page.text

    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    db.session.commit()
    page = client.get(f"/audits/{setup.round.id}/moderation")
    assert "1 audit has not been submitted" in page.text
    page = client.post(f"/audits/{setup.round.id}/moderation", data={})
    assert "Confirm that you want to start moderation although 1 response has not been submitted" in page.text
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.open

    assert client.post(f"/audits/{setup.round.id}/moderation", data={"confirm": "y"}).status_code == 302
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.moderation
    assert _events(setup.round, "moderation_started")

    assert client.post(f"/audits/{setup.round.id}/reopen", data={}).status_code == 302
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.open


def test_closing_needs_each_unmoderated_case_marked_not_moderated_with_a_reason(client, login_as, db):
    setup = make_round(agencies=("police",), references=("CR-000101", "CR-000102"))
    for index in (0, 1):
        score(setup.assignment(index, "police"), complete_answers(), actor=setup.auditors["police"])
    services.start_moderation(setup.round, actor=setup.qa)
    moderate(setup.round.cases[0], actor=setup.qa)
    db.session.commit()
    login_as(setup.qa)
    second = setup.round.cases[1]

    page = client.get(f"/audits/{setup.round.id}/close")
    assert "Why was case CR-000102 not moderated?" in page.text
    assert "CR-000101 not moderated" not in page.text
    page = client.post(f"/audits/{setup.round.id}/close", data={f"reason_{second.id}": "  "})
    assert page.status_code == 200
    assert "Moderate case CR-000102 or give a reason why it was not moderated" in page.text
    assert f'href="#reason_{second.id}"' in page.text
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.moderation

    reason = "The agency withdrew its audit after a data breach review."
    assert client.post(f"/audits/{setup.round.id}/close", data={f"reason_{second.id}": reason}).status_code == 302
    db.session.refresh(setup.round)
    assert setup.round.state == RoundState.closed and setup.round.closed_at is not None
    assert second.not_moderated_reason == reason
    assert "not moderated: CR-000102" in _events(setup.round, "closed")[0].summary
    page = client.get(f"/audits/{setup.round.id}")
    assert "Not moderated" in page.text
    assert "Change round details" not in page.text


def test_details_change_while_open_but_criteria_and_agencies_stay_fixed(client, login_as, db):
    setup = make_round()
    login_as(setup.qa)
    page = client.get(f"/audits/{setup.round.id}/edit")
    assert "can no longer change" in page.text
    assert 'name="organisation_ids"' not in page.text
    data = _round_form([], title="Renamed round")
    data.setlist("due_date", ["1", "2", "2027"])
    assert client.post(f"/audits/{setup.round.id}/edit", data=data).status_code == 302
    db.session.refresh(setup.round)
    assert setup.round.title == "Renamed round"
    assert setup.round.due_date.isoformat() == "2027-02-01"
    assert len(setup.round.organisations) == 3


def test_changing_agencies_in_a_draft_updates_every_case(db):
    setup = make_round(agencies=("police", "health"), references=("CR-000101", "CR-000102"), open_it=False)
    council = factories.make_org(org_type="local_authority")
    r = setup.round
    services.update_round(
        r,
        title=r.title,
        area=r.area,
        period_start=r.period_start,
        period_end=r.period_end,
        due_date=r.due_date,
        organisation_ids=[setup.orgs["police"].id, council.id],
    )
    for case in r.cases:
        assert {a.organisation_id for a in case.assignments} == {setup.orgs["police"].id, council.id}


def test_rounds_page_lists_rounds_with_progress(client, login_as, db):
    setup = make_round(agencies=("police", "health"), references=("CR-000101", "CR-000102"))
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    db.session.commit()
    login_as(setup.qa)
    page = client.get("/audits/")
    assert "Strategy discussions – test round" in page.text
    assert "1 of 4" in page.text
    assert "Open" in page.text
    page = client.get("/tasks")
    assert "Audit rounds in progress" in page.text
    assert "1 of 4 audits submitted, 0 of 2 cases moderated" in page.text
