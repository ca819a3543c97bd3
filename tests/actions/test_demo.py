"""The demo partnership shows an overdue action escalated to the partnership executive (on its page and the
tracker), and a dry run of the reminders lists overdue actions of every kind, the case audit action among them."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.actions.escalation_models import ActionEscalation
from app.actions.models import ActionItem
from app.extensions import db as _db


def _demo(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def test_the_demo_shows_an_escalated_overdue_action(runner, client, login_as, db):
    _demo(runner)
    step = db.session.execute(sa.select(ActionEscalation).where(ActionEscalation.level == "executive")).scalar_one()
    action = db.session.get(ActionItem, step.action_id)
    assert step.due_date == action.due_date and step.escalated_on > action.due_date
    assert db.session.execute(
        sa.select(ActionEscalation).where(ActionEscalation.level == "qa", ActionEscalation.action_id != action.id)
    ).first()
    _db.session.commit()
    qa = db.session.execute(sa.select(User).where(User.email == "qa@riverside.example")).scalar_one()
    login_as(qa)
    page = client.get(f"/findings/actions/{action.id}").text
    assert f"Escalated to the partnership executive on {step.escalated_on:%-d %B %Y}" in page
    tracker = client.get("/findings/actions?escalated=y").text
    assert "Escalated to executive" in tracker and "Escalated to QA" in tracker


def test_a_dry_run_on_the_demo_lists_the_overdue_case_audit_action(runner, db):
    _demo(runner)
    dry = runner.invoke(args=["reminders", "send", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert (
        "would send action_overdue to lead@riverside-police.riverside.example: Overdue action: Brief detectives"
        in dry.output
    )
    assert "would send action_escalated_qa to qa@riverside.example" in dry.output
