"""Seals: a statement rewritten in the database, its SHA-256 recomputed beside it, no longer passes
`flask statements verify` and is not shown as signed; nor is a renamed signer, a deleted or reordered history,
or an older version put back on display."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from app.statements import chain, services
from app.statements.content import canonical_content
from app.statements.models import SealEvent, Signature, Statement, StatementState
from tests.statements.factories import SECTIONS, in_force_statement, make_people, send_and_approve, sign_all

FORGED = "We no longer check anyone who works with children."


def _verify(runner):
    result = runner.invoke(args=["statements", "verify"])
    return result.exit_code, result.output


def _commit_and_forget(db):
    db.session.commit()
    db.session.expire_all()


def _rewrite_words(db, statement: Statement, text: str) -> None:
    """What someone with write access to the database can do: new words, and every SHA-256 recomputed to match."""
    sections = dict(statement.sections, commitment=text)
    probe = Statement(
        organisation_id=statement.organisation_id, version_number=statement.version_number, sections=sections
    )
    forged_hash = hashlib.sha256(canonical_content(probe).encode("utf-8")).hexdigest()
    db.session.execute(
        sa.text("UPDATE statement SET sections = :sections, content_hash = :hash WHERE id = :id"),
        {"sections": json.dumps(sections), "hash": forged_hash, "id": statement.id},
    )
    db.session.execute(
        sa.text("UPDATE signature SET content_hash = :hash WHERE statement_id = :id"),
        {"hash": forged_hash, "id": statement.id},
    )
    _commit_and_forget(db)


def test_signing_seals_each_signature_and_the_statement_in_one_chain(runner, db):
    people = make_people(org_type="school")
    statement = in_force_statement(people)
    _commit_and_forget(db)
    assert statement.seal_key_id and len(statement.seal_signature) == 88
    assert all(s.seal_key_id == statement.seal_key_id and s.seal_signature for s in statement.signatures)
    assert (statement.organisation_name, statement.organisation_slug) == (people.org.name, people.org.slug)
    events = chain.events()
    assert [(e.sequence, e.kind) for e in events] == [(1, "signature"), (2, "signature"), (3, "statement")]
    assert events[0].previous_hash == chain.GENESIS
    assert [e.previous_hash for e in events[1:]] == [e.event_hash for e in events[:-1]]
    code, output = _verify(runner)
    assert code == 0, output
    assert "1 signed statement(s) checked" in output and f"head {events[-1].event_hash}" in output


def test_rewritten_words_with_a_recomputed_hash_fail_verification_and_are_withheld(runner, client, db):
    people = make_people(org_type="school")
    statement = in_force_statement(people)
    _commit_and_forget(db)
    _rewrite_words(db, statement, FORGED)

    code, output = _verify(runner)
    assert code == 1
    assert f"statement {statement.id} ({people.org.name})" in output
    assert "does not match its seal" in output
    assert "content does not match its signed hash" not in output  # the forger recomputed the hash

    page = client.get(f"/statements/{people.org.slug}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert FORGED not in html and SECTIONS["nature_of_organisation"] not in html
    assert "This statement cannot be shown" in html and "Download the signed copy" not in html
    download = client.get(f"/statements/{people.org.slug}/signed.json")
    assert download.status_code == 409 and FORGED not in download.get_data(as_text=True)


def test_a_changed_signatory_name_fails_verification(runner, client, db):
    people = make_people(org_type="charity")
    statement = in_force_statement(people)
    _commit_and_forget(db)
    db.session.execute(
        sa.update(Signature)
        .where(Signature.statement_id == statement.id, Signature.capacity == "chief_executive")
        .values(signatory_name="Someone Else Entirely")
    )
    _commit_and_forget(db)

    code, output = _verify(runner)
    assert code == 1
    assert f"statement {statement.id} ({people.org.name})" in output
    assert "Someone Else Entirely (chief_executive): it does not match its seal" in output
    html = client.get(f"/statements/{people.org.slug}").get_data(as_text=True)
    assert "Someone Else Entirely" not in html and "This statement cannot be shown" in html


def test_a_changed_in_force_date_or_organisation_fails_verification(runner, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    other = make_people(org_type="other")
    _commit_and_forget(db)
    db.session.execute(sa.text("UPDATE statement SET review_due = '2099-01-01' WHERE id = :id"), {"id": statement.id})
    _commit_and_forget(db)
    code, output = _verify(runner)
    assert code == 1 and f"statement {statement.id}" in output and "does not match its seal" in output

    db.session.execute(
        sa.text("UPDATE statement SET review_due = :due, organisation_id = :org WHERE id = :id"),
        {"due": statement.review_due.isoformat(), "org": other.org.id, "id": statement.id},
    )
    _commit_and_forget(db)
    code, output = _verify(runner)
    assert code == 1 and other.org.name in output and "does not match its seal" in output


def test_deleting_a_signing_event_breaks_the_chain(runner, db):
    first = make_people(org_type="other")
    in_force_statement(first)
    second = make_people(org_type="other")
    in_force_statement(second)
    _commit_and_forget(db)
    assert _verify(runner)[0] == 0
    deleted = db.session.execute(sa.select(SealEvent).where(SealEvent.sequence == 1)).scalar_one()
    db.session.execute(sa.delete(SealEvent).where(SealEvent.id == deleted.id))
    _commit_and_forget(db)

    code, output = _verify(runner)
    assert code == 1
    assert "seal chain event 2: expected event 1 here" in output
    assert "seal chain event 2: does not follow the event before it" in output
    assert f"statement {deleted.statement_id} ({first.org.name})" in output and "missing from the seal chain" in output


def test_deleting_the_latest_event_is_found_by_what_it_sealed(runner, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    _commit_and_forget(db)
    db.session.execute(
        sa.delete(SealEvent).where(SealEvent.kind == "statement", SealEvent.statement_id == statement.id)
    )
    _commit_and_forget(db)
    code, output = _verify(runner)
    assert code == 1
    assert f"statement {statement.id} ({people.org.name})" in output
    assert "its seal is missing from the seal chain" in output


def test_reordering_events_breaks_the_chain(runner, db):
    people = make_people(org_type="school")
    in_force_statement(people)
    _commit_and_forget(db)
    swap = [(1, 1000), (2, 1), (1000, 2)]
    for old, new in swap:
        db.session.execute(sa.update(SealEvent).where(SealEvent.sequence == old).values(sequence=new))
    _commit_and_forget(db)

    code, output = _verify(runner)
    assert code == 1
    assert "seal chain event 1: its record was changed after it was sealed" in output
    assert "seal chain event 2: does not follow the event before it" in output


def test_an_older_version_put_back_on_display_is_withheld(runner, client, db):
    people = make_people(org_type="other")
    first = in_force_statement(people)
    second = services.make_changes(first, actor=people.lead)
    services.save_sections(
        second,
        {"commitment": {"value": "Version two of our commitment."}},
        expected_version=services.draft_version(second),
        actor=people.lead,
    )
    send_and_approve(people, second)
    sign_all(people, second)
    _commit_and_forget(db)
    assert (first.state, second.state) == (StatementState.superseded, StatementState.in_force)
    assert _verify(runner)[0] == 0
    db.session.execute(sa.text("UPDATE statement SET state = 'superseded' WHERE id = :id"), {"id": second.id})
    db.session.execute(sa.text("UPDATE statement SET state = 'in_force' WHERE id = :id"), {"id": first.id})
    _commit_and_forget(db)

    code, output = _verify(runner)
    assert code == 1 and f"statement {first.id} ({people.org.name})" in output
    assert "on public display, but version 2 was sealed after it" in output
    assert "This statement cannot be shown" in client.get(f"/statements/{people.org.slug}").get_data(as_text=True)


def test_renaming_the_organisation_keeps_its_sealed_statement_valid(runner, client, db):
    from app.accounts.services import update_organisation

    people = make_people(org_type="other")
    in_force_statement(people)
    old_name = people.org.name
    update_organisation(
        people.org,
        name="Renamed Organisation",
        slug="renamed-organisation",
        org_type=people.org.org_type,
        areas=people.org.areas,
        active=True,
    )
    _commit_and_forget(db)
    code, output = _verify(runner)
    assert code == 0, output
    page = client.get("/statements/renamed-organisation").get_data(as_text=True)
    assert "Renamed Organisation" in page and "Check this statement is genuine" in page
    copy = json.loads(client.get("/statements/renamed-organisation/signed.json").get_data(as_text=True))
    assert json.loads(copy["payload"])["organisation"]["name"] == old_name


def _as_before_seals(db, statement_id: int) -> None:
    """A statement as revision 0010 finds one signed before it: no seals and nothing in the chain."""
    db.session.execute(sa.delete(SealEvent).where(SealEvent.statement_id == statement_id))
    db.session.execute(
        sa.text("UPDATE signature SET seal_key_id = NULL, seal_signature = NULL WHERE statement_id = :id"),
        {"id": statement_id},
    )
    db.session.execute(
        sa.text("UPDATE statement SET seal_key_id = NULL, seal_signature = NULL WHERE id = :id"), {"id": statement_id}
    )
    _commit_and_forget(db)


def test_statements_signed_before_seals_existed_are_sealed_once(runner, db):
    people = make_people(org_type="school")
    statement = in_force_statement(people)
    _commit_and_forget(db)
    _as_before_seals(db, statement.id)
    code, output = _verify(runner)
    assert code == 1 and "it has no seal" in output

    result = runner.invoke(args=["statements", "seal-existing"])
    assert result.exit_code == 0, result.output
    assert "Sealed 1 statement(s)" in result.output
    assert _verify(runner)[0] == 0
    assert "Sealed 0 statement(s)" in runner.invoke(args=["statements", "seal-existing"]).output


def test_sealing_existing_statements_refuses_changed_words_and_later_unsealed_ones(runner, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    signed_sections = dict(statement.sections)
    _commit_and_forget(db)
    _as_before_seals(db, statement.id)
    db.session.execute(
        sa.text("UPDATE statement SET sections = :s WHERE id = :id"),
        {"s": json.dumps(dict(signed_sections, commitment=FORGED)), "id": statement.id},
    )
    _commit_and_forget(db)
    result = runner.invoke(args=["statements", "seal-existing"])
    assert result.exit_code == 1 and "Nothing was sealed" in result.output
    assert db.session.get(Statement, statement.id).seal_signature is None
    db.session.execute(
        sa.text("UPDATE statement SET sections = :s WHERE id = :id"),
        {"s": json.dumps(signed_sections), "id": statement.id},
    )

    in_force_statement(make_people(org_type="other"))  # sealed: the chain has begun
    later = make_people(org_type="other")
    after_seals = in_force_statement(later)
    _commit_and_forget(db)
    _as_before_seals(db, after_seals.id)  # its seals stripped after the chain began
    result = runner.invoke(args=["statements", "seal-existing"])
    assert result.exit_code == 0 and "Sealed 1 statement(s)" in result.output
    code, output = _verify(runner)
    assert code == 1 and f"statement {after_seals.id} ({later.org.name})" in output and "it has no seal" in output
    assert f"statement {statement.id} " not in output
