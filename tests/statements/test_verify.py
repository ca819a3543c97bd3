"""`flask statements verify` catches signed content edited behind the application's back."""

from __future__ import annotations

import sqlalchemy as sa

from app.statements.models import Signature
from tests.statements.factories import in_force_statement, make_people


def test_verify_passes_when_nothing_was_touched(runner, db):
    people = make_people(org_type="other")
    in_force_statement(people)
    db.session.commit()
    result = runner.invoke(args=["statements", "verify"])
    assert result.exit_code == 0, result.output
    assert "every hash matches" in result.output


def test_verify_catches_a_direct_database_edit_of_signed_text(runner, db):
    people = make_people(org_type="school")
    statement = in_force_statement(people)
    db.session.commit()
    db.session.execute(
        sa.text("UPDATE statement SET sections = :sections WHERE id = :id"),
        {"sections": '{"commitment": "Quietly rewritten"}', "id": statement.id},
    )
    db.session.commit()
    db.session.expire_all()
    result = runner.invoke(args=["statements", "verify"])
    assert result.exit_code == 1
    assert f"statement {statement.id}" in result.output and people.org.name in result.output
    assert "content does not match its signed hash" in result.output


def test_verify_catches_a_signature_for_other_content(runner, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    db.session.commit()
    db.session.execute(sa.update(Signature).where(Signature.statement_id == statement.id).values(content_hash="0" * 64))
    db.session.commit()
    db.session.expire_all()
    result = runner.invoke(args=["statements", "verify"])
    assert result.exit_code == 1
    assert "is for different content" in result.output
