"""Leaders sign off their organisation's return before it is submitted: the lead sends it (answers locked), each
required signatory signs it off with their password, the last sign-off submits it; the lead may withdraw it.
Signatories read their own organisation's return, survey results and actions, and change nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.signatories import required_capacities
from app.actions.models import ActionItem
from app.activity.models import ActivityEvent
from app.errors import InvalidTransition
from app.notifications.models import OutboxMessage
from app.selfassessment import services
from app.selfassessment.models import Return, ReturnAnswer, ReturnSignoff, ReturnState
from tests.factories import PASSWORD
from tests.selfassessment.factories import (
    complete_return,
    instrument_for,
    make_campaign,
    return_for,
    section_form,
    self_assessment_version,
)

DECLARATION = {"confirmed": "y", "declaration_name": "Morgan Oakwood"}


def _school(make, name="Hazel Grove School"):
    org = make.make_org(org_type="school", name=name)
    lead = make.make_user(roles=["org_lead"], organisation=org, name="Morgan Oakwood")
    head = make.make_user(roles=["signatory"], organisation=org, signatory_capacity="headteacher", name="Hayden Head")
    chair = make.make_user(
        roles=["signatory"], organisation=org, signatory_capacity="chair_of_governors", name="Charlie Chair"
    )
    return org, lead, head, chair


def _ready(make, db, name="Hazel Grove School"):
    org, lead, head, chair = _school(make, name)
    ret = complete_return(return_for(make_campaign(), org), actor=lead)
    db.session.commit()
    return org, lead, head, chair, ret


def _fresh(db, ret) -> Return:
    db.session.expire_all()
    return db.session.get(Return, ret.id)


def test_the_instrument_names_the_leaders_of_each_type(make):
    definition = self_assessment_version().parsed
    assert required_capacities(make.make_org(org_type="school"), definition) == ("headteacher", "chair_of_governors")
    assert required_capacities(make.make_org(org_type="charity"), definition) == (
        "chief_executive",
        "chair_of_trustees",
    )
    assert required_capacities(make.make_org(org_type="police"), definition) == ("chief_executive",)


def test_lead_sends_for_signoff_then_head_and_chair_sign_and_it_is_submitted(client, make, login_as, db):
    org, lead, head, chair, ret = _ready(make, db)
    login_as(lead)
    check = f"/self-assessment/returns/{ret.id}/check"
    page = client.get(check).get_data(as_text=True)
    assert "Send for sign-off" in page and "Hayden Head" in page and "Charlie Chair" in page
    response = client.post(check, data={**DECLARATION, "lock_version": str(ret.lock_version)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/returns/{ret.id}/submitted")
    assert "Self-assessment sent for sign-off" in client.get(response.headers["Location"]).get_data(as_text=True)
    ret = _fresh(db, ret)
    assert ret.state == ReturnState.awaiting_signoff and ret.submitted_at is None
    assert ret.signoff_capacities == ["headteacher", "chair_of_governors"] and ret.declaration_name == "Morgan Oakwood"

    # answers are locked while the leaders sign off
    section = instrument_for(ret).sections[0]
    assert (
        client.post(
            f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=section_form(ret, section, rag="red")
        ).status_code
        == 302
    )
    rags = db.session.execute(sa.select(ReturnAnswer.rag).where(ReturnAnswer.return_id == ret.id)).scalars()
    assert "red" not in set(rags)
    assert "Awaiting sign-off" in client.get(f"/self-assessment/returns/{ret.id}").get_data(as_text=True)

    login_as(head)
    returns_page = client.get("/self-assessment/my-returns").get_data(as_text=True)
    assert "Sign it off" in returns_page
    tasks = client.get("/tasks").get_data(as_text=True)
    assert "Self-assessment to sign off" in tasks and f"/returns/{ret.id}/sign-off" in tasks
    sign = f"/self-assessment/returns/{ret.id}/sign-off"
    page = client.get(sign).get_data(as_text=True)
    assert "Sign off as headteacher" in page
    lock = str(ret.lock_version)
    page = client.post(sign, data={"password": "", "lock_version": lock}).get_data(as_text=True)
    assert "There is a problem" in page and "Enter your password" in page
    page = client.post(sign, data={"password": "not-my-password", "lock_version": lock}).get_data(as_text=True)
    assert "The password is not correct" in page
    assert not db.session.execute(sa.select(ReturnSignoff)).first()
    assert client.post(sign, data={"password": PASSWORD, "lock_version": lock}).status_code == 302
    ret = _fresh(db, ret)
    assert ret.state == ReturnState.awaiting_signoff
    (signoff,) = ret.signoffs
    assert (signoff.signatory_name, signoff.capacity, signoff.user_id) == ("Hayden Head", "headteacher", head.id)
    assert signoff.signed_at is not None
    page = client.post(sign, data={"password": PASSWORD, "lock_version": str(ret.lock_version)}).get_data(as_text=True)
    assert "not waiting for your sign-off" in page or "already been signed off" in page
    assert len(_fresh(db, ret).signoffs) == 1

    login_as(chair)
    response = client.post(sign, data={"password": PASSWORD, "lock_version": str(_fresh(db, ret).lock_version)})
    assert response.status_code == 302
    ret = _fresh(db, ret)
    assert ret.state == ReturnState.submitted and ret.submitted_at is not None
    assert ret.submitted_by_id == lead.id and {s.capacity for s in ret.signoffs} == {
        "headteacher",
        "chair_of_governors",
    }
    verbs = set(db.session.execute(sa.select(ActivityEvent.verb).where(ActivityEvent.object_id == ret.id)).scalars())
    assert {"sent_for_signoff", "signed_off", "submitted"} <= verbs
    page = client.get(f"/self-assessment/returns/{ret.id}").get_data(as_text=True)
    assert "Signed off by Hayden Head" in page and "Signed off by Charlie Chair" in page


def test_a_page_opened_before_another_signoff_is_stale(client, make, login_as, db):
    org, lead, head, chair, ret = _ready(make, db)
    services.send_for_signoff(ret, confirmed=True, declaration_name="M", expected_version=ret.lock_version, actor=lead)
    db.session.commit()
    opened = str(ret.lock_version)
    services.sign_off_return(ret, head, password=PASSWORD)
    db.session.commit()
    login_as(chair)
    page = client.post(
        f"/self-assessment/returns/{ret.id}/sign-off", data={"password": PASSWORD, "lock_version": opened}
    ).get_data(as_text=True)
    assert "changed since you opened it" in page
    assert _fresh(db, ret).state == ReturnState.awaiting_signoff


def test_lead_withdraws_it_to_edit_which_voids_the_signoffs(client, make, login_as, db):
    org, lead, head, chair, ret = _ready(make, db)
    services.send_for_signoff(ret, confirmed=True, declaration_name="M", expected_version=ret.lock_version, actor=lead)
    services.sign_off_return(ret, head, password=PASSWORD)
    db.session.commit()
    login_as(lead)
    url = f"/self-assessment/returns/{ret.id}/withdraw"
    page = client.get(url).get_data(as_text=True)
    assert "Withdraw the self-assessment from sign-off?" in page and "Hayden Head" in page
    assert client.post(url).status_code == 302
    ret = _fresh(db, ret)
    assert ret.state == ReturnState.in_progress and ret.signoffs == [] and ret.signoff_capacities == []
    section = instrument_for(ret).sections[0]
    data = section_form(ret, section, rag="green", evidence="Updated after the head's questions.")
    assert client.post(f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data).status_code == 302
    assert client.get(url).status_code == 403  # nothing to withdraw now

    login_as(head)
    assert client.get(f"/self-assessment/returns/{ret.id}/withdraw").status_code == 403


def test_no_signatory_account_is_explained_and_nothing_is_sent(client, make, login_as, db):
    org = make.make_org(org_type="charity", name="Alder Trust")
    lead = make.make_user(roles=["org_lead"], organisation=org)
    make.make_user(roles=["signatory"], organisation=org, signatory_capacity="chief_executive")
    ret = complete_return(return_for(make_campaign(), org), actor=lead)
    login_as(lead)
    response = client.post(
        f"/self-assessment/returns/{ret.id}/check", data={**DECLARATION, "lock_version": str(ret.lock_version)}
    )
    page = response.get_data(as_text=True)
    assert "Alder Trust has no signatory account for the chair of trustees" in page
    assert "Ask your partnership administrator" in page
    assert _fresh(db, ret).state == ReturnState.in_progress


def test_submitting_directly_is_refused_when_leaders_must_sign_off(make, db):
    org, lead, head, chair, ret = _ready(make, db)
    try:
        services.submit_return(ret, confirmed=True, declaration_name="M", expected_version=ret.lock_version)
    except InvalidTransition as refused:
        assert "signed off" in refused.message
    else:
        raise AssertionError("submit_return submitted a return its leaders had not signed off")


def test_a_signatory_reads_their_return_survey_and_actions_but_changes_nothing(client, make, login_as, db):
    org, lead, head, chair = _school(make)
    ret = complete_return(return_for(make_campaign(), org), rag="amber", actor=lead)
    login_as(head)
    base = f"/self-assessment/returns/{ret.id}"
    section = instrument_for(ret).sections[0]
    for url in ("/self-assessment/my-returns", base, f"{base}/sections/{section.key}", f"{base}/check"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"{base}/survey").status_code == 200
    assert client.post(f"{base}/sections/{section.key}", data=section_form(ret, section)).status_code == 403
    assert client.post(f"{base}/check", data={**DECLARATION, "lock_version": str(ret.lock_version)}).status_code == 403
    assert client.get(f"{base}/survey/codes").status_code == 403
    action = (
        db.session.execute(sa.select(ActionItem).where(ActionItem.owner_organisation_id == org.id)).scalars().first()
    )
    tracker = client.get("/findings/actions").get_data(as_text=True)
    assert action.description in tracker
    page = client.get(f"/findings/actions/{action.id}").get_data(as_text=True)
    assert action.description in page and "Add an update" not in page
    assert client.post(f"/findings/actions/{action.id}", data={"note": "x", "status": "complete"}).status_code == 403


def test_a_signatory_of_another_organisation_sees_and_signs_nothing(client, make, login_as, db):
    org, lead, head, chair, ret = _ready(make, db)
    services.send_for_signoff(ret, confirmed=True, declaration_name="M", expected_version=ret.lock_version, actor=lead)
    db.session.commit()
    other, _, other_head, _ = _school(make, name="Birch Lane School")
    login_as(other_head)
    assert client.get(f"/self-assessment/returns/{ret.id}").status_code == 403
    assert client.get(f"/self-assessment/returns/{ret.id}/sign-off").status_code == 403
    assert client.post(f"/self-assessment/returns/{ret.id}/sign-off", data={"password": PASSWORD}).status_code == 403
    assert "Hazel Grove School" not in client.get("/self-assessment/my-returns").get_data(as_text=True)
    assert _fresh(db, ret).signoffs == []


def test_a_signatory_in_a_capacity_the_return_does_not_need_cannot_sign(client, make, login_as, db):
    org, lead, head, chair, ret = _ready(make, db)
    services.send_for_signoff(ret, confirmed=True, declaration_name="M", expected_version=ret.lock_version, actor=lead)
    ceo = make.make_user(roles=["signatory"], organisation=org, signatory_capacity="chief_executive")
    db.session.commit()
    login_as(ceo)
    assert client.get(f"/self-assessment/returns/{ret.id}/sign-off").status_code == 403
    assert client.get(f"/self-assessment/returns/{ret.id}").status_code == 200  # still reads it


def test_sending_for_signoff_emails_each_signatory_a_link_and_nobody_else(client, make, login_as, db):
    org, lead, head, chair, ret = _ready(make, db)
    other_org, _, other_head, _ = _school(make, name="Birch Lane School")
    login_as(lead)
    check = f"/self-assessment/returns/{ret.id}/check"
    assert client.post(check, data={**DECLARATION, "lock_version": str(ret.lock_version)}).status_code == 302
    messages = list(db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.recipient)).scalars())
    assert sorted(m.recipient for m in messages) == sorted([head.email, chair.email])
    for message in messages:
        assert f"/self-assessment/returns/{ret.id}/sign-off" in message.body
        assert org.name in message.subject
    # withdrawing and sending again emails them again: they must read what changed
    assert client.post(f"/self-assessment/returns/{ret.id}/withdraw", data={"confirm": "y"}).status_code == 302
    ret = _fresh(db, ret)
    client.post(check, data={**DECLARATION, "lock_version": str(ret.lock_version)})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 4
