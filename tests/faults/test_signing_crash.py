"""A crash between signing a statement and recording it: the signature, the statement's state and the
activity entry are one transaction, so either all of them are stored or none is."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from load.client import forms_in
from tests.e2e.live import DEMO_PASSWORD
from tests.faults.conftest import second_app, sign_in

pytestmark = pytest.mark.slow

ORGANISATION = "youth-trust"
SIGNATORY = "ceo@youth-trust.riverside.example"


class SimulatedCrash(Exception):
    pass


def _statement_awaiting_signatures(app) -> int:
    from app.accounts.models import Organisation, User
    from app.extensions import db
    from app.questionnaire import latest_version
    from app.statements import services
    from app.statements.models import Statement

    with app.app_context():
        org = db.session.execute(sa.select(Organisation).where(Organisation.slug == ORGANISATION)).scalar_one()
        lead = db.session.execute(
            sa.select(User).where(User.email == "lead@youth-trust.riverside.example")
        ).scalar_one()
        version = latest_version("child-safeguarding-statement")
        instrument = version.parsed
        number = (
            db.session.execute(
                sa.select(sa.func.coalesce(sa.func.max(Statement.version_number), 0)).where(
                    Statement.organisation_id == org.id
                )
            ).scalar_one()
            + 1
        )
        sections = {q.key: f"Fictional text for {q.key}." for q in instrument.questions(org.org_type)}
        statement = Statement(
            organisation_id=org.id,
            version_number=number,
            instrument_version_id=version.id,
            sections=sections,
            required_capacities=list(instrument.signatories_for(org.org_type)),
            created_by_id=lead.id,
        )
        db.session.add(statement)
        db.session.flush()
        services.send_for_signatures(statement, actor=lead)
        qa = db.session.execute(sa.select(User).where(User.email == "qa@riverside.example")).scalar_one()
        services.approve_statement(statement, actor=qa)  # the QA check comes before any signature
        db.session.commit()
        return statement.id


def _rows(url: str, statement_id: int):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        signatures = conn.execute(
            sa.text("SELECT capacity, content_hash FROM signature WHERE statement_id = :s"), {"s": statement_id}
        ).all()
        state = conn.execute(sa.text("SELECT state FROM statement WHERE id = :s"), {"s": statement_id}).scalar_one()
        signed_events = conn.execute(
            sa.text(
                "SELECT count(*) FROM activity_event WHERE object_type = 'statement' AND object_id = :s "
                "AND verb = 'signed'"
            ),
            {"s": statement_id},
        ).scalar_one()
    engine.dispose()
    return signatures, state, signed_events


def test_crash_between_signing_and_recording_leaves_no_half_recorded_signature(seeded_database):
    app = second_app(seeded_database)
    statement_id = _statement_awaiting_signatures(app)
    engine = sa.create_engine(seeded_database)
    with engine.connect() as conn:
        user = conn.execute(
            sa.text("SELECT id, session_version FROM user_account WHERE email = :e"), {"e": SIGNATORY}
        ).one()
    engine.dispose()
    client = app.test_client()
    sign_in(client, user.id, user.session_version)
    sign_url = f"/statements/manage/{statement_id}/sign"
    page = client.get(sign_url)
    assert page.status_code == 200
    shown_hash = forms_in(page.get_data(as_text=True))[0].value("content_hash")
    assert shown_hash

    seen = []

    def crash_after_signature_insert(conn, cursor, statement, parameters, context, executemany):
        text = statement.lstrip().lower()
        if text.startswith("insert into signature"):
            seen.append("signature")
        elif seen and text.startswith("insert into activity_event"):
            raise SimulatedCrash("the process died between signing and recording")

    with app.app_context():
        from app.extensions import db

        app_engine = db.engine
    sa.event.listen(app_engine, "after_cursor_execute", crash_after_signature_insert)
    try:
        crashed = client.post(sign_url, data={"password": DEMO_PASSWORD, "content_hash": shown_hash})
    finally:
        sa.event.remove(app_engine, "after_cursor_execute", crash_after_signature_insert)
    assert seen == ["signature"], "the signature row was written before the crash"
    assert crashed.status_code == 500
    signatures, state, events = _rows(seeded_database, statement_id)
    assert signatures == [] and state == "awaiting_signatures" and events == 0

    signed = client.post(sign_url, data={"password": DEMO_PASSWORD, "content_hash": shown_hash})
    assert signed.status_code == 302
    signatures, state, events = _rows(seeded_database, statement_id)
    assert [s.capacity for s in signatures] == ["chief_executive"] and signatures[0].content_hash == shown_hash
    assert state == "awaiting_signatures" and events == 1
    with app.app_context():
        db.engine.dispose()
