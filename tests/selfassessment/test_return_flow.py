"""An organisation lead completes a return through the pages: task list, sections, uploads, actions, submit."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.actions.models import ActionItem
from app.selfassessment.models import EvidenceFile, Return, ReturnAnswer, ReturnState
from app.utils import today
from app.selfassessment import services
from tests.factories import PASSWORD
from tests.selfassessment.factories import (
    signatory_of,
    PDF_BYTES,
    complete_return,
    instrument_for,
    make_campaign,
    return_for,
    section_form,
)


def _school_lead(make, login_as, org_type="school"):
    org = make.make_org(org_type=org_type, name=f"Oakwood {org_type.title()}")
    lead = make.make_user(roles=["org_lead"], organisation=org)
    login_as(lead)
    return org, lead


def _url(ret, section_key=None, suffix=""):
    if section_key:
        return f"/self-assessment/returns/{ret.id}/sections/{section_key}{suffix}"
    return f"/self-assessment/returns/{ret.id}{suffix}"


def test_school_sees_school_sections_and_not_charity_sections(client, make, login_as):
    org, _lead = _school_lead(make, login_as)
    campaign = make_campaign()
    ret = return_for(campaign, org)
    page = client.get(_url(ret)).get_data(as_text=True)
    assert "Schools and colleges: designated safeguarding lead" in page
    assert "Out-of-school settings, charities and faith organisations" not in page
    assert "Standard 1: Senior management commitment to safeguarding" in page
    assert client.get(_url(ret, "community_policy")).status_code == 404


def test_charity_sees_charity_sections_and_not_school_sections(client, make, login_as):
    org, _lead = _school_lead(make, login_as, org_type="charity")
    ret = return_for(make_campaign(), org)
    page = client.get(_url(ret)).get_data(as_text=True)
    assert "Out-of-school settings, charities and faith organisations: safeguarding policy" in page
    assert "Schools and colleges" not in page


def test_my_returns_lists_the_return(client, make, login_as):
    org, _lead = _school_lead(make, login_as)
    ret = return_for(make_campaign(), org)
    page = client.get("/self-assessment/my-returns").get_data(as_text=True)
    assert f"/self-assessment/returns/{ret.id}" in page
    assert "Not started" in page


def test_section_saved_with_pdf_upload_and_downloaded_as_attachment(client, make, login_as, db):
    org, _lead = _school_lead(make, login_as)
    ret = return_for(make_campaign(), org)
    section = instrument_for(ret).sections[0]
    first = section.questions[0].key
    data = section_form(ret, section)
    data[f"{first}__files"] = (io.BytesIO(PDF_BYTES), "Safeguarding policy 2025.pdf")
    response = client.post(_url(ret, section.key), data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/sections/{instrument_for(ret).sections[1].key}")
    db.session.expire_all()
    assert ret.state == ReturnState.in_progress
    evidence = db.session.execute(sa.select(EvidenceFile)).scalar_one()
    assert evidence.original_name == "Safeguarding policy 2025.pdf"
    assert evidence.content_type == "application/pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", evidence.stored_name)
    download = client.get(f"/self-assessment/evidence/{evidence.id}")
    assert download.status_code == 200
    assert download.data == PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "Safeguarding policy 2025.pdf" in download.headers["Content-Disposition"]
    page = client.get(_url(ret)).get_data(as_text=True)
    assert "Completed" in page


def test_missing_evidence_is_refused_and_each_one_listed(client, make, login_as, db):
    org, _lead = _school_lead(make, login_as)
    ret = return_for(make_campaign(), org)
    section = instrument_for(ret).sections[0]
    data = section_form(ret, section, evidence="")
    response = client.post(_url(ret, section.key), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    for question in section.questions:
        assert f'href="#{question.key}__evidence"' in page
    assert page.count("Enter the evidence for") >= len(section.questions)
    assert db.session.execute(sa.select(sa.func.count(ReturnAnswer.id))).scalar_one() == 0


def test_amber_without_an_action_is_refused_then_accepted_with_one(client, make, login_as, db):
    org, _lead = _school_lead(make, login_as)
    ret = return_for(make_campaign(), org)
    section = instrument_for(ret).sections[0]
    first = section.questions[0].key
    data = section_form(ret, section)
    data[first] = "amber"
    page = client.post(_url(ret, section.key), data=data).get_data(as_text=True)
    assert "Add at least one action for" in page and "which you rated Amber" in page
    assert f'href="#{first}__action_description"' in page
    assert 'value="amber" checked' in page.replace("\n", " ") or "checked" in page  # input kept

    due = today() + timedelta(days=30)
    data.update(
        {
            f"{first}__action_description": "Appoint a deputy designated safeguarding lead",
            f"{first}__action_owner": "Headteacher",
            f"{first}__action_due-day": str(due.day),
            f"{first}__action_due-month": str(due.month),
            f"{first}__action_due-year": str(due.year),
        }
    )
    response = client.post(_url(ret, section.key), data=data)
    assert response.status_code == 302
    action = db.session.execute(sa.select(ActionItem)).scalar_one()
    assert action.description == "Appoint a deputy designated safeguarding lead"
    assert action.owner_organisation_id == org.id and action.due_date == due
    assert "Appoint a deputy" in client.get(_url(ret, section.key)).get_data(as_text=True)


def test_add_action_button_adds_another_and_keeps_the_page(client, make, login_as, db):
    org, _lead = _school_lead(make, login_as)
    ret = return_for(make_campaign(), org)
    section = instrument_for(ret).sections[0]
    first = section.questions[0].key
    due = today() + timedelta(days=10)
    for n in (1, 2):
        data = section_form(ret, section, command=f"add-action:{first}", evidence="")
        data[first] = "red"
        data.update(
            {
                f"{first}__action_description": f"Action {n}",
                f"{first}__action_owner": "Chair",
                f"{first}__action_due-day": str(due.day),
                f"{first}__action_due-month": str(due.month),
                f"{first}__action_due-year": str(due.year),
            }
        )
        response = client.post(_url(ret, section.key), data=data)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"#criterion-{first}")
        db.session.expire_all()
    assert db.session.execute(sa.select(sa.func.count(ActionItem.id))).scalar_one() == 2


def test_bad_action_fields_are_explained(client, make, login_as):
    org, _lead = _school_lead(make, login_as)
    ret = return_for(make_campaign(), org)
    section = instrument_for(ret).sections[0]
    first = section.questions[0].key
    data = section_form(ret, section, command=f"add-action:{first}")
    data.update(
        {f"{first}__action_due-day": "31", f"{first}__action_due-month": "2", f"{first}__action_due-year": "2030"}
    )
    page = client.post(_url(ret, section.key), data=data).get_data(as_text=True)
    assert "Enter a description of the action" in page
    assert "Enter who owns the action" in page
    assert "The due date must be a real date" in page


def test_save_and_come_back_later_allows_gaps(client, make, login_as, db):
    org, _lead = _school_lead(make, login_as)
    ret = return_for(make_campaign(), org)
    section = instrument_for(ret).sections[0]
    first = section.questions[0].key
    data = {
        "command": "later",
        "lock_version": str(ret.lock_version),
        first: "green",
        f"{first}__evidence": "Named lead in the board's terms of reference.",
    }
    response = client.post(_url(ret, section.key), data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(ret))
    row = db.session.execute(sa.select(ReturnAnswer).where(ReturnAnswer.question_key == first)).scalar_one()
    assert row.rag == "green" and row.meets_standard is True and row.score == 2
    assert "In progress" in client.get(_url(ret)).get_data(as_text=True)


def test_stale_save_is_refused_with_a_conflict_message_and_input_kept(client, make, login_as, db):
    org, _lead = _school_lead(make, login_as)
    ret = return_for(make_campaign(), org)
    section = instrument_for(ret).sections[0]
    stale = section_form(ret, section, evidence="My version of the evidence")
    first_save = section_form(ret, section, command="later", evidence="Someone else's evidence")
    assert client.post(_url(ret, section.key), data=first_save).status_code == 302
    response = client.post(_url(ret, section.key), data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this return after you opened this page" in page
    assert "My version of the evidence" in page
    db.session.expire_all()
    row = db.session.execute(sa.select(ReturnAnswer).limit(1)).scalar_one()
    assert row.evidence == "Someone else's evidence"
    # saving again from the conflict page goes ahead, knowingly
    again = dict(stale, lock_version=re.search(r'name="lock_version" value="(\d+)"', page).group(1))
    assert client.post(_url(ret, section.key), data=again).status_code == 302


def test_submit_lists_every_problem_then_succeeds_and_is_read_only(client, make, login_as, db):
    org, lead = _school_lead(make, login_as)
    ret = return_for(make_campaign(), org)
    check = f"/self-assessment/returns/{ret.id}/check"
    response = client.post(check, data={"lock_version": str(ret.lock_version), "declaration_name": ""})
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Confirm that this return is accurate" in page and "Enter your full name" in page
    assert page.count("Select an answer to") >= 10

    instrument = instrument_for(ret)
    sections = instrument.sections_for("school")
    complete_return(ret, rags={sections[0].questions[0].key: "amber"}, actor=lead)
    signatories = [signatory_of(org, c) for c in ("headteacher", "chair_of_governors")]
    db.session.commit()
    response = client.post(
        check, data={"lock_version": str(ret.lock_version), "confirmed": "y", "declaration_name": "Morgan Oakwood"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/self-assessment/returns/{ret.id}/submitted")
    assert "Self-assessment sent for sign-off" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    ret = db.session.get(Return, ret.id)
    for signatory in signatories:
        services.sign_off_return(ret, signatory, password=PASSWORD)
    db.session.commit()
    db.session.expire_all()
    ret = db.session.get(Return, ret.id)
    assert ret.state == ReturnState.submitted and ret.submitted_at is not None
    assert ret.declaration_name == "Morgan Oakwood" and ret.submitted_by_id == lead.id
    assert db.session.execute(
        sa.select(ActivityEvent).where(ActivityEvent.verb == "submitted", ActivityEvent.object_id == ret.id)
    ).first()
    # read-only now
    section = sections[0]
    blocked = client.post(_url(ret, section.key), data=section_form(ret, section, rag="red"))
    assert blocked.status_code == 302
    db.session.expire_all()
    assert (
        db.session.execute(
            sa.select(ReturnAnswer.rag).where(ReturnAnswer.question_key == section.questions[1].key)
        ).scalar_one()
        == "green"
    )
    page = client.get(_url(ret, section.key)).get_data(as_text=True)
    assert "Save and continue" not in page


def test_another_organisations_return_and_file_are_forbidden(client, make, login_as, db):
    org, lead = _school_lead(make, login_as)
    other = make.make_org(org_type="school", name="Elm Tree School")
    campaign = make_campaign()
    mine, theirs = return_for(campaign, org), return_for(campaign, other)
    theirs_section = instrument_for(theirs).sections[0]
    from app.selfassessment import services
    from app.uploads import StoredFile

    services.save_section(
        theirs,
        theirs_section.key,
        services.SectionSave(
            answers={},
            expected_version=theirs.lock_version,
            new_files={
                theirs_section.questions[0].key: [
                    StoredFile("0" * 32 + ".pdf", "theirs.pdf", "application/pdf", 10, "0" * 64)
                ]
            },
        ),
    )
    db.session.commit()
    evidence = db.session.execute(sa.select(EvidenceFile)).scalar_one()
    assert client.get(_url(mine)).status_code == 200
    assert client.get(_url(theirs)).status_code == 403
    assert client.get(_url(theirs, theirs_section.key)).status_code == 403
    assert client.post(_url(theirs, theirs_section.key), data=section_form(theirs, theirs_section)).status_code == 403
    assert client.get(f"/self-assessment/returns/{theirs.id}/check").status_code == 403
    assert client.get(f"/self-assessment/evidence/{evidence.id}").status_code == 403
    assert client.get(f"/self-assessment/returns/{theirs.id}/review").status_code == 403
