"""Overdue actions of every kind are reminded to their owner organisation's leads, then escalate to the QA sub-group
and the partnership executive after the days admin sets; each step is recorded, in the activity log, once per action,
level and due date, and shown on the action page and the tracker."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts import settings
from app.actions import services
from app.actions.escalation_models import ActionEscalation
from app.actions.reminders import overdue_action_reminders
from app.activity.models import ActivityEvent
from app.extensions import db as _db
from app.findings import services as findings_services
from app.notifications.models import OutboxMessage, Reminder
from app.notifications.services import due_reminders, queue_reminders
from app.utils import today
from tests.selfassessment.factories import fill_section, instrument_for, make_campaign, return_for
from tests.statements.factories import add_risk, make_people


@pytest.fixture
def people(make):
    """The QA sub-group and an administrator (the executive while no executive addresses are set)."""
    return {
        "qa": make.make_user(roles=["qa"], email="qa.member@partnership.example"),
        "admin": make.make_user(roles=["admin"], email="admin@partnership.example"),
        "gone": make.make_user(roles=["qa"], email="former.qa@partnership.example", active=False),
    }


@pytest.fixture
def police(make):
    org = make.make_org(org_type="police", name="Riverside Test Police")
    make.make_user(roles=["org_lead"], organisation=org, email="lead@police.example")
    return org


def case_audit_action(small_round, organisation, *, days_late: int, description="Brief detectives on the voice."):
    finding = findings_services.add_finding(
        heading="area_for_improvement", text="The child's voice was missing.", themes=[], round_id=small_round.round.id
    )
    return services.create_action(
        description=description,
        owner_organisation_id=organisation.id,
        owner_name="Detective Inspector",
        due_date=today() - timedelta(days=days_late),
        finding_id=finding.id,
    )


def _items(on=None, kinds=None):
    items = overdue_action_reminders(on or today())
    return {(i.kind, i.recipient, i.target_id) for i in items if kinds is None or i.kind in kinds}


def test_every_kind_of_overdue_action_is_reminded_to_its_owner_leads(db, make, small_round, police, people):
    audit = case_audit_action(small_round, police, days_late=3)
    school = make.make_org(org_type="school", name="Reminder School")
    make.make_user(roles=["org_lead"], organisation=school, email="lead@school.example")
    ret = return_for(make_campaign(), school)
    section = instrument_for(ret).sections[0]
    fill_section(ret, section, rags={section.questions[0].key: "red"}, action_due_days=-2)
    statement_people = make_people(org_type="charity")
    add_risk(statement_people)
    ActionItem = services.ActionItem
    sa_action = db.session.execute(sa.select(ActionItem).where(ActionItem.return_answer_id.is_not(None))).scalar_one()
    risk_action = db.session.execute(sa.select(ActionItem).where(ActionItem.risk_id.is_not(None))).scalar_one()
    risk_action.due_date = today() - timedelta(days=1)
    db.session.flush()

    owner = _items(kinds={"action_overdue"})
    assert ("action_overdue", "lead@police.example", audit.id) in owner
    assert ("action_overdue", "lead@school.example", sa_action.id) in owner
    assert ("action_overdue", statement_people.lead.email, risk_action.id) in owner
    [audit_item] = [i for i in overdue_action_reminders(today()) if i.target_id == audit.id]
    assert "Case audit findings" in audit_item.body and "3 days overdue" in audit_item.body
    assert f"/findings/actions/{audit.id}" in audit_item.body
    assert not _items(kinds={"action_escalated_qa", "action_escalated_executive"})  # not 14 days late yet


def test_actions_not_open_or_not_yet_due_are_not_reminded(db, small_round, police, people):
    due_today = case_audit_action(small_round, police, days_late=0)
    done = case_audit_action(small_round, police, days_late=30)
    services.update_action(done, note="Done.", status="complete")
    cancelled = case_audit_action(small_round, police, days_late=30)
    services.update_action(cancelled, note="No longer needed.", status="cancelled")
    targets = {target for _, _, target in _items()}
    assert not targets & {due_today.id, done.id, cancelled.id}


def test_an_action_climbs_to_qa_then_the_executive_after_the_days_admin_set(db, small_round, police, people):
    action = case_audit_action(small_round, police, days_late=20)
    assert _items() == {
        ("action_overdue", "lead@police.example", action.id),
        ("action_escalated_qa", "qa.member@partnership.example", action.id),
    }
    # 28 days by default before the executive (administrators, while no executive address is set)
    later = _items(on=today() + timedelta(days=8))
    assert ("action_escalated_executive", "admin@partnership.example", action.id) in later
    settings.save_settings({"action_escalate_qa_days": "30", "action_executive_emails": "chair@exec.example"})
    assert _items(kinds={"action_escalated_qa"}) == set()
    assert _items(on=today() + timedelta(days=8), kinds={"action_escalated_executive"}) == {
        ("action_escalated_executive", "chair@exec.example", action.id)
    }


def test_each_step_is_recorded_and_emailed_once_and_a_dry_run_records_nothing(runner, db, small_round, police, people):
    action = case_audit_action(small_round, police, days_late=40, description="Brief detectives on the child's voice.")
    _db.session.commit()
    dry = runner.invoke(args=["reminders", "send", "--dry-run"])
    assert "would send action_overdue to lead@police.example: Overdue action: Brief detectives" in dry.output
    assert "would send action_escalated_qa to qa.member@partnership.example" in dry.output
    assert "would send action_escalated_executive to admin@partnership.example" in dry.output
    assert "former.qa@partnership.example" not in dry.output
    assert db.session.execute(sa.select(ActionEscalation)).first() is None

    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0, first.output
    steps = db.session.execute(sa.select(ActionEscalation).order_by(ActionEscalation.id)).scalars().all()
    assert [(s.level, s.due_date, s.escalated_on, s.recipients) for s in steps] == [
        ("owner", action.due_date, today(), ["lead@police.example"]),
        ("qa", action.due_date, today(), ["qa.member@partnership.example"]),
        ("executive", action.due_date, today(), ["admin@partnership.example"]),
    ]
    events = db.session.execute(
        sa.select(ActivityEvent.summary).where(
            ActivityEvent.verb == "escalated", ActivityEvent.object_type == "action_item"
        )
    ).scalars()
    assert sorted(events) == [
        "Escalated to the QA sub-group: 40 days overdue",
        "Escalated to the partnership executive: 40 days overdue",
        "Owner organisation reminded: 40 days overdue",
    ]
    outbox = db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.subject)).all()
    assert (
        len(outbox) == 3
        and ("qa.member@partnership.example", f"Escalated to the QA sub-group: overdue action for {police.name}")
        in outbox
    )

    again = runner.invoke(args=["reminders", "send"])
    assert "0 reminder(s) queued" in again.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(ActionEscalation)).scalar_one() == 3


def test_a_new_qa_member_after_the_step_is_not_told_of_it(db, make, small_round, police, people):
    action = case_audit_action(small_round, police, days_late=20)
    queue_reminders()
    make.make_user(roles=["qa"], email="new.qa@partnership.example")
    assert not [i for i in due_reminders() if i.target_id == action.id]


def test_moving_the_due_date_starts_the_ladder_again(db, small_round, police, people):
    action = case_audit_action(small_round, police, days_late=20)
    queue_reminders()
    action.due_date = today() - timedelta(days=2)  # agreed new date, passed again
    db.session.flush()
    assert {(i.kind, i.recipient) for i in due_reminders() if i.target_id == action.id} == {
        ("action_overdue", "lead@police.example")
    }
    queue_reminders()
    steps = db.session.execute(
        sa.select(ActionEscalation.level, ActionEscalation.due_date).where(ActionEscalation.action_id == action.id)
    ).all()
    assert sorted(steps) == sorted(
        [
            ("owner", today() - timedelta(days=20)),
            ("qa", today() - timedelta(days=20)),
            ("owner", today() - timedelta(days=2)),
        ]
    )
    assert db.session.execute(sa.select(sa.func.count()).select_from(Reminder)).scalar_one() == 3


def test_the_action_page_and_the_tracker_show_the_escalation(client, login_as, db, small_round, police, people):
    escalated = case_audit_action(small_round, police, days_late=20, description="Escalated action here.")
    quiet = case_audit_action(small_round, police, days_late=3, description="Only the owner reminded.")
    queue_reminders()
    login_as(people["qa"])
    page = client.get(f"/findings/actions/{escalated.id}").text
    assert f"Escalated to the QA sub-group on {today():%-d %B %Y}" in page
    assert f"Owner organisation reminded on {today():%-d %B %Y}" in page
    assert "Escalated to the QA sub-group" not in client.get(f"/findings/actions/{quiet.id}").text
    tracker = client.get("/findings/actions").text
    row = tracker.split("Escalated action here.", 1)[1].split("</tr>", 1)[0]
    assert "Escalated" in row
    assert "Escalated" not in tracker.split("Only the owner reminded.", 1)[1].split("</tr>", 1)[0]
    only = client.get("/findings/actions?escalated=y").text
    assert "Escalated action here." in only and "Only the owner reminded." not in only


def _settings_form(**changes):
    """Every declared setting as the settings page posts it, with `changes`."""
    data = {}
    for spec in settings.declared_settings():
        value = settings.get_setting(spec.key)
        if spec.kind == "bool":
            value = "yes" if value else "no"
        elif spec.kind == "emails":
            value = "\n".join(value)
        data[spec.key] = str(value)
    return {**data, **changes}


def test_admin_sets_when_actions_escalate_and_who_the_executive_is(client, login_as, db, small_round, police, people):
    action = case_audit_action(small_round, police, days_late=20)
    login_as(people["admin"])
    page = client.get("/admin/settings").text
    assert "Days overdue before an action is escalated to the QA sub-group" in page
    assert "Partnership executive email addresses" in page
    refused = client.post("/admin/settings", data=_settings_form(action_escalate_qa_days="0"))
    assert refused.status_code == 200 and "govuk-error-summary" in refused.text
    saved = client.post(
        "/admin/settings",
        data=_settings_form(action_escalate_executive_days="20", action_executive_emails="chair@exec.example"),
    )
    assert saved.status_code == 302
    assert ("action_escalated_executive", "chair@exec.example", action.id) in _items()
