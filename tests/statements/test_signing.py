"""Signing: the right people, their password, the content they read, all in one transaction."""

from __future__ import annotations

import sqlalchemy as sa

from app.statements import services
from app.statements.content import canonical_content, content_hash
from app.statements.models import Signature, Statement, StatementState
from tests import factories
from tests.statements.factories import make_people, sent_statement, shown_hash


def _sign(client, login_as, user, statement, password=factories.PASSWORD):
    login_as(user)
    page = client.get(f"/statements/manage/{statement.id}/sign")
    assert page.status_code == 200
    return client.post(
        f"/statements/manage/{statement.id}/sign",
        data={"password": password, "content_hash": shown_hash(page.get_data(as_text=True))},
    )


def test_school_statement_needs_both_signatures_before_it_is_public(client, login_as, db):
    people = make_people(org_type="school")
    statement = sent_statement(people)
    db.session.commit()
    assert statement.required_capacities == ["headteacher", "chair_of_governors"]

    response = _sign(client, login_as, people.signatory("headteacher"), statement)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{statement.id}/signed")
    db.session.refresh(statement)
    assert statement.state == StatementState.awaiting_signatures
    assert client.get(f"/statements/{people.org.slug}").status_code == 404
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Statement signed" in confirmation and "chair of governors" in confirmation

    _sign(client, login_as, people.signatory("chair_of_governors"), statement)
    db.session.refresh(statement)
    assert statement.state == StatementState.in_force
    assert statement.in_force_at is not None and statement.review_due is not None
    months = (
        (statement.review_due.year - statement.in_force_at.year) * 12
        + statement.review_due.month
        - statement.in_force_at.month
    )
    assert months == 24
    assert {s.capacity for s in statement.signatures} == {"headteacher", "chair_of_governors"}
    assert all(s.content_hash == content_hash(statement) for s in statement.signatures)

    public = client.get(f"/statements/{people.org.slug}")
    assert public.status_code == 200
    html = public.get_data(as_text=True)
    assert people.signatory("headteacher").name in html and people.signatory("chair_of_governors").name in html
    assert "Headteacher" in html and "Chair of governors" in html
    assert "Review due by" in html and "Print this statement" in html


def test_content_hash_is_sha256_of_canonical_content(db):
    people = make_people(org_type="other")
    statement = sent_statement(people)
    import hashlib
    import json

    canonical = canonical_content(statement)
    payload = json.loads(canonical)
    assert payload == {"organisation_id": people.org.id, "version_number": 1, "sections": statement.sections}
    assert statement.content_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert statement.required_capacities == ["chief_executive"]


def test_wrong_password_is_refused_and_counts_towards_the_sign_in_limit(client, login_as, db):
    people = make_people(org_type="other")
    statement = sent_statement(people)
    db.session.commit()
    login_as(people.signatory("chief_executive"))
    page = client.get(f"/statements/manage/{statement.id}/sign").get_data(as_text=True)
    data = {"password": "not-my-password-1", "content_hash": shown_hash(page)}
    for _ in range(5):
        response = client.post(f"/statements/manage/{statement.id}/sign", data=data)
        assert response.status_code == 200
        assert "The password is not correct" in response.get_data(as_text=True)
    assert client.post(f"/statements/manage/{statement.id}/sign", data=data).status_code == 429
    # The same account's bucket guards sign-in (tests/security/test_password_rate_limits.py: other accounts are not).
    signatory = people.signatory("chief_executive")
    assert client.post("/sign-in", data={"email": signatory.email, "password": "y"}).status_code == 429
    assert db.session.execute(sa.select(Signature).where(Signature.statement_id == statement.id)).first() is None


def test_signatories_of_another_capacity_or_organisation_are_refused(client, login_as, db):
    people = make_people(org_type="school")
    statement = sent_statement(people)
    other = make_people(org_type="school")
    trustee = factories.make_user(roles=["signatory"], organisation=people.org, signatory_capacity="chair_of_trustees")
    db.session.commit()
    for user in (trustee, other.signatory("headteacher"), people.lead):
        login_as(user)
        assert client.get(f"/statements/manage/{statement.id}/sign").status_code == 403
        response = client.post(
            f"/statements/manage/{statement.id}/sign",
            data={"password": factories.PASSWORD, "content_hash": statement.content_hash},
        )
        assert response.status_code == 403
    assert statement.signatures == []


def test_signing_content_that_changed_since_it_was_shown_is_refused(client, login_as, db):
    people = make_people(org_type="other")
    statement = sent_statement(people)
    db.session.commit()
    signer = people.signatory("chief_executive")
    login_as(signer)
    old_hash = shown_hash(client.get(f"/statements/manage/{statement.id}/sign").get_data(as_text=True))

    # The lead withdraws it (nobody has signed yet), changes the text and sends it again.
    login_as(people.lead)
    assert client.post(f"/statements/manage/{statement.id}/make-changes").status_code == 302
    client.post(
        f"/statements/manage/{statement.id}/sections/commitment",
        data={
            "commitment": "A different commitment.",
            "action": "later",
            "lock_version": services.draft_version(statement),
        },
    )
    assert client.post(f"/statements/manage/{statement.id}/send").status_code == 302
    db.session.refresh(statement)
    assert statement.content_hash != old_hash

    login_as(signer)
    response = client.post(
        f"/statements/manage/{statement.id}/sign", data={"password": factories.PASSWORD, "content_hash": old_hash}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The statement changed since you opened it" in html
    assert "A different commitment." in html
    assert statement.content_hash in html  # the form now carries the hash of what is shown
    db.session.refresh(statement)
    assert statement.state == StatementState.awaiting_signatures and statement.signatures == []

    response = client.post(
        f"/statements/manage/{statement.id}/sign",
        data={"password": factories.PASSWORD, "content_hash": shown_hash(html)},
    )
    assert response.status_code == 302
    db.session.refresh(statement)
    assert statement.state == StatementState.in_force


def test_editing_after_a_signature_makes_a_new_version_and_voids_signatures(client, login_as, db):
    people = make_people(org_type="school")
    statement = sent_statement(people)
    db.session.commit()
    _sign(client, login_as, people.signatory("headteacher"), statement)

    login_as(people.lead)
    assert client.get(f"/statements/manage/{statement.id}/sections/commitment").status_code == 302
    client.post(
        f"/statements/manage/{statement.id}/sections/commitment",
        data={"commitment": "Sneaky change", "action": "later"},
    )
    db.session.refresh(statement)
    assert statement.sections["commitment"] != "Sneaky change"

    response = client.post(f"/statements/manage/{statement.id}/make-changes")
    db.session.refresh(statement)
    assert statement.state == StatementState.superseded
    assert all(s.voided_at is not None for s in statement.signatures)
    new = db.session.execute(
        sa.select(Statement).where(Statement.organisation_id == people.org.id, Statement.version_number == 2)
    ).scalar_one()
    assert response.headers["Location"].endswith(f"/statements/manage/{new.id}")
    assert new.state == StatementState.draft and new.sections == statement.sections and new.signatures == []

    # The voided signature does not count towards the new version.
    login_as(people.signatory("headteacher"))
    assert client.get(f"/statements/manage/{statement.id}/sign").status_code == 302


def test_withdrawing_before_anyone_signs_keeps_the_version(client, login_as, db):
    people = make_people(org_type="other")
    statement = sent_statement(people)
    db.session.commit()
    login_as(people.lead)
    client.post(f"/statements/manage/{statement.id}/make-changes")
    db.session.refresh(statement)
    assert statement.state == StatementState.draft and statement.content_hash is None
    assert statement.version_number == 1


def test_a_new_version_in_force_supersedes_the_previous_one(client, login_as, db):
    from tests.statements.factories import sign_all

    people = make_people(org_type="other")
    first = sent_statement(people)
    sign_all(people, first)
    db.session.commit()
    login_as(people.lead)
    response = client.post(f"/statements/manage/{first.id}/make-changes")
    second = db.session.execute(
        sa.select(Statement).where(Statement.organisation_id == people.org.id, Statement.version_number == 2)
    ).scalar_one()
    assert response.headers["Location"].endswith(f"/{second.id}")
    db.session.refresh(first)
    assert first.state == StatementState.in_force  # stays in force while its successor is written
    client.post(
        f"/statements/manage/{second.id}/sections/commitment",
        data={
            "commitment": "Our renewed commitment.",
            "action": "later",
            "lock_version": services.draft_version(second),
        },
    )
    client.post(f"/statements/manage/{second.id}/send")
    _sign(client, login_as, people.signatory("chief_executive"), second)
    db.session.refresh(first)
    db.session.refresh(second)
    assert second.state == StatementState.in_force
    assert first.state == StatementState.superseded and first.superseded_at is not None
    html = client.get(f"/statements/{people.org.slug}").get_data(as_text=True)
    assert "Our renewed commitment." in html


def test_a_crash_between_signing_and_recording_leaves_no_signature(client, login_as, db, monkeypatch):
    from app.statements.services import signing

    people = make_people(org_type="other")
    statement = sent_statement(people)
    db.session.commit()
    login_as(people.signatory("chief_executive"))
    page = client.get(f"/statements/manage/{statement.id}/sign").get_data(as_text=True)

    real_record = signing.record

    def failing_record(verb, *args, **kwargs):
        if verb == "signed":
            raise RuntimeError("simulated crash after the signature was added")
        return real_record(verb, *args, **kwargs)

    monkeypatch.setattr(signing, "record", failing_record)
    response = client.post(
        f"/statements/manage/{statement.id}/sign",
        data={"password": factories.PASSWORD, "content_hash": shown_hash(page)},
    )
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.execute(sa.select(Signature).where(Signature.statement_id == statement.id)).first() is None
    assert db.session.get(Statement, statement.id).state == StatementState.awaiting_signatures


def test_signatory_sees_statements_awaiting_their_signature(client, login_as, db):
    people = make_people(org_type="school")
    statement = sent_statement(people)
    db.session.commit()
    login_as(people.signatory("chair_of_governors"))
    html = client.get("/tasks").get_data(as_text=True)
    assert "Statements awaiting your signature" in html
    assert f"/statements/manage/{statement.id}/sign" in html
    _sign(client, login_as, people.signatory("chair_of_governors"), statement)
    assert "Statements awaiting your signature" not in client.get("/tasks").get_data(as_text=True)
