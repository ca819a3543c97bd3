"""Two agencies submitting their audits of the same case at the same moment, on PostgreSQL, where transactions run
side by side: each works the case's counts out again from its answers, so without the case's row lock the second
would miss the first's submission (or collide with its rows). Both submissions are flushed before either counts.

Runs on a database of its own (committed data, two connections); once, on the SQLite pass, against the machine's
PostgreSQL."""

from __future__ import annotations

import pytest

from app import create_app
from app.audits import services, tallies
from app.audits.models import AuditRound
from app.audits.queries import agreement_snapshot
from app.extensions import db as _db
from tests.e2e.live import create_database, drop_database, reachable_postgres
from tests.parallel import at_once, meet_at

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


@pytest.fixture
def own_database(tmp_path):
    url = create_database("test_tallies_concurrent", tmp_path, postgres_url=reachable_postgres())
    try:
        yield url
    finally:
        drop_database(url)


def test_two_submissions_in_one_case_at_once_are_both_counted(own_database, statement_signing_key, monkeypatch):
    from flask_migrate import upgrade

    from app.questionnaire import load_files
    from app.questionnaire.store import default_instrument_files
    from tests.audits.factories import complete_answers, make_round, score

    app = create_app("test", SQLALCHEMY_DATABASE_URI=own_database, STATEMENT_SIGNING_KEY=statement_signing_key)
    with app.app_context():
        upgrade()
        load_files(default_instrument_files())
        setup = make_round(agencies=("police", "health"), references=("CR-000901",))
        for org, rating in (("police", "yes"), ("health", "no")):
            score(setup.assignment(0, org), complete_answers(rating=rating), actor=setup.auditors[org], submit=False)
        _db.session.commit()
        round_id = setup.round.id
        assignment_ids = {org: setup.assignment(0, org).id for org in ("police", "health")}
        auditor_ids = {org: setup.auditors[org].id for org in ("police", "health")}
        _db.session.remove()

    meet_at(monkeypatch, tallies, "response_submitted")  # both submissions flushed, neither committed, when one counts

    def submit(org):
        from app.accounts.models import User
        from app.audits.models import Assignment

        with app.app_context():
            try:
                assignment = _db.session.get(Assignment, assignment_ids[org])
                services.submit_response(
                    assignment,
                    lock_version=assignment.response.lock_version,
                    actor=_db.session.get(User, auditor_ids[org]),
                )
                _db.session.commit()
            finally:
                _db.session.remove()

    assert at_once(submit, ("police", "health")) == []
    with app.app_context():
        audit_round = _db.session.get(AuditRound, round_id)
        assert tallies.check_round(audit_round) == []
        figures = agreement_snapshot(audit_round)
        assert figures["overall"]["units"] > 0  # the case was rated by both agencies, in the counts too
        _db.session.remove()
        _db.engine.dispose()
