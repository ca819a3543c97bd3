"""Challenge events: QA reviews returns together (date, panel), challenges criteria during the event; the
organisation replies to each challenge (agree and re-rate, or disagree with evidence) and QA accepts or challenges
again. A returned return's task list marks challenged standards and its first page lists the challenges."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from app.selfassessment import services
from app.selfassessment.models import Challenge, ChallengeEvent, Return
from tests.selfassessment.factories import PDF_BYTES, complete_return, instrument_for, make_campaign, return_for


def _police(make, name):
    org = make.make_org(org_type="police", name=name)
    return org, make.make_user(roles=["org_lead"], organisation=org)


def _submitted(campaign, org, lead):
    return complete_return(return_for(campaign, org), submit=True, actor=lead)


def _event(client, campaign) -> ChallengeEvent:
    response = client.post(
        f"/self-assessment/campaigns/{campaign.id}/challenge-events",
        data={
            "title": "Spring challenge panel",
            "held_on": ["27", "3", "2026"],
            "panel": "Quinn Assurance, QA chair\nDr Sam Patel, designated doctor",
        },
    )
    assert response.status_code == 302
    return _only_event()


def _only_event() -> ChallengeEvent:
    from app.extensions import db

    return db.session.execute(sa.select(ChallengeEvent)).scalar_one()


def test_qa_holds_an_event_and_challenges_during_it(client, make, login_as, db):
    org, lead = _police(make, "Eastshire Police")
    unfinished = make.make_org(org_type="police", name="Westshire Police")
    campaign = make_campaign()
    ret = _submitted(campaign, org, lead)
    login_as("qa")
    events_url = f"/self-assessment/campaigns/{campaign.id}/challenge-events"
    page = client.post(events_url, data={"title": "", "panel": ""}).get_data(as_text=True)
    assert "There is a problem" in page and "Enter a title for the challenge event" in page
    assert "Enter the date of the challenge event" in page
    event = _event(client, campaign)
    assert event.panel_members == ["Quinn Assurance, QA chair", "Dr Sam Patel, designated doctor"]

    page = client.get(f"/self-assessment/challenge-events/{event.id}").get_data(as_text=True)
    assert "Eastshire Police" in page and "Westshire Police" not in page  # only submitted returns can be added
    assert (
        client.post(
            f"/self-assessment/challenge-events/{event.id}",
            data={"return_ids": [str(return_for(campaign, unfinished).id)]},
        ).status_code
        == 200
    )
    assert (
        client.post(f"/self-assessment/challenge-events/{event.id}", data={"return_ids": [str(ret.id)]}).status_code
        == 302
    )
    key = instrument_for(ret).sections[0].questions[0].key
    url = f"/self-assessment/returns/{ret.id}/criteria/{key}/challenge?event={event.id}"
    response = client.post(url, data={"moderated_rag": "red", "comment": "No evidence of MASH response times."})
    assert response.status_code == 302
    challenge = db.session.execute(sa.select(Challenge)).scalar_one()
    assert challenge.event_id == event.id and challenge.status == "awaiting_reply"
    page = client.get(f"/self-assessment/challenge-events/{event.id}").get_data(as_text=True)
    assert "Awaiting reply" in page and "1 awaiting reply" in page
    assert "Spring challenge panel" in client.get(f"/self-assessment/returns/{ret.id}/review").get_data(as_text=True)


def test_returned_return_marks_challenged_standards_and_the_lead_agrees_and_rerates(client, make, login_as, db):
    org, lead = _police(make, "Northshire Police")
    campaign = make_campaign()
    ret = _submitted(campaign, org, lead)
    section = instrument_for(ret).sections_for("police")[1]
    key = section.questions[0].key
    services.challenge_answer(ret, key, moderated_rag="amber", comment="Supervision audit shows 71%.")
    services.return_to_organisation(ret, reason="Please look at the challenge.")
    db.session.commit()
    login_as(lead)
    page = client.get(f"/self-assessment/returns/{ret.id}").get_data(as_text=True)
    assert "Challenges from the partnership" in page and "Supervision audit shows 71%." in page
    task_list = page[page.index('id="standards') :]
    assert re.search(r"govuk-tag--red\">\s*Challenged\s*<", task_list), "the challenged standard is tagged"
    assert f"/sections/{section.key}#criterion-{key}" in page
    challenge = db.session.execute(sa.select(Challenge)).scalar_one()
    reply = f"/self-assessment/returns/{ret.id}/challenges/{challenge.id}/reply"
    assert reply in page

    page = client.post(reply, data={"kind": "agree", "text": "We agree."}).get_data(as_text=True)
    assert "Select the rating you now give" in page
    response = client.post(reply, data={"kind": "agree", "reply_rag": "amber", "text": "We agree; re-rated Amber."})
    assert response.status_code == 302
    db.session.expire_all()
    challenge = db.session.get(Challenge, challenge.id)
    assert (challenge.reply_kind, challenge.reply_rag, challenge.status) == ("agree", "amber", "replied")

    login_as("qa")
    assert "Accept the reply" in client.get(f"/self-assessment/returns/{ret.id}/review").get_data(as_text=True)
    assert client.post(f"/self-assessment/returns/{ret.id}/challenges/{challenge.id}/accept").status_code == 302
    db.session.expire_all()
    challenge = db.session.get(Challenge, challenge.id)
    assert challenge.status == "accepted" and challenge.moderated_rag == "amber"

    login_as(lead)
    page = client.get(f"/self-assessment/returns/{ret.id}").get_data(as_text=True)
    assert "Accepted" in page and reply not in page
    assert (
        client.post(reply, data={"kind": "agree", "reply_rag": "green", "text": "Changed our mind."}).status_code == 200
    )


def test_disagreeing_needs_evidence_and_a_file_is_served_only_to_its_organisation(client, make, login_as, db):
    org, lead = _police(make, "Southshire Police")
    other_org, other_lead = _police(make, "Midshire Police")
    campaign = make_campaign()
    ret = _submitted(campaign, org, lead)
    _submitted(campaign, other_org, other_lead)
    key = instrument_for(ret).sections[0].questions[0].key
    challenge, _ = services.challenge_answer(ret, key, moderated_rag="red", comment="Not evidenced.")
    db.session.commit()
    reply = f"/self-assessment/returns/{ret.id}/challenges/{challenge.id}/reply"

    login_as(other_lead)
    assert client.get(reply).status_code == 403
    login_as(lead)
    page = client.post(reply, data={"kind": "disagree", "text": "It is evidenced."}).get_data(as_text=True)
    assert "Give your evidence: a link to it, a file, or both" in page
    page = client.post(reply, data={"kind": "disagree", "text": "x", "link": "ftp://x"}).get_data(as_text=True)
    assert "Enter a web address starting with https://" in page
    response = client.post(
        reply,
        data={
            "kind": "disagree",
            "text": "The MASH audit shows 92% on time.",
            "evidence_file": (io.BytesIO(PDF_BYTES), "mash-audit.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    challenge = db.session.get(Challenge, challenge.id)
    assert challenge.reply_kind == "disagree" and challenge.reply_file_name == "mash-audit.pdf"
    download = f"/self-assessment/challenges/{challenge.id}/evidence"
    assert client.get(download).status_code == 200
    login_as(other_lead)
    assert client.get(download).status_code == 403

    # QA challenges again: the reply is cleared and the organisation must answer anew
    login_as("qa")
    url = f"/self-assessment/returns/{ret.id}/criteria/{key}/challenge"
    assert "Saving challenges it again" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"moderated_rag": "amber", "comment": "Show the audit method."}).status_code == 302
    db.session.expire_all()
    challenge = db.session.get(Challenge, challenge.id)
    assert challenge.status == "awaiting_reply" and challenge.reply_stored_name is None


def test_a_signatory_reads_challenges_but_cannot_reply(client, make, login_as, db):
    org, lead = _police(make, "Upshire Police")
    campaign = make_campaign()
    ret = _submitted(campaign, org, lead)
    key = instrument_for(ret).sections[0].questions[0].key
    challenge, _ = services.challenge_answer(ret, key, moderated_rag="red", comment="Not evidenced at all.")
    db.session.commit()
    chief = make.make_user(roles=["signatory"], organisation=org, signatory_capacity="chief_executive")
    login_as(chief)
    assert "Not evidenced at all." in client.get(f"/self-assessment/returns/{ret.id}").get_data(as_text=True)
    assert client.get(f"/self-assessment/returns/{ret.id}/challenges/{challenge.id}/reply").status_code == 403
    assert db.session.get(Return, ret.id) is not None
