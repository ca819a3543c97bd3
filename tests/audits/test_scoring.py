"""Scoring a case online: task list, section pages, drafts, conflicts, check your answers, submit, return."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.audits import services
from app.audits.models import CaseAnswer, CaseResponse, ResponseState
from app.audits.queries import answers_of, instrument_of
from app.errors import StaleEdit
from app.utils import today
from tests.audits.factories import complete_answers, make_round, score, section_post
from tests.factories import PASSWORD

SECTIONS = ["convening", "information", "child", "decisions", "overall"]


def _lock(page_text: str) -> str:
    return re.search(r'name="lock_version" value="(\d+)"', page_text).group(1)


def _post_section(client, assignment, section, answers, *, action="continue", lock=None):
    instrument = instrument_of(assignment.case.round)
    if lock is None:
        lock = _lock(client.get(f"/audits/tasks/{assignment.id}/sections/{section}").text)
    return client.post(
        f"/audits/tasks/{assignment.id}/sections/{section}",
        data=section_post(instrument, section, answers, lock_version=lock, action=action),
    )


def test_auditors_see_their_assignments_on_your_tasks_with_due_date_state_and_overdue(client, login_as, db):
    setup = make_round(references=("CR-000101", "CR-000102"), due=today() - timedelta(days=2))
    login_as(setup.auditors["police"])
    page = client.get("/tasks")
    assert "Case audits" in page.text
    assert "CR-000101" in page.text and "CR-000102" in page.text
    assert "Not started" in page.text
    assert "Overdue" in page.text
    assert f"{setup.round.due_date.day} {setup.round.due_date:%B %Y}" in page.text


def test_a_due_soon_task_is_marked(client, login_as, db):
    setup = make_round(due=today() + timedelta(days=3))
    login_as(setup.auditors["health"])
    page = client.get("/tasks")
    assert "Due soon" in page.text and "Overdue" not in page.text


def test_scoring_across_pages_then_check_and_submit(client, login_as, db):
    setup = make_round()
    assignment = setup.assignment(0, "police")
    auditor = login_as(setup.auditors["police"])
    answers = complete_answers(convened_promptly="partly")

    page = client.get(f"/audits/tasks/{assignment.id}")
    assert page.status_code == 200
    assert "Audit of case CR-000101" in page.text
    assert page.text.count("Not yet started") == len(SECTIONS)
    assert "Cannot submit yet" in page.text

    for index, section in enumerate(SECTIONS):
        response = _post_section(client, assignment, section, answers)
        assert response.status_code == 302, response.text
        following = SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None
        expected = f"/sections/{following}" if following else "/check"
        assert response.headers["Location"].endswith(expected)

    page = client.get(f"/audits/tasks/{assignment.id}")
    assert page.text.count("Completed") == len(SECTIONS)
    assert "Ready to submit" in page.text

    page = client.get(f"/audits/tasks/{assignment.id}/check")
    assert "Check your answers" in page.text
    assert "Only partly shown in the record." in page.text
    assert "Virtual meeting (video or conference call)" in page.text
    assert f'href="/audits/tasks/{assignment.id}/sections/convening?return_to=check#' in page.text  # change links

    response = client.post(f"/audits/tasks/{assignment.id}/check", data={"lock_version": _lock(page.text)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Audit submitted" in page.text and "govuk-panel--confirmation" in page.text

    db.session.refresh(assignment.response)
    response_row = assignment.response
    assert response_row.state == ResponseState.submitted and response_row.submitted_by_id == auditor.id
    stored = {a.question_key: a for a in response_row.answers}
    assert (
        stored["convened_promptly"].value,
        stored["convened_promptly"].score,
        stored["convened_promptly"].meets_standard,
        stored["convened_promptly"].rag,
    ) == ("partly", 1, False, "amber")
    assert stored["agencies_invited"].value == '["police", "social_care", "health"]'
    assert db.session.execute(
        sa.select(ActivityEvent).where(ActivityEvent.verb == "submitted", ActivityEvent.object_id == response_row.id)
    ).first()


def test_save_and_come_back_later_keeps_a_partial_draft_across_sign_out(client, login_as, db):
    setup = make_round()
    assignment = setup.assignment(0, "health")
    auditor = login_as(setup.auditors["health"])
    partial = {
        "discussion_format": {"value": "telephone_calls"},
        "convened_promptly": {"value": "no", "comment": "Held four days after the referral."},
    }
    response = _post_section(client, assignment, "convening", partial, action="later")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/audits/tasks/{assignment.id}")
    page = client.get(response.headers["Location"])
    assert "Your answers have been saved" in page.text
    assert "In progress" in page.text

    client.post("/sign-out")
    assert client.get(f"/audits/tasks/{assignment.id}").status_code == 302  # signed out
    response = client.post("/sign-in", data={"email": auditor.email, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(f"/audits/tasks/{assignment.id}/sections/convening")
    assert re.search(r'value="telephone_calls"\s+checked', page.text)
    assert "Held four days after the referral." in page.text


def test_save_and_continue_shows_what_is_missing_and_keeps_the_input(client, login_as, db):
    setup = make_round()
    assignment = setup.assignment(0, "council")
    login_as(setup.auditors["council"])
    answers = {"discussion_format": {"value": "meeting_in_person"}, "convened_promptly": {"value": "partly"}}
    page = _post_section(client, assignment, "convening", answers)
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert "Explain why the standard was not met for" in page.text
    assert 'href="#convened_promptly__comment"' in page.text
    assert "Select at least one answer to" in page.text
    assert re.search(r'value="meeting_in_person"\s+checked', page.text)


def test_a_badly_formed_answer_is_not_saved(client, login_as, db):
    setup = make_round()
    assignment = setup.assignment(0, "police")
    login_as(setup.auditors["police"])
    answers = {"convened_promptly": {"value": "yes", "comment": "x" * 4001}}
    page = _post_section(client, assignment, "convening", answers, action="later")
    assert page.status_code == 200
    assert "must be 4000 characters or fewer" in page.text
    assert answers_of(assignment.response) == {}


def test_a_stale_save_is_refused_with_the_typed_input_shown_back(client, login_as, db, make):
    setup = make_round()
    assignment = setup.assignment(0, "police")
    colleague = make.make_user(roles=["auditor"], organisation=setup.orgs["police"])
    login_as(setup.auditors["police"])
    page = client.get(f"/audits/tasks/{assignment.id}/sections/convening")
    my_version = _lock(page.text)

    # Meanwhile a colleague in another browser saves the same section.
    services.save_section(
        assignment,
        "convening",
        {"discussion_format": {"value": "virtual_meeting", "comment": None, "evidence": None}},
        lock_version=assignment.response.lock_version,
        actor=colleague,
    )
    db.session.commit()

    typed = complete_answers()
    typed["convened_promptly"] = {"value": "no", "comment": "My careful note that must not be lost."}
    page = _post_section(client, assignment, "convening", typed, lock=my_version)
    assert page.status_code == 200
    assert "Your changes have not been saved" in page.text
    assert "Someone else saved changes to this audit after you opened this page" in page.text
    assert "My careful note that must not be lost." in page.text
    assert re.search(r'value="no"\s+checked', page.text)
    assert "See the answers saved by someone else" in page.text
    db.session.expire_all()
    stored = answers_of(assignment.response)
    assert stored["discussion_format"]["value"] == "virtual_meeting"
    assert stored.get("convened_promptly", {}).get("value") is None

    # Saving again from the conflict page, having seen the other answers, keeps the typed input.
    response = _post_section(client, assignment, "convening", typed, lock=_lock(page.text))
    assert response.status_code == 302
    db.session.expire_all()
    assert answers_of(assignment.response)["convened_promptly"]["comment"] == "My careful note that must not be lost."


def test_the_database_refuses_a_racing_update_of_the_same_response(db):
    setup = make_round()
    assignment = setup.assignment(0, "police")
    response = assignment.response
    loaded_version = response.lock_version
    # Another transaction updated the row after this one loaded it.
    db.session.execute(
        sa.update(CaseResponse.__table__)
        .where(CaseResponse.__table__.c.id == response.id)
        .values(lock_version=loaded_version + 1)
    )
    with pytest.raises(StaleEdit):
        services.save_section(
            assignment,
            "convening",
            {"discussion_format": {"value": "virtual_meeting"}},
            lock_version=loaded_version,
            actor=setup.auditors["police"],
        )


def test_auditors_of_an_unassigned_organisation_get_403(client, login_as, db, make):
    setup = make_round(agencies=("police", "health"))
    stranger = make.make_user(roles=["auditor"], org_type="school")
    assignment = setup.assignment(0, "police")
    login_as(stranger)
    for url in (
        f"/audits/tasks/{assignment.id}",
        f"/audits/tasks/{assignment.id}/sections/convening",
        f"/audits/tasks/{assignment.id}/check",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/audits/tasks/{assignment.id}/sections/convening", data={}).status_code == 403
    assert client.post(f"/audits/tasks/{assignment.id}/check", data={}).status_code == 403
    login_as(setup.auditors["health"])  # assigned to the case, but not to police's part of it
    assert client.get(f"/audits/tasks/{assignment.id}").status_code == 403


def test_only_the_named_auditor_may_score_when_one_is_named(client, login_as, db, make):
    setup = make_round(agencies=("police",))
    named = make.make_user(roles=["auditor"], organisation=setup.orgs["police"])
    case = setup.round.cases[0]
    services.set_assignments(case, auditors={setup.orgs["police"].id: named.id})
    db.session.commit()
    assignment = case.assignments[0]
    login_as(setup.auditors["police"])
    assert client.get(f"/audits/tasks/{assignment.id}").status_code == 403
    assert "CR-000101" not in client.get("/tasks").text
    login_as(named)
    assert client.get(f"/audits/tasks/{assignment.id}").status_code == 200
    assert "CR-000101" in client.get("/tasks").text


def test_assignments_of_a_draft_round_are_not_found(client, login_as, db):
    setup = make_round(open_it=False)
    login_as(setup.auditors["police"])
    assert client.get(f"/audits/tasks/{setup.assignment(0, 'police').id}").status_code == 404


def test_submitting_with_answers_missing_lists_each_with_a_link(client, login_as, db):
    setup = make_round()
    assignment = setup.assignment(0, "police")
    login_as(setup.auditors["police"])
    answers = complete_answers()
    for section in ("convening", "information"):
        assert _post_section(client, assignment, section, answers).status_code == 302
    page = client.get(f"/audits/tasks/{assignment.id}/check")
    page = client.post(f"/audits/tasks/{assignment.id}/check", data={"lock_version": _lock(page.text)})
    assert page.status_code == 200
    assert "You cannot submit yet" in page.text
    base = f"/audits/tasks/{assignment.id}/sections"
    assert f'href="{base}/child#child_lived_experience_and_voice"' in page.text
    assert f'href="{base}/decisions#clear_next_steps"' in page.text
    assert f'href="{base}/overall#overall_judgement"' in page.text
    assert f'href="{base}/overall#overall_judgement__comment"' in page.text
    assert f"{base}/convening#" not in page.text.split("You cannot submit yet")[1].split("</ul>")[0]
    db.session.refresh(assignment.response)
    assert assignment.response.state == ResponseState.draft


def test_a_submitted_audit_is_read_only(client, login_as, db):
    setup = make_round()
    assignment = setup.assignment(0, "police")
    score(assignment, complete_answers(), actor=setup.auditors["police"])
    db.session.commit()
    login_as(setup.auditors["police"])
    page = client.get(f"/audits/tasks/{assignment.id}")
    assert "Your answers can no longer be changed" in page.text
    response = client.get(f"/audits/tasks/{assignment.id}/sections/convening")
    assert response.headers["Location"].endswith("/check")
    page = client.get(response.headers["Location"])
    assert "Submit audit" not in page.text and "Change<span" not in page.text
    version = assignment.response.lock_version
    response = _post_section(client, assignment, "convening", complete_answers(rating="no"), lock=str(version))
    assert response.status_code == 302
    db.session.expire_all()
    assert answers_of(assignment.response)["convened_promptly"]["value"] == "yes"


def test_qa_returns_a_submitted_audit_with_a_reason_and_the_auditor_resubmits(client, login_as, db):
    setup = make_round()
    assignment = setup.assignment(0, "council")
    score(assignment, complete_answers(), actor=setup.auditors["council"])
    db.session.commit()

    qa = login_as(setup.qa)
    page = client.get(f"/audits/responses/{assignment.id}")
    assert "Submitted" in page.text and "Return for changes" in page.text
    page = client.post(f"/audits/responses/{assignment.id}/return", data={"reason": ""})
    assert "Enter the reason for returning the audit" in page.text
    reason = "Overall judgement conflicts with the ratings; please review section 4."
    assert client.post(f"/audits/responses/{assignment.id}/return", data={"reason": reason}).status_code == 302
    db.session.refresh(assignment.response)
    assert assignment.response.state == ResponseState.returned
    assert assignment.response.submitted_at is None and assignment.response.returned_reason == reason
    event = db.session.execute(sa.select(ActivityEvent).where(ActivityEvent.verb == "returned")).scalar_one()
    assert reason in event.summary and event.actor_id == qa.id

    login_as(setup.auditors["council"])
    page = client.get(f"/audits/tasks/{assignment.id}")
    assert "Returned for changes" in page.text and reason in page.text
    assert (
        _post_section(client, assignment, "overall", complete_answers(overall="requires_improvement")).status_code
        == 302
    )
    page = client.get(f"/audits/tasks/{assignment.id}/check")
    assert (
        client.post(f"/audits/tasks/{assignment.id}/check", data={"lock_version": _lock(page.text)}).status_code == 302
    )
    db.session.refresh(assignment.response)
    assert assignment.response.state == ResponseState.submitted


def test_only_submitted_audits_of_open_rounds_can_be_returned(client, login_as, db):
    setup = make_round(agencies=("police",))
    assignment = setup.assignment(0, "police")
    login_as(setup.qa)
    page = client.post(f"/audits/responses/{assignment.id}/return", data={"reason": "Please check."})
    assert "Only a submitted audit can be returned." in page.text
    score(assignment, complete_answers(), actor=setup.auditors["police"])
    services.start_moderation(setup.round, actor=setup.qa)
    db.session.commit()
    page = client.post(f"/audits/responses/{assignment.id}/return", data={"reason": "Please check."})
    assert "Reopen the round before returning an audit" in page.text
    db.session.refresh(assignment.response)
    assert assignment.response.state == ResponseState.submitted


def test_answers_hidden_by_a_later_change_are_not_kept_on_submit(db):
    setup = make_round(agencies=("police",))
    assignment = setup.assignment(0, "police")
    answers = complete_answers(right_agencies_involved="partly")
    score(assignment, answers, actor=setup.auditors["police"], submit=False)
    assert answers_of(assignment.response)["missing_agencies_reason"]["value"]
    answers["right_agencies_involved"] = {"value": "yes", "comment": None, "evidence": None}
    services.save_section(
        assignment, "convening", answers, lock_version=assignment.response.lock_version, actor=setup.auditors["police"]
    )
    services.submit_response(assignment, lock_version=assignment.response.lock_version, actor=setup.auditors["police"])
    stored = db.session.execute(
        sa.select(CaseAnswer).where(
            CaseAnswer.response_id == assignment.response.id, CaseAnswer.question_key == "missing_agencies_reason"
        )
    ).scalar_one()
    assert stored.value is None


def _checked(page_text: str, name: str) -> list[str]:
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page_text)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if re.search(r"\schecked\b", tag)]


def test_section_pages_show_each_auditors_own_answers_when_components_are_reused(client, login_as, db):
    """Question components are rendered once and reused (app/templating.py): every page must still show its own
    ticks, its own comment text escaped, and nobody else's."""
    setup = make_round()
    police, health = setup.assignment(0, "police"), setup.assignment(0, "health")
    note = '<script>alert("x")</script> police note & more'
    login_as(setup.auditors["police"])
    _post_section(
        client,
        police,
        "convening",
        complete_answers(convened_promptly="partly") | {"convened_promptly": {"value": "partly", "comment": note}},
        action="later",
    )
    login_as(setup.auditors["health"])
    _post_section(client, health, "convening", complete_answers(), action="later")

    for _ in range(2):  # the second time round every component comes from the cache
        login_as(setup.auditors["police"])
        page = client.get(f"/audits/tasks/{police.id}/sections/convening").text
        assert _checked(page, "convened_promptly") == ["partly"]
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; police note &amp; more" in page
        assert "<script>alert(" not in page
        login_as(setup.auditors["health"])
        page = client.get(f"/audits/tasks/{health.id}/sections/convening").text
        assert _checked(page, "convened_promptly") == ["yes"]
        assert "police note" not in page
        assert "app-value-" not in page


def test_a_section_with_an_error_shows_the_message_and_keeps_what_was_typed(client, login_as, db):
    setup = make_round()
    assignment = setup.assignment(0, "police")
    login_as(setup.auditors["police"])
    answers = complete_answers() | {
        "convened_promptly": {"value": "partly", "comment": None},
        "discussion_format": {"value": None, "comment": None},
    }
    first = _post_section(client, assignment, "convening", answers)
    again = _post_section(client, assignment, "convening", answers)
    for page in (first, again):
        assert page.status_code == 200
        assert "There is a problem" in page.text
        assert _checked(page.text, "convened_promptly") == ["partly"]
        assert "govuk-error-message" in page.text
