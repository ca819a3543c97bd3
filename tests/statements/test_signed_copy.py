"""The signed copy of a public statement: a download that anyone can check with the register's public key alone."""

from __future__ import annotations

import json
import re

import pytest
from cryptography.exceptions import InvalidSignature

from app.statements import chain
from app.statements.keys import keyring
from tests.statements.factories import in_force_statement, make_people, verified_signed_copy


def test_the_signed_copy_verifies_with_only_the_published_public_key(client, db):
    people = make_people(org_type="charity")
    statement = in_force_statement(people)
    db.session.commit()

    download = client.get(f"/statements/{people.org.slug}/signed.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{people.org.slug}-statement-v1-signed.json"'
    )
    body = download.get_data()
    register = client.get("/statements/").get_data(as_text=True)
    sealed = verified_signed_copy(body, register)
    assert sealed["type"] == "child-safeguarding-statement" and sealed["statement_id"] == statement.id
    assert sealed["sections"] == statement.sections
    assert sealed["organisation"] == {"id": people.org.id, "slug": people.org.slug, "name": people.org.name}
    assert sealed["version_number"] == 1 and sealed["content_hash"] == statement.content_hash
    assert sorted((s["name"], s["capacity"]) for s in sealed["signatures"]) == sorted(
        (people.signatory(c).name, c) for c in ("chief_executive", "chair_of_trustees")
    )
    assert sealed["in_force_at"].startswith(statement.in_force_at.date().isoformat())
    assert sealed["review_due"] == statement.review_due.isoformat()
    assert sealed["key_id"] == statement.seal_key_id == keyring().current.key_id

    copy = json.loads(body)
    forged = dict(copy, payload=copy["payload"].replace("paramount", "optional"))
    assert forged["payload"] != copy["payload"]
    with pytest.raises(InvalidSignature):
        verified_signed_copy(json.dumps(forged).encode(), register)


def test_the_statement_page_shows_its_seal_and_how_to_check_it(client, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    db.session.commit()
    html = client.get(f"/statements/{people.org.slug}").get_data(as_text=True)
    key = keyring().current
    assert statement.seal_signature in html and statement.seal_key_id in html and key.fingerprint in html
    assert f'href="/statements/{people.org.slug}/signed.json"' in html
    assert 'key.verify(base64.b64decode(copy["signature"]), copy["payload"].encode("utf-8"))' in html
    assert "openssl pkeyutl -verify -pubin" in html

    register = client.get("/statements/").get_data(as_text=True)
    assert key.fingerprint in register and key.base64 in register
    events = re.search(r"Events\s*</dt>\s*<dd[^>]*>\s*(\d+)", register)
    assert events and events.group(1) == "2"  # the signature, then the statement in force
    assert chain.head().event_hash in register and chain.head().seal_signature in register
