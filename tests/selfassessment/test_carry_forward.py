"""Next cycle starts from last cycle's return; every carried criterion must be re-confirmed or changed."""

from __future__ import annotations

import sqlalchemy as sa

from app.actions.models import ActionItem
from app.actions.services import update_action
from app.selfassessment import services
from app.selfassessment.models import ReturnAnswer, ReturnState
from tests.selfassessment.factories import complete_return, instrument_for, make_campaign, return_for, section_form


def _two_cycles(make, db, lead):
    org = lead.organisation
    first = make_campaign(cycle="2024-25", due_in_days=-300)
    instrument = instrument_for(return_for(first, org))
    sections = instrument.sections_for(org.org_type)
    amber_key, red_key = sections[0].questions[0].key, sections[0].questions[1].key
    old = complete_return(return_for(first, org), rags={amber_key: "amber", red_key: "red"}, submit=True, actor=lead)
    done = db.session.execute(
        sa.select(ActionItem).where(
            ActionItem.return_answer_id.in_(sa.select(ReturnAnswer.id).where(ReturnAnswer.question_key == red_key))
        )
    ).scalar_one()
    update_action(done, note="Deputy lead appointed", status="complete", actor=lead)
    services.close_campaign(first)
    db.session.commit()
    second = make_campaign(cycle="2025-26")
    return first, second, old, sections, amber_key, red_key


def test_new_cycle_is_prefilled_and_blocked_until_reconfirmed(client, make, login_as, db):
    org = make.make_org(org_type="school", name="Hawthorn School")
    lead = make.make_user(roles=["org_lead"], organisation=org)
    login_as(lead)
    first, second, old, sections, amber_key, red_key = _two_cycles(make, db, lead)
    assert second.previous_campaign_id == first.id
    ret = return_for(second, org)
    rows = {
        r.question_key: r
        for r in db.session.execute(sa.select(ReturnAnswer).where(ReturnAnswer.return_id == ret.id)).scalars()
    }
    assert len(rows) == len(instrument_for(ret).questions("school"))
    assert all(not r.reconfirmed and r.carried_from_id is not None for r in rows.values())
    assert rows[amber_key].rag == "amber" and rows[amber_key].evidence == "Policy reviewed by the board in March."

    task_list = client.get(f"/self-assessment/returns/{ret.id}").get_data(as_text=True)
    assert "To re-confirm" in task_list
    section_page = client.get(f"/self-assessment/returns/{ret.id}/sections/{sections[0].key}").get_data(as_text=True)
    assert "Improve " + amber_key in section_page  # the open action came with it
    assert "Improve " + red_key not in section_page  # the completed one did not
    assert "Re-confirm this rating and evidence for this cycle" in section_page

    check = f"/self-assessment/returns/{ret.id}/check"
    page = client.post(
        check, data={"confirmed": "y", "declaration_name": "Pat Hawthorn", "lock_version": str(ret.lock_version)}
    ).get_data(as_text=True)
    assert "There is a problem" in page
    assert page.count("Re-confirm or change your answer to") == len(rows)
    assert "carried forward from 2024-25" in page
    # the red criterion's action was completed, so it needs a new one
    assert "which you rated Red" in page

    # section 1: change one rating, re-confirm the others, add an action for the red one
    first_section = sections[0]
    data = section_form(ret, first_section, evidence="Policy reviewed by the board in March.")
    for question in first_section.questions:
        data[f"{question.key}__reconfirm"] = "yes"
    data[amber_key] = "amber"
    data[red_key] = "green"
    data.pop(f"{first_section.questions[2].key}__reconfirm")
    data[first_section.questions[2].key] = "amber"
    data[f"{first_section.questions[2].key}__action_description"] = "Refresh the board's safeguarding report"
    data[f"{first_section.questions[2].key}__action_owner"] = "Clerk to governors"
    data[f"{first_section.questions[2].key}__action_due-day"] = "1"
    data[f"{first_section.questions[2].key}__action_due-month"] = "1"
    data[f"{first_section.questions[2].key}__action_due-year"] = "2099"
    assert client.post(f"/self-assessment/returns/{ret.id}/sections/{first_section.key}", data=data).status_code == 302
    db.session.expire_all()
    rows = {
        r.question_key: r
        for r in db.session.execute(sa.select(ReturnAnswer).where(ReturnAnswer.return_id == ret.id)).scalars()
    }
    assert all(rows[q.key].reconfirmed for q in first_section.questions)

    changes = client.get(f"/self-assessment/returns/{ret.id}/changes").get_data(as_text=True)
    assert "Changes since 2024-25" in changes
    assert "Improved" in changes and "Worse" in changes and "No change" in changes

    # the remaining sections are re-confirmed unchanged
    for section in sections[1:]:
        data = section_form(ret, section, command="later", evidence="Policy reviewed by the board in March.")
        for question in section.questions:
            data[f"{question.key}__reconfirm"] = "yes"
        db.session.expire_all()
        data["lock_version"] = str(ret.lock_version)
        assert client.post(f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data).status_code == 302
    db.session.expire_all()
    response = client.post(
        check, data={"confirmed": "y", "declaration_name": "Pat Hawthorn", "lock_version": str(ret.lock_version)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert (
        ret.state == ReturnState.awaiting_signoff
    )  # its leaders sign it off next (tests/selfassessment/test_signoff.py)


def test_changing_the_evidence_counts_as_reconfirming(make, db):
    org = make.make_org(org_type="charity", name="Wren Trust")
    lead = make.make_user(roles=["org_lead"], organisation=org)
    _first, second, _old, sections, amber_key, _red_key = _two_cycles(make, db, lead)
    ret = return_for(second, org)
    section = sections[0]
    answers = {
        q.key: {"value": "green", "evidence": "Policy reviewed by the board in March.", "comment": None}
        for q in section.questions
    }
    answers[section.questions[3].key]["evidence"] = "New evidence for this cycle"
    services.save_section(ret, section.key, services.SectionSave(answers=answers, expected_version=ret.lock_version))
    rows = {
        r.question_key: r
        for r in db.session.execute(sa.select(ReturnAnswer).where(ReturnAnswer.return_id == ret.id)).scalars()
    }
    assert rows[amber_key].reconfirmed  # rating changed
    assert rows[section.questions[3].key].reconfirmed  # evidence changed
    assert not rows[section.questions[4].key].reconfirmed  # untouched and not ticked
