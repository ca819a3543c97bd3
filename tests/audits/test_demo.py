"""The demo audit rounds: a closed, moderated strategy-discussion round and an open referrals round due soon."""
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
        demo.users[email] = accounts.create_user(email=email, name=name, organisation=demo.organisations.get(slug),
                                                 roles=roles, signatory_capacity=capacity, password="demo-password",
                                                 check_policy=False)
    return demo


def _round(db, title):
    return db.session.execute(sa.select(AuditRound).where(AuditRound.title == title)).scalar_one()


def test_demo_rounds_show_every_stage(db, client, login_as):
    demo = _demo()
    audits_demo.load(demo)
    audits_demo.load(demo)  # idempotent
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditRound)).scalar_one() == 2

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
