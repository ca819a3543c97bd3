"""The demo partnership holds real assurance contradictions, from case audits and from practitioners, and a Green
rating too few audited cases can test."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g

from app.accounts.models import User
from app.extensions import db
from tests.demo_world import shared_demo
from tests.findings.test_round_findings import text_of


@pytest.fixture(scope="module")
def world(app):
    with shared_demo(app) as world:
        yield world


@pytest.fixture
def client(app, world):
    with world.savepoint():
        yield app.test_client()


def _sign_in(client, email: str) -> None:
    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    g.pop("_login_user", None)


def test_demo_contradictions_are_real_and_respect_small_numbers(client):
    _sign_in(client, "qa@riverside.example")
    page = text_of(client.get("/findings/contradictions"))
    assert "Rated Green on ‘Timeliness’; its practice fell short of the standard in" in page
    assert "Riverside Health NHS Trust: Timeliness" in page
    assert "Rated Green on ‘Leadership and accountability’;" in page and "practitioners agree (threshold 70%)" in page
    assert "Riverside Health NHS Trust: Outcomes and impact" not in page

    everything = text_of(client.get("/findings/contradictions?show=all"))
    outcomes = everything.split("Riverside Health NHS Trust: Outcomes and impact", 1)[1].split("Contradiction", 1)[0]
    assert "Green" in outcomes and "Too few to compare (fewer than 5 cases)" in outcomes

    _sign_in(client, "lead@oakfield-school.riverside.example")
    own = text_of(client.get("/findings/contradictions"))
    assert "Oakfield School: Leadership and accountability" in own
    assert "Riverside Health" not in own
