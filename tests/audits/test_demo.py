"""The demo audit rounds: a closed, moderated strategy-discussion round, an open referrals round due soon, and a
conference round in moderation whose agency question is agreed per agency, and a closed summer re-audit of strategy
discussions that follows one child from the spring round."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts import services as accounts
from app.audits import demo as audits_demo
from app.audits.models import AuditRound, ResponseState, RoundState
from app.audits.queries import round_agreement
from app.demo import DEMO_ORGANISATIONS, DEMO_USERS, Demo
from app.utils import today


def _demo() -> Demo:
    demo = Demo(password="demo-password", today=today())
    for name, slug, org_type, areas in DEMO_ORGANISATIONS:
        demo.organisations[slug] = accounts.create_organisation(name=name, slug=slug, org_type=org_type, areas=areas)
    for email, name, slug, roles, capacity in DEMO_USERS:
        demo.users[email] = accounts.create_user(
            email=email,
            name=name,
            organisation=demo.organisations.get(slug),
            roles=roles,
            signatory_capacity=capacity,
            password="demo-password",
            check_policy=False,
        )
    return demo


def _round(db, title):
    return db.session.execute(sa.select(AuditRound).where(AuditRound.title == title)).scalar_one()


def test_demo_rounds_show_every_stage(db, client, login_as):
    demo = _demo()
    audits_demo.load(demo)
    audits_demo.load(demo)  # idempotent
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditRound)).scalar_one() == 4

    first = _round(db, "Strategy discussions – spring 2026")
    assert first.state == RoundState.closed
    assert [c.reference for c in first.cases] == [f"CR-00010{i}" for i in range(1, 7)]
    assert all(len(c.assignments) == 3 and c.moderation is not None for c in first.cases)
    assert all(a.response.state == ResponseState.submitted for c in first.cases for a in c.assignments)
    figures = round_agreement(first)
    assert figures.pooled_cases == 6 and figures.overall.alpha is not None
    assert 0 < figures.overall.percent < 100  # realistic: the agencies do not always agree

    second = _round(db, "Quality of referrals – autumn 2026")
    assert second.state == RoundState.open
    assert second.due_date == demo.today + timedelta(days=5)
    states = [a.response.state for c in second.cases for a in c.assignments]
    answered = [bool(a.response.answers) for c in second.cases for a in c.assignments]
    assert ResponseState.submitted in states
    assert any(s == ResponseState.draft and has for s, has in zip(states, answered))  # drafts
    assert not all(answered)  # and some not started

    login_as(demo.user("auditor.police@riverside.example"))
    page = client.get("/tasks")
    assert "CR-00020" in page.text and "Due soon" in page.text
    login_as(demo.user("qa@riverside.example"))
    page = client.get(f"/audits/{first.id}")
    assert "Krippendorff" in page.text and "Moderated" in page.text


def test_demo_conference_round_agrees_the_agency_question_per_agency(db, client, login_as):
    demo = _demo()
    audits_demo.load(demo)
    third = _round(db, "Child protection conference reports – summer 2026")
    assert third.state == RoundState.moderation
    moderated = [c for c in third.cases if c.moderation is not None]
    assert len(moderated) == 2
    changed = [m for c in moderated for m in c.moderation.answers if m.organisation_id is not None]
    assert [(m.question_key, m.value) for m in changed] == [("report_submitted_on_time", "no")]
    login_as(demo.user("qa@riverside.example"))
    page = client.get(f"/audits/cases/{moderated[0].id}/moderate").text
    block = page[
        page.index('id="question-report_submitted_on_time"') : page.index('id="question-report_shared_with_family"')
    ]
    assert "Changed by the panel" in block and "Agency’s answer stands" in block
    for slug, _email in audits_demo.AGENCIES:
        assert f"Agreed answer for {demo.org(slug).name}" in block


def test_demo_reaudit_follows_a_child_from_the_spring_round(db):
    audits_demo.load(_demo())
    spring = _round(db, "Strategy discussions – spring 2026")
    summer = _round(db, "Re-audit: strategy discussions – summer 2026")
    assert summer.state == RoundState.closed and all(c.moderation is not None for c in summer.cases)
    (followed,) = [c for c in summer.cases if c.previous_case_id is not None]
    assert followed.previous_case.round_id == spring.id and followed.previous_case.moderation.overall_grade
