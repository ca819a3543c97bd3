"""Reminders to auditors: due within a week or overdue, once per assignment per rule, over real SMTP."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.audits import services
from app.notifications.models import Reminder
from app.utils import today
from tests.audits.factories import complete_answers, make_round, score


def _reminders(db):
    return list(
        db.session.execute(
            sa.select(Reminder).where(Reminder.target_type == "assignment").order_by(Reminder.recipient)
        ).scalars()
    )


def _setup(make, *, days: int):
    setup = make_round(due=today() + timedelta(days=days))
    second_police = make.make_user(roles=["auditor"], organisation=setup.orgs["police"])
    make.make_user(roles=["auditor"], organisation=setup.orgs["police"], active=False)
    named = make.make_user(roles=["auditor"], organisation=setup.orgs["council"])
    services.set_assignments(
        setup.round.cases[0],
        auditors={setup.orgs["police"].id: None, setup.orgs["health"].id: None, setup.orgs["council"].id: named.id},
    )
    score(setup.assignment(0, "health"), complete_answers(), actor=setup.auditors["health"])
    return setup, second_police, named


def test_assignments_due_within_a_week_are_reminded_once(runner, db, make, smtp_server):
    setup, second_police, named = _setup(make, days=5)
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    expected = sorted([setup.auditors["police"].email, second_police.email, named.email])
    assert sorted(m["To"] for m in smtp_server.messages) == expected  # health submitted; council's auditor is named
    message = smtp_server.messages[0]
    assert (
        message["Subject"] == f"Case audit CR-000101 is due by {setup.round.due_date.day} {setup.round.due_date:%B %Y}"
    )
    body = smtp_server.bodies_to(named.email)[0]
    assert "Strategy discussions – test round" in body and setup.orgs["council"].name in body
    assert {r.kind for r in _reminders(db)} == {"assignment_due_soon"}

    smtp_server.clear()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0
    assert smtp_server.messages == []
    assert len(_reminders(db)) == 3


def test_overdue_assignments_get_the_overdue_reminder(runner, db, make, smtp_server):
    setup, _second, _named = _setup(make, days=-1)
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    assert {r.kind for r in _reminders(db)} == {"assignment_overdue"}
    assert all(m["Subject"].startswith("Overdue: case audit CR-000101") for m in smtp_server.messages)


def test_nothing_is_due_far_ahead_or_outside_open_rounds(runner, db, make, smtp_server):
    make_round(due=today() + timedelta(days=8))
    draft = make_round(due=today() - timedelta(days=3), open_it=False)
    assert draft.round.state.value == "draft"
    result = runner.invoke(args=["reminders", "send", "--dry-run"])
    assert "assignment" not in result.output
    assert smtp_server.messages == []


def test_dry_run_prints_and_sends_nothing(runner, db, make, smtp_server):
    setup, _second, _named = _setup(make, days=2)
    result = runner.invoke(args=["reminders", "send", "--dry-run"])
    assert result.exit_code == 0
    assert f"would send assignment_due_soon to {setup.auditors['police'].email}" in result.output
    assert smtp_server.messages == [] and _reminders(db) == []


def test_when_smtp_is_down_reminders_are_queued_once_and_wait_in_the_outbox(runner, db, make, smtp_down, app):
    setup, _second, _named = _setup(make, days=2)
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0
    assert f"queued assignment_due_soon to {setup.auditors['police'].email}" in result.output
    queued = len(_reminders(db))
    assert queued > 0
    delivery = runner.invoke(args=["mail", "deliver"])
    assert delivery.exit_code == 1 and "NOT SENT" in delivery.output and "will retry" in delivery.output
    assert "0 reminder(s) queued" in runner.invoke(args=["reminders", "send"]).output
    assert len(_reminders(db)) == queued
