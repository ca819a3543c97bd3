"""Password checks (sign-in, statement signing, changing a password) are limited per account and, more loosely, per
client address: one person guessing locks that account only, so an office behind one address keeps working, while a
flood from one address across many accounts is still refused."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.statements.factories import make_people, sent_statement, shown_hash


def _sign_in(client, email, password="wrong-password-0000"):
    return client.post("/sign-in", data={"email": email, "password": password}).status_code


def test_wrong_passwords_lock_that_account_but_not_a_colleague_at_the_same_address(client, make):
    make.make_user(roles=["qa"], email="x@office.example")
    make.make_user(roles=["qa"], email="y@office.example")
    assert [_sign_in(client, "x@office.example") for _ in range(5)] == [200] * 5
    assert _sign_in(client, "x@office.example") == 429
    assert _sign_in(client, " X@Office.example ") == 429  # the same account however it is typed
    assert _sign_in(client, "x@office.example", PASSWORD) == 429  # locked for the minute, even with the password
    assert _sign_in(client, "y@office.example", PASSWORD) == 302  # same address, another account: signed in


def test_a_flood_from_one_address_across_many_accounts_is_still_limited(app, client):
    limit = int(app.config["LOGIN_ADDRESS_RATE_LIMIT"].split()[0])
    assert limit > int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    codes = [_sign_in(client, f"guess{i}@office.example") for i in range(limit + 1)]
    assert codes[:limit] == [200] * limit
    assert codes[limit] == 429


@pytest.mark.parametrize("address_limit", ["3 per minute"])
def test_the_address_limit_is_configurable(app, client, address_limit):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = address_limit
    try:
        assert [_sign_in(client, f"a{i}@office.example") for i in range(4)] == [200, 200, 200, 429]
    finally:
        app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "20 per minute"


def test_wrong_signing_passwords_lock_the_signatory_only(client, login_as, make, db):
    people = make_people(org_type="other")
    statement = sent_statement(people)
    colleague = make.make_user(roles=["qa"], email="colleague@office.example")
    db.session.commit()
    signatory = login_as(people.signatory("chief_executive"))
    url = f"/statements/manage/{statement.id}/sign"
    data = {"password": "not-my-password-1", "content_hash": shown_hash(client.get(url).get_data(as_text=True))}
    assert [client.post(url, data=data).status_code for _ in range(5)] == [200] * 5
    assert client.post(url, data=data).status_code == 429
    client.post("/sign-out")
    assert _sign_in(client, signatory.email, PASSWORD) == 429  # the signatory's account shares the bucket
    assert _sign_in(client, colleague.email, PASSWORD) == 302  # a colleague at the same address signs in
