"""QA challenge, return to the organisation and acceptance; both RAGs kept and reported."""

from __future__ import annotations

import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.selfassessment import queries
from app.selfassessment.models import Challenge, Return, ReturnAnswer, ReturnState
from tests.selfassessment.factories import complete_return, instrument_for, make_campaign, return_for, section_form


def _submitted(make, db):
    org = make.make_org(org_type="school", name="Rowan School")
    lead = make.make_user(roles=["org_lead"], organisation=org)
    campaign = make_campaign()
    ret = complete_return(return_for(campaign, org), submit=True, actor=lead)
    return org, lead, campaign, ret


def test_challenge_then_accept(client, make, login_as, db):
    org, lead, campaign, ret = _submitted(make, db)
    login_as("qa")
    key = instrument_for(ret).sections[0].questions[0].key
    page = client.get(f"/self-assessment/returns/{ret.id}/review").get_data(as_text=True)
    assert "Review the self-assessment of Rowan School" in page and "Accept this return" in page

    url = f"/self-assessment/returns/{ret.id}/criteria/{key}/challenge"
    assert client.get(url).status_code == 200
    page = client.post(url, data={"comment": ""}).get_data(as_text=True)
    assert "Select the moderated rating" in page and "Enter the reason for the challenge" in page
    response = client.post(url, data={"moderated_rag": "amber", "comment": "No evidence of board minutes."})
    assert response.status_code == 302
    challenge = db.session.execute(sa.select(Challenge)).scalar_one()
    answer = db.session.get(ReturnAnswer, challenge.return_answer_id)
    assert answer.rag == "green" and challenge.moderated_rag == "amber"

    counts = queries.rag_by_criterion(campaign.id)[key]
    assert counts["self"] == {"green": 1} and counts["moderated"] == {"amber": 1}
    page = client.get(f"/self-assessment/returns/{ret.id}/review").get_data(as_text=True)
    assert "No evidence of board minutes." in page and "Change challenge" in page

    confirm = client.get(f"/self-assessment/returns/{ret.id}/accept").get_data(as_text=True)
    assert "Are you sure you want to accept the self-assessment of Rowan School?" in confirm
    assert "1 challenge has not been settled" in confirm
    unconfirmed = client.post(f"/self-assessment/returns/{ret.id}/accept")  # a stale button or a script
    assert unconfirmed.status_code == 200 and "Are you sure" in unconfirmed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Return, ret.id).state == ReturnState.submitted
    assert client.post(f"/self-assessment/returns/{ret.id}/accept", data={"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Return, ret.id).state == ReturnState.accepted
    verbs = set(
        db.session.execute(
            sa.select(ActivityEvent.verb).where(
                ActivityEvent.object_type == "sa_return", ActivityEvent.object_id == ret.id
            )
        ).scalars()
    )
    assert {"submitted", "challenged", "accepted"} <= verbs

    # the organisation sees the challenge next to its own rating
    login_as(lead)
    page = client.get(f"/self-assessment/returns/{ret.id}/check").get_data(as_text=True)
    assert "Challenged by the partnership" in page and "No evidence of board minutes." in page


def submit_with_signoff_of(ret):
    from app.extensions import db
    from app.selfassessment import services
    from tests.factories import PASSWORD
    from tests.selfassessment.factories import signatory_of

    for capacity in ret.missing_capacities:
        services.sign_off_return(ret, signatory_of(ret.organisation, capacity), password=PASSWORD)
    db.session.commit()


def test_return_to_organisation_with_reasons(client, make, login_as, db):
    org, lead, campaign, ret = _submitted(make, db)
    login_as("admin")
    url = f"/self-assessment/returns/{ret.id}/return-to-organisation"
    page = client.post(url, data={"reason": "  "}).get_data(as_text=True)
    assert "Enter the reasons for returning it to the organisation" in page
    response = client.post(url, data={"reason": "Add evidence of safer recruitment checks."})
    assert response.status_code == 302
    db.session.expire_all()
    ret = db.session.get(Return, ret.id)
    assert ret.state == ReturnState.returned and ret.submitted_at is None
    assert ret.returned_reason == "Add evidence of safer recruitment checks."

    login_as(lead)
    page = client.get(f"/self-assessment/returns/{ret.id}").get_data(as_text=True)
    assert "Returned by the partnership" in page and "Add evidence of safer recruitment checks." in page
    section = instrument_for(ret).sections[0]
    data = section_form(ret, section, evidence="Single central record checked on 3 March.")
    assert client.post(f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data).status_code == 302
    db.session.expire_all()
    response = client.post(
        f"/self-assessment/returns/{ret.id}/check",
        data={"confirmed": "y", "declaration_name": "Rowan Lead", "lock_version": str(ret.lock_version)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    ret = db.session.get(Return, ret.id)
    assert ret.state == ReturnState.awaiting_signoff and not ret.signoffs  # the earlier sign-offs count no more
    submit_with_signoff_of(ret)
    assert db.session.get(Return, ret.id).state == ReturnState.submitted


def test_cannot_accept_a_return_that_was_not_submitted(client, make, login_as, db):
    org = make.make_org(org_type="school", name="Unfinished School")
    ret = return_for(make_campaign(), org)
    login_as("qa")
    response = client.post(f"/self-assessment/returns/{ret.id}/accept", data={"confirm": "yes"}, follow_redirects=True)
    assert "Cannot change from “not started” to “accepted”" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Return, ret.id).state == ReturnState.not_started


def test_org_leads_cannot_review(client, make, login_as, db):
    org, lead, campaign, ret = _submitted(make, db)
    login_as(lead)
    key = instrument_for(ret).sections[0].questions[0].key
    assert client.get(f"/self-assessment/returns/{ret.id}/review").status_code == 403
    assert (
        client.post(
            f"/self-assessment/returns/{ret.id}/criteria/{key}/challenge", data={"moderated_rag": "red", "comment": "x"}
        ).status_code
        == 403
    )
    assert client.post(f"/self-assessment/returns/{ret.id}/accept", data={"confirm": "yes"}).status_code == 403
    assert client.get(f"/self-assessment/returns/{ret.id}/accept").status_code == 403


def test_user_text_is_escaped_everywhere_it_is_shown(client, make, login_as, db):
    payload = '<script>alert("x")</script>'
    org = make.make_org(org_type="school", name="Escape <b>School</b>")
    lead = make.make_user(roles=["org_lead"], organisation=org)
    campaign = make_campaign()
    ret = return_for(campaign, org)
    section = instrument_for(ret).sections[0]
    from tests.selfassessment.factories import complete_return as complete

    complete(ret, submit=True, actor=lead)
    from app.selfassessment import services

    key = section.questions[0].key
    services.challenge_answer(ret, key, moderated_rag="red", comment=payload)
    services.return_to_organisation(ret, reason=payload)
    db.session.commit()
    login_as(lead)
    data = section_form(ret, section, command="later", evidence=payload)
    assert client.post(f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data).status_code == 302
    pages = [
        client.get(f"/self-assessment/returns/{ret.id}{suffix}").get_data(as_text=True)
        for suffix in ("", f"/sections/{section.key}", "/check")
    ]
    login_as("qa")
    pages += [
        client.get(url).get_data(as_text=True)
        for url in (f"/self-assessment/returns/{ret.id}/review", f"/self-assessment/campaigns/{campaign.id}")
    ]
    for page in pages:
        assert payload not in page and "<b>School</b>" not in page
    assert any("&lt;script&gt;" in page for page in pages)
