"""`flask demo load` builds the living demo partnership, and running it again changes nothing."""

import sqlalchemy as sa

from app.extensions import db as _db

COUNTED_TABLES = (
    "organisation",
    "user_account",
    "audit_round",
    "case_response",
    "campaign",
    "sa_return",
    "survey_response",
    "statement",
    "signature",
    "finding",
    "action_item",
    "action_escalation",
    "briefing",
    "briefing_recipient",
)


def _counts():
    return {t: _db.session.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in COUNTED_TABLES}


def test_demo_load_is_idempotent_and_shows_every_capability(runner, db):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "admin@riverside.example" in first.output
    after_first = _counts()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "Demo data already loaded." in second.output
    assert _counts() == after_first
    assert all(after_first[t] > 0 for t in COUNTED_TABLES), after_first
    states = set(_db.session.execute(sa.text("SELECT DISTINCT state FROM sa_return")).scalars())
    assert {"not_started", "in_progress", "submitted", "returned", "accepted"} <= states
    in_force = _db.session.execute(
        sa.text(
            "SELECT COUNT(*) FROM statement s JOIN organisation o ON o.id = s.organisation_id "
            "WHERE o.slug = 'youth-trust' AND s.state = 'in_force'"
        )
    ).scalar_one()
    assert in_force == 1
    # Statements: one waiting for the QA check, one sent back with reasons, read confirmations on the one in force.
    statement_states = dict(
        _db.session.execute(
            sa.text("SELECT o.slug, s.state FROM statement s JOIN organisation o ON o.id = s.organisation_id")
        ).all()
    )
    assert statement_states["riverside-council"] == "awaiting_check"
    assert statement_states["riverside-health"] == "draft"
    assert _db.session.execute(sa.text("SELECT COUNT(*) FROM statement_check WHERE decision = 'returned'")).scalar_one()
    assert _db.session.execute(sa.text("SELECT COUNT(*) FROM statement_read")).scalar_one() >= 3
    # Learning briefings: round 1's published and sent to leads, one organisation confirmed; and a draft.
    briefing_states = sorted(_db.session.execute(sa.text("SELECT state FROM briefing")).scalars())
    assert briefing_states == ["draft", "published"]
    confirmed = _db.session.execute(
        sa.text("SELECT COUNT(*) FROM briefing_recipient WHERE confirmed_at IS NOT NULL")
    ).scalar_one()
    assert confirmed == 1
