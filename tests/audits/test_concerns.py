"""Live concerns: an auditor or the panel raises "this child may be at risk now" on a case; QA and the lead agency's
organisation leads are emailed at once; staff record the owner and outcome and close it; a round cannot close while
one is open; who sees a concern follows the case's access rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.activity.models import ActivityEvent
from app.audits import queries, services
from app.audits.models import RoundState
from app.audits.panel_models import ConcernState, LiveConcern
from app.errors import DomainError, InvalidTransition, PermissionDenied
from app.notifications.models import OutboxMessage
from app.utils import today
from tests import factories
from tests.audits.factories import complete_answers, make_round, moderate, score

RISK = "Auditor read a police log from last week: the mother's new partner, a registered sex offender, now lives there."


def _outbox(db):
    return list(db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.recipient)).scalars())


def _in_moderation(setup):
    assignment = setup.assignment(0, "police")
    score(assignment, complete_answers(), actor=setup.auditors["police"])
    services.start_moderation(setup.round, confirm_unsubmitted=True, actor=setup.qa)


@pytest.fixture
def setup(db):
    setup = make_round(agencies=("police", "health", "council"), references=("CR-000101", "CR-000102"))
    # The council (children's social care) leads the children's cases by default; its lead is told.
    setup.council_lead = factories.make_user(roles=["org_lead"], organisation=setup.orgs["council"])
    setup.police_lead = factories.make_user(roles=["org_lead"], organisation=setup.orgs["police"])
    db.session.flush()
    return setup


# --- service --------------------------------------------------------------------------------------------------


def test_raising_a_concern_emails_qa_and_the_lead_agencys_leads_at_once(db, setup):
    other_qa = factories.make_user(roles=["qa"])
    case = setup.round.cases[0]
    concern = services.raise_concern(case, description=RISK, actor=setup.auditors["police"])
    assert concern.state == ConcernState.open
    assert concern.raised_by_id == setup.auditors["police"].id
    messages = _outbox(db)
    assert {m.recipient for m in messages} == {setup.qa.email, other_qa.email, setup.council_lead.email}
    for message in messages:
        assert "CR-000101" in message.subject
        assert f"/audits/concerns/{concern.id}" in message.body
        # Data about children: the reference and a link, never what the risk is.
        assert "partner" not in message.body and "offender" not in message.body
        assert setup.round.title not in message.body
    event = db.session.execute(sa.select(ActivityEvent).where(ActivityEvent.verb == "concern_raised")).scalar_one()
    assert "offender" not in event.summary


def test_the_case_can_name_another_lead_agency(db, setup):
    case = setup.round.cases[0]
    case.lead_organisation_id = setup.orgs["police"].id
    db.session.flush()
    assert queries.lead_agency(case) == setup.orgs["police"]
    services.raise_concern(case, description=RISK, actor=setup.qa)
    assert setup.police_lead.email in {m.recipient for m in _outbox(db)}
    assert setup.council_lead.email not in {m.recipient for m in _outbox(db)}


def test_only_those_who_may_see_the_case_raise_a_concern(db, setup):
    outsider = factories.make_user(roles=["auditor"])  # an auditor of an organisation not auditing the case
    with pytest.raises(PermissionDenied):
        services.raise_concern(setup.round.cases[0], description=RISK, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.council_lead)
    with pytest.raises(DomainError) as refused:
        services.raise_concern(setup.round.cases[0], description="  ", actor=setup.auditors["health"])
    assert refused.value.field == "description"
    assert _outbox(db) == []


def test_no_concern_is_raised_in_a_draft_round(db):
    setup = make_round(open_it=False)
    with pytest.raises(InvalidTransition):
        services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.qa)


def test_recording_the_outcome_and_closing(db, setup):
    concern = services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.auditors["police"])
    with pytest.raises(DomainError) as refused:
        services.close_concern(concern, actor=setup.qa)
    assert refused.value.field == "owner"
    with pytest.raises(DomainError) as refused:
        services.record_outcome(
            concern, owner="J Patel, MASH manager", escalated="yes", escalated_to="MASH", actor=setup.qa
        )
    assert refused.value.field == "escalated_on"
    with pytest.raises(DomainError) as refused:
        services.record_outcome(
            concern, owner="J Patel", escalated="yes", escalated_to="MASH", escalated_on=today() + timedelta(days=1)
        )
    assert refused.value.field == "escalated_on"
    services.record_outcome(concern, owner="J Patel, MASH manager", actor=setup.qa)
    with pytest.raises(DomainError) as refused:
        services.close_concern(concern, actor=setup.qa)
    assert refused.value.field == "outcome"
    services.record_outcome(
        concern,
        owner="J Patel, MASH manager",
        escalated="yes",
        escalated_to="Children's social care front door (MASH)",
        escalated_on=today(),
        outcome="Strategy discussion held the same day; safety plan in place.",
        actor=setup.qa,
    )
    services.close_concern(concern, actor=setup.qa)
    assert concern.state == ConcernState.closed and concern.closed_at is not None
    with pytest.raises(InvalidTransition):
        services.record_outcome(concern, owner="Someone else", actor=setup.qa)
    with pytest.raises(InvalidTransition):
        services.close_concern(concern, actor=setup.qa)


def test_a_round_cannot_close_while_a_concern_is_open(db, setup):
    concern = services.raise_concern(setup.round.cases[1], description=RISK, actor=setup.auditors["health"])
    _in_moderation(setup)
    for case in setup.round.cases:
        moderate(case, actor=setup.qa)
    with pytest.raises(DomainError) as refused:
        services.close_round(setup.round, actor=setup.qa)
    assert refused.value.field == "concerns"
    assert "CR-000102" in refused.value.message
    assert setup.round.state == RoundState.moderation
    services.record_outcome(concern, owner="QA chair", escalated="no", outcome="Already known; plan in place.")
    services.close_concern(concern, actor=setup.qa)
    services.close_round(setup.round, actor=setup.qa)
    assert setup.round.state == RoundState.closed


def test_the_round_report_counts_escalated_cases(db, setup):
    first = services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.qa)
    services.raise_concern(setup.round.cases[0], description="A second worry on the same case", actor=setup.qa)
    services.raise_concern(setup.round.cases[1], description="Not escalated in the end", actor=setup.qa)
    services.record_outcome(first, owner="J Patel", escalated="yes", escalated_to="MASH", escalated_on=date.today())
    report = queries.panel_report(setup.round)
    assert (report.cases, report.escalated_cases, report.concern_cases, report.open_concerns) == (2, 1, 2, 3)
    assert report.escalated_sentence == "1 of 2 cases was escalated as live concerns."


# --- access ---------------------------------------------------------------------------------------------------


def test_who_sees_a_concern_follows_the_case(db, setup):
    concern = services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.auditors["police"])
    other_org_auditor = factories.make_user(roles=["auditor"])
    other_org_lead = factories.make_user(roles=["org_lead"])
    assert queries.can_see_concern(setup.qa, concern)
    assert queries.can_see_concern(setup.auditors["health"], concern)
    assert queries.can_see_concern(setup.council_lead, concern)  # told of it, as the lead agency
    assert not queries.can_see_concern(setup.police_lead, concern)
    assert not queries.can_see_concern(other_org_auditor, concern)
    assert not queries.can_see_concern(other_org_lead, concern)


# --- HTTP -----------------------------------------------------------------------------------------------------


def test_auditor_raises_a_concern_from_their_task_list(client, login_as, db, setup):
    auditor = setup.auditors["police"]
    assignment = setup.assignment(0, "police")
    login_as(auditor)
    page = client.get(f"/audits/tasks/{assignment.id}")
    assert "Raise a live concern" in page.text
    url = f"/audits/cases/{assignment.case_id}/concerns/new"
    page = client.post(url, data={"description": ""})
    assert page.status_code == 200
    assert "There is a problem" in page.text and "Enter what the risk to the child is" in page.text
    response = client.post(url, data={"description": RISK})
    assert response.status_code == 302
    concern = db.session.execute(sa.select(LiveConcern)).scalar_one()
    assert response.headers["Location"].endswith(f"/audits/concerns/{concern.id}")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert RISK.replace("'", "&#39;") in page.text
    assert "Record owner and outcome" not in page.text  # staff record it
    assert len(_outbox(db)) == 2


def test_another_organisations_auditor_cannot_see_or_raise(client, login_as, db, setup):
    concern = services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.qa)
    db.session.commit()
    login_as("auditor")
    assert client.get(f"/audits/concerns/{concern.id}").status_code == 404
    assert client.get(f"/audits/cases/{concern.case_id}/concerns/new").status_code == 403
    assert client.post(f"/audits/cases/{concern.case_id}/concerns/new", data={"description": RISK}).status_code == 403
    assert db.session.execute(sa.select(sa.func.count()).select_from(LiveConcern)).scalar_one() == 1


def test_lead_agency_lead_follows_the_email_link(client, login_as, db, setup):
    concern = services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.qa)
    db.session.commit()
    login_as(setup.council_lead)
    page = client.get(f"/audits/concerns/{concern.id}")
    assert page.status_code == 200 and "CR-000101" in page.text
    assert client.get(f"/audits/concerns/{concern.id}/outcome").status_code == 403
    login_as(setup.police_lead)
    assert client.get(f"/audits/concerns/{concern.id}").status_code == 404


def test_qa_records_the_outcome_closes_and_the_round_closes(client, login_as, db, setup):
    concern = services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.auditors["police"])
    _in_moderation(setup)
    db.session.commit()
    login_as(setup.qa)
    page = client.post(f"/audits/{setup.round.id}/close", data={})
    assert "Close the live concern on case CR-000101 before closing the round" in page.text
    page = client.post(
        f"/audits/concerns/{concern.id}/outcome",
        data={"owner": "J Patel", "escalated": "yes", "escalated_to": "MASH", "outcome": "Safety plan agreed"},
    )
    assert page.status_code == 200 and "Enter the date the concern was escalated" in page.text
    assert 'value="J Patel"' in page.text  # nothing typed is lost
    day = today()
    response = client.post(
        f"/audits/concerns/{concern.id}/outcome",
        data=MultiDict(
            [
                ("owner", "J Patel, MASH manager"),
                ("escalated", "yes"),
                ("escalated_to", "Children's social care front door (MASH)"),
                ("escalated_on", str(day.day)),
                ("escalated_on", str(day.month)),
                ("escalated_on", str(day.year)),
                ("outcome", "Safety plan agreed the same day."),
            ]
        ),
    )
    assert response.status_code == 302
    page = client.get(f"/audits/concerns/{concern.id}/close")
    assert "cannot be reopened" in page.text
    assert client.post(f"/audits/concerns/{concern.id}/close", data={}).status_code == 302
    db.session.refresh(concern)
    assert concern.state == ConcernState.closed
    page = client.get(f"/audits/{setup.round.id}")
    assert "1 of 2 cases was escalated as live concerns." in page.text
    for case in setup.round.cases:
        moderate(case, actor=setup.qa)
    db.session.commit()
    assert client.post(f"/audits/{setup.round.id}/close", data={}).status_code == 302


def test_qa_names_the_lead_agency_whose_leads_are_told(client, login_as, db, setup):
    case = setup.round.cases[0]
    login_as(setup.qa)
    page = client.get(f"/audits/cases/{case.id}")
    assert f"Lead agency: {setup.orgs['council'].name}" in page.text
    assert client.get(f"/audits/cases/{case.id}/lead-agency").status_code == 200
    outsider = factories.make_org()
    db.session.commit()
    page = client.post(f"/audits/cases/{case.id}/lead-agency", data={"organisation_id": str(outsider.id)})
    assert page.status_code == 200 and "Select one of the round’s participating organisations" in page.text
    response = client.post(
        f"/audits/cases/{case.id}/lead-agency", data={"organisation_id": str(setup.orgs["police"].id)}
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert queries.lead_agency(case) == setup.orgs["police"]
    services.raise_concern(case, description=RISK, actor=setup.qa)
    assert setup.police_lead.email in {m.recipient for m in _outbox(db)}
    client.post(f"/audits/cases/{case.id}/lead-agency", data={"organisation_id": ""})
    db.session.refresh(case)
    assert case.lead_organisation_id is None


def test_the_partnership_setting_adds_addresses_told_of_every_concern(db, setup):
    from app.accounts.settings import save_settings
    from app.audits.services.concerns import LIVE_CONCERN_EMAILS

    save_settings({LIVE_CONCERN_EMAILS: f"safeguarding@riverside.example\n{setup.qa.email}"})
    services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.qa)
    recipients = [m.recipient for m in _outbox(db)]
    assert "safeguarding@riverside.example" in recipients
    assert recipients.count(setup.qa.email) == 1


def test_open_concerns_head_the_dashboard_of_those_who_may_see_them(client, login_as, db, setup):
    services.raise_concern(setup.round.cases[0], description=RISK, actor=setup.auditors["police"])
    db.session.commit()
    for user, shown in ((setup.qa, True), (setup.council_lead, True), (setup.police_lead, False)):
        login_as(user)
        page = client.get("/tasks")
        assert page.status_code == 200
        assert ("Live concern on case CR-000101" in page.text) is shown, user.email
