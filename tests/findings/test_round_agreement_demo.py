"""The demo round's findings page states the same agreement figures as its audit round page, to staff; other
readers see them without any agency's drift and without a link to a page they may not open."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import g

from app.accounts.models import Organisation
from app.audits.agreement import MIN_CASES_FOR_ALPHA
from app.audits.demo import ROUND_1_TITLE
from app.audits.models import AuditRound
from app.extensions import db, limiter
from app.findings import figures
from tests.demo_world import shared_demo
from tests.findings.test_round_agreement import _figure, _warned


# --- the demo round ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(app):
    with shared_demo(app) as world:
        yield world


@pytest.fixture
def demo_client(app, world):
    limiter.reset()
    with world.savepoint():
        yield app.test_client()


def _sign_in(client, world, role: str) -> None:
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = world.login_id(role, None)
        session["_fresh"] = True
    g.pop("_login_user", None)


def _demo_round_id() -> int:
    return db.session.execute(sa.select(AuditRound.id).where(AuditRound.title == ROUND_1_TITLE)).scalar_one()


def test_findings_page_states_the_round_pages_agreement_figures(demo_client, world):
    _sign_in(demo_client, world, "qa")
    round_id = _demo_round_id()
    round_page = demo_client.get(f"/audits/{round_id}").text
    findings_page = demo_client.get(f"/findings/rounds/{round_id}").text

    assert _figure(findings_page, "agreement-percent") == _figure(round_page, "round-percent")
    assert _figure(findings_page, "agreement-alpha") == _figure(round_page, "round-alpha")
    assert _figure(findings_page, "agreement-n") == _figure(round_page, "round-n")
    assert _figure(findings_page, "agreement-convened_promptly-percent") == _figure(
        round_page, "convened_promptly-percent"
    )
    assert _figure(findings_page, "agreement-convened_promptly-alpha") == _figure(round_page, "convened_promptly-alpha")
    assert re.fullmatch(r"\d+\.\d%", _figure(findings_page, "agreement-percent"))
    assert re.fullmatch(r"-?\d\.\d{3}", _figure(findings_page, "agreement-alpha"))
    # The demo round has six cases: both pages say alpha rests on too few.
    assert int(_figure(findings_page, "agreement-n")) < MIN_CASES_FOR_ALPHA
    assert _warned(findings_page) and _warned(round_page)
    # Staff may open the round, and are sent to it.
    assert f'href="/audits/{round_id}"' in findings_page
    assert f'href="/audits/{round_id}#agreement"' in findings_page


def test_an_auditor_reads_agreement_without_other_agencies_drift_or_the_round_link(demo_client, world):
    _sign_in(demo_client, world, "auditor")  # Riverside Police, one of the demo round's agencies
    round_id = _demo_round_id()
    page = demo_client.get(f"/findings/rounds/{round_id}").text
    staff_view = figures.round_agreement_figures(db.session.get(AuditRound, round_id))
    police = db.session.execute(sa.select(Organisation.id).where(Organisation.slug == "riverside-police")).scalar_one()
    own_view = figures.round_agreement_figures(db.session.get(AuditRound, round_id), organisation_id=police)

    assert _figure(page, "agreement-percent") == f"{staff_view['percent']:.1f}%"
    assert staff_view["drift"] and own_view["drift"] == []
    assert f'href="/audits/{round_id}' not in page
    assert demo_client.get(f"/audits/{round_id}").status_code == 403


def test_every_demo_rounds_kept_counts_match_its_answers(world):
    """`flask demo load` goes through the services, which keep each round's answers counted: every demo round is
    counted, its counts match its answers, and its figures are those worked out from the answers."""
    from tests.audits.test_tallies import assert_counts_agree

    with world.savepoint():
        rounds = db.session.execute(sa.select(AuditRound).where(AuditRound.purged_at.is_(None))).scalars().all()
        assert len(rounds) >= 2
        for audit_round in rounds:
            assert audit_round.tallied, audit_round.title
            assert_counts_agree(audit_round)
