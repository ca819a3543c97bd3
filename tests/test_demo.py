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
