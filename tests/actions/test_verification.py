"""Closing the loop: the owner completes an action with a note and evidence, QA verifies it or says "not yet", and
only verified actions count as closed; priorities and partnership priorities; each owner's record."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.actions import priorities, queries, services, verification
from app.actions.models import ActionCompletion, ActionItem, ActionPriority, ActionStatus
from app.activity.models import ActivityEvent
from app.errors import DomainError, PermissionDenied
from app.extensions import db as _db
from app.utils import today
from tests.actions.test_actions import finding as finding  # noqa: F401 (a fixture)
from tests.actions.test_actions import new_action
from tests.findings.test_round_findings import text_of

PDF = b"%PDF-1.4\n% completion evidence\n"


@pytest.fixture
def people(make, small_round):
    return {
        "lead": make.make_user(roles=["org_lead"], organisation=small_round.police),
        "other_lead": make.make_user(roles=["org_lead"], organisation=small_round.health),
        "qa": make.make_user(roles=["qa"]),
        "admin": make.make_user(roles=["admin"]),
    }


def verbs(action) -> list[str]:
    return list(
        _db.session.execute(
            sa.select(ActivityEvent.verb)
            .where(ActivityEvent.object_type == "action_item", ActivityEvent.object_id == action.id)
            .order_by(ActivityEvent.id)
        ).scalars()
    )


def test_the_loop_complete_not_yet_complete_verified(db, small_round, finding, people):
    action = new_action(finding, small_round.police, due=-2)
    assert queries.is_overdue(action, today())
    first = verification.complete_action(
        action, note="Checklist in use.", evidence_link="https://example.org/checklist", actor=people["lead"]
    )
    assert action.status == ActionStatus.complete and first.pending
    assert not queries.is_overdue(action, today()) and not queries.is_closed(action)
    verification.verify_action(
        action, outcome="not_yet", reason="No sign the schools were invited.", actor=people["qa"]
    )
    assert action.status == ActionStatus.in_progress and action.completed_at is None
    assert first.outcome == "not_yet" and first.reason == "No sign the schools were invited."
    assert queries.is_overdue(action, today())  # back with its owner, still late
    second = verification.complete_action(action, note="Schools now invited: see minutes.", actor=people["lead"])
    verification.verify_action(action, outcome="verified", actor=people["admin"])
    assert action.status == ActionStatus.verified and queries.is_closed(action) and second.outcome == "verified"
    assert [c.id for c in action.completions] == [first.id, second.id]
    assert db.session.execute(sa.select(ActionItem.id).where(queries.closed_condition())).scalars().all() == [action.id]
    assert verbs(action) == ["created", "completed", "sent_back", "completed", "verified"]
    with pytest.raises(DomainError, match="not awaiting verification"):
        verification.verify_action(action, outcome="verified", actor=people["qa"])
    with pytest.raises(DomainError):
        services.update_action(action, note="Reopen", status="in_progress")  # verified is final


def test_completion_needs_a_note_and_an_https_link(db, small_round, finding, people):
    action = new_action(finding, small_round.police)
    with pytest.raises(DomainError) as no_note:
        verification.complete_action(action, note="  ", actor=people["lead"])
    assert no_note.value.field == "note"
    for bad in ("http://example.org/x", "javascript:alert(1)", "example.org", "https://", "https://a b.org"):
        with pytest.raises(DomainError) as link:
            verification.complete_action(action, note="Done", evidence_link=bad, actor=people["lead"])
        assert link.value.field == "evidence_link"
    assert action.status == ActionStatus.not_started and not action.completions


def test_not_yet_needs_a_reason_and_an_outcome(db, small_round, finding, people):
    action = new_action(finding, small_round.police)
    verification.complete_action(action, note="Done", actor=people["lead"])
    with pytest.raises(DomainError) as no_reason:
        verification.verify_action(action, outcome="not_yet", reason="", actor=people["qa"])
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError) as no_outcome:
        verification.verify_action(action, outcome="maybe", actor=people["qa"])
    assert no_outcome.value.field == "outcome"
    assert action.status == ActionStatus.complete


def test_only_the_owner_lead_completes_and_only_qa_or_admin_verify(db, small_round, finding, people, make):
    action = new_action(finding, small_round.police)
    for who in ("other_lead", "qa", "admin"):
        with pytest.raises(PermissionDenied):
            verification.complete_action(action, note="Done", actor=people[who])
    verification.complete_action(action, note="Done", actor=people["lead"])
    for who in ("lead", "other_lead"):
        with pytest.raises(PermissionDenied):
            verification.verify_action(action, outcome="verified", actor=people[who])
    # nobody verifies their own completion
    qa_lead = make.make_user(roles=["qa", "org_lead"], organisation=small_round.police)
    other = new_action(finding, small_round.police)
    verification.complete_action(other, note="Done", actor=qa_lead)
    with pytest.raises(PermissionDenied):
        verification.verify_action(other, outcome="verified", actor=qa_lead)


def test_priority_and_partnership_priorities(db, small_round, finding, people):
    voice = priorities.add_priority("Voice of the child")
    old = priorities.add_priority("Old strategy")
    with pytest.raises(DomainError, match="already"):
        priorities.add_priority("voice of the child")
    action = services.create_action(
        description="Record the child's words",
        owner_organisation_id=small_round.police.id,
        owner_name="DI",
        due_date=today() + timedelta(days=5),
        finding_id=finding.id,
        priority="high",
        partnership_priority_ids=[str(voice.id), old.id],
    )
    assert action.priority == ActionPriority.high and {p.name for p in action.partnership_priorities} == {
        "Voice of the child",
        "Old strategy",
    }
    assert new_action(finding, small_round.health).priority == ActionPriority.medium
    priorities.retire_priority(old)
    assert priorities.active_priorities() == [voice]
    with pytest.raises(DomainError) as retired:
        services.create_action(
            description="x",
            owner_organisation_id=small_round.police.id,
            owner_name="A",
            due_date=today(),
            finding_id=finding.id,
            partnership_priority_ids=[old.id],
        )
    assert retired.value.field == "partnership_priorities"
    services.set_priorities(action, priority="low", partnership_priority_ids=[voice.id, old.id])  # already tagged
    assert action.priority == ActionPriority.low and len(action.partnership_priorities) == 2
    with pytest.raises(DomainError, match="retire it instead"):
        priorities.delete_priority(voice)
    priorities.rename_priority(voice, "Hearing the child")
    assert action.partnership_priorities[0].name == "Hearing the child"
    unused = priorities.add_priority("Unused")
    priorities.delete_priority(unused)
    assert [p.name for p in priorities.all_priorities()] == ["Hearing the child", "Old strategy"]


def test_owner_records_count_open_overdue_awaiting_verified_and_on_time(db, small_round, finding, people):
    late = new_action(finding, small_round.police, due=-3)
    new_action(finding, small_round.police, due=10)
    on_time = new_action(finding, small_round.police, due=5)
    verification.complete_action(on_time, note="Done", actor=people["lead"])
    verification.verify_action(on_time, outcome="verified", actor=people["qa"])
    late_done = new_action(finding, small_round.police, due=-1)
    verification.complete_action(late_done, note="Done late", actor=people["lead"])
    verification.verify_action(late_done, outcome="verified", actor=people["qa"])
    waiting = new_action(finding, small_round.health, due=-5)
    verification.complete_action(waiting, note="Done", actor=people["other_lead"])
    records = {r.organisation_name: r for r in queries.owner_records(queries.TrackerFilters(), today())}
    police, health = records[small_round.police.name], records[small_round.health.name]
    assert (police.open, police.overdue, police.awaiting_verification, police.verified) == (2, 1, 0, 2)
    assert police.verified_on_time == 1 and police.on_time_rate == 50
    assert (health.open, health.overdue, health.awaiting_verification, health.verified) == (0, 0, 1, 0)
    assert health.on_time_rate is None
    assert late.id  # used above


# --- through the app ------------------------------------------------------------------------------------------


def test_owner_completes_with_file_and_link_and_qa_sends_back_then_verifies(
    app, client, login_as, db, small_round, finding, people
):
    action = new_action(finding, small_round.police, due=-1, description="Police action to close")
    db.session.commit()
    url = f"/findings/actions/{action.id}"
    login_as(people["lead"])
    assert "Mark as complete" in text_of(client.get(url))
    response = client.post(
        f"{url}/complete",
        data={"note": "", "evidence_link": "http://insecure.example"},
        content_type="multipart/form-data",
    )
    page = text_of(response)
    assert response.status_code == 200 and "There is a problem" in page and "Enter a completion note" in page
    response = client.post(
        f"{url}/complete",
        data={"note": "Typed note kept", "evidence_link": "http://insecure.example"},
        content_type="multipart/form-data",
    )
    page = text_of(response)
    assert "full https address" in page and "Typed note kept" in page
    response = client.post(
        f"{url}/complete",
        data={
            "note": "Checklist in use since May.",
            "evidence_link": "https://example.org/minutes",
            "evidence_file": (io.BytesIO(PDF), "minutes.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = text_of(client.get(url))
    assert "Awaiting verification" in page and "minutes.pdf" in page and "https://example.org/minutes" in page
    assert "Overdue" not in page
    completion = db.session.execute(sa.select(ActionCompletion)).scalar_one()
    download = client.get(f"/findings/actions/evidence/{completion.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"{url}/verify").status_code == 403  # a lead does not verify

    login_as(people["other_lead"])  # another organisation's lead: neither the action nor its evidence
    assert client.get(f"/findings/actions/evidence/{completion.id}").status_code in (403, 404)
    assert client.post(f"{url}/complete", data={"note": "x"}).status_code == 403

    login_as(people["qa"])
    response = client.post(f"{url}/verify", data={"outcome": "not_yet", "reason": ""})
    assert "Enter why the action is not yet done" in text_of(response)
    response = client.post(f"{url}/verify", data={"outcome": "not_yet", "reason": "Minutes do not mention schools."})
    assert response.status_code == 302

    login_as(people["lead"])
    page = text_of(client.get(url))
    assert "Not yet verified" in page and "Minutes do not mention schools." in page and "In progress" in page
    assert "Overdue" in page
    client.post(f"{url}/complete", data={"note": "Schools invited: see new minutes."})
    login_as(people["qa"])
    assert "Verify this action" in text_of(client.get(url))
    assert client.post(f"{url}/verify", data={"outcome": "verified"}).status_code == 302
    page = text_of(client.get(url))
    assert "Verified" in page and "Add an update" not in page
    _db.session.expire_all()
    assert _db.session.get(ActionItem, action.id).status == ActionStatus.verified


def test_tracker_filters_by_priority_and_shows_each_owner_record(client, login_as, db, small_round, finding, people):
    voice = priorities.add_priority("Voice of the child")
    services.create_action(
        description="High police action",
        owner_organisation_id=small_round.police.id,
        owner_name="DI",
        due_date=today() - timedelta(days=2),
        finding_id=finding.id,
        priority="high",
        partnership_priority_ids=[voice.id],
    )
    new_action(finding, small_round.health, description="Medium health action")
    db.session.commit()
    login_as("qa")
    page = text_of(client.get("/findings/actions"))
    assert "Each organisation’s record" in page and small_round.health.name in page
    page = text_of(client.get("/findings/actions?priority=high"))
    assert "High police action" in page and "Medium health action" not in page
    page = text_of(client.get(f"/findings/actions?partnership_priority={voice.id}"))
    assert "High police action" in page and "Medium health action" not in page
    html = client.get("/findings/actions?priority=high").get_data(as_text=True)
    record = html.split('id="owner-records"', 1)[1].split("</table>", 1)[0]
    assert small_round.police.name in record and small_round.health.name not in record

    login_as(people["other_lead"])  # a lead sees only their own organisation's record
    html = client.get("/findings/actions").get_data(as_text=True)
    record = html.split('id="owner-records"', 1)[1].split("</table>", 1)[0]
    assert small_round.health.name in record and small_round.police.name not in record


def test_admin_keeps_partnership_priorities(client, login_as, db, small_round, finding):
    login_as("admin")
    assert client.post("/findings/actions/priorities", data={"name": ""}).status_code == 200
    assert client.post("/findings/actions/priorities", data={"name": "Neglect"}).status_code == 302
    neglect = priorities.all_priorities()[0]
    page = text_of(client.get("/findings/actions/priorities"))
    assert "Neglect" in page and "In use" in page
    client.post(f"/findings/actions/priorities/{neglect.id}", data={"name": "Neglect and early help"})
    client.post(f"/findings/actions/priorities/{neglect.id}", data={"command": "retire"})
    _db.session.expire_all()
    assert neglect.name == "Neglect and early help" and neglect.retired
    assert client.post(f"/findings/actions/priorities/{neglect.id}/delete").status_code == 302
    assert priorities.all_priorities() == []
    login_as("qa")
    assert client.get("/findings/actions/priorities").status_code == 403


def test_check_answers_shows_overdue_on_an_overdue_open_action(client, login_as, make, db, small_campaign):
    ret = small_campaign.returns["school"]
    answer = next(a for a in ret.answers if a.question_key == "s11_2_policy_current")
    services.create_action(
        description="Overdue policy review",
        owner_organisation_id=small_campaign.school.id,
        owner_name="Head",
        due_date=today() - timedelta(days=3),
        return_answer_id=answer.id,
    )
    db.session.commit()
    login_as(make.make_user(roles=["org_lead"], organisation=small_campaign.school))
    html = client.get(f"/self-assessment/returns/{ret.id}/check").get_data(as_text=True)
    item = html.split("Overdue policy review", 1)[1].split("</li>", 1)[0]
    assert "govuk-tag--red" in item and "Overdue" in item


def test_your_tasks_tells_qa_what_awaits_verification(client, login_as, db, small_round, finding, people):
    action = new_action(finding, small_round.police, due=-4)
    verification.complete_action(action, note="Done", actor=people["lead"])
    db.session.commit()
    login_as(people["lead"])
    page = text_of(client.get("/tasks"))
    assert "1 action is overdue" not in page and "awaiting verification" not in page
    login_as(people["qa"])
    page = text_of(client.get("/tasks"))
    assert "1 awaiting verification" in page
