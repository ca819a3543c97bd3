"""Staff and volunteers confirm they have read the statement in force at its short link: nothing identifying, the
organisation sees the count, each version starts a new count."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.statements import services
from app.statements.models import ReadConfirmation
from tests.statements.factories import in_force_statement, make_people, send_and_approve, sign_all


def _code(statement) -> str:
    assert statement.read_code and re.fullmatch(r"[2-9a-z]{10}", statement.read_code)
    return statement.read_code


def test_the_public_statement_carries_the_short_link_and_its_qr_code(client, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    db.session.commit()
    html = client.get(f"/statements/{people.org.slug}").get_data(as_text=True)
    link = f"/s/{_code(statement)}"
    assert f'href="http://localhost{link}"' in html or link in html
    assert "<svg" in html and "QR code for the read confirmation page" in html
    assert "confirm you have read this statement" in html


def test_a_reader_confirms_with_an_optional_first_name_and_role(client, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    db.session.commit()
    url = f"/s/{_code(statement)}"
    page = client.get(url).get_data(as_text=True)
    assert people.org.name in page and "I have read this Child Safeguarding Statement" in page
    assert "email" not in page.lower().split("we do not keep your email")[0]  # never asked for

    refused = client.post(url, data={"first_name": "Sam", "role": "Volunteer coach"})
    assert refused.status_code == 200 and "Confirm that you have read the statement" in refused.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(ReadConfirmation)).scalar_one() == 0

    response = client.post(url, data={"first_name": "Sam", "role": "Volunteer coach", "confirmed": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{url}/thanks")
    assert "Thank you" in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post(url, data={"confirmed": "y"})  # anonymous: no name, no role
    rows = db.session.execute(sa.select(ReadConfirmation).order_by(ReadConfirmation.id)).scalars().all()
    assert [(r.statement_id, r.first_name, r.role) for r in rows] == [
        (statement.id, "Sam", "Volunteer coach"),
        (statement.id, None, None),
    ]
    # What is kept: the version, the optional name and role, the time. Nothing else about the reader.
    assert set(ReadConfirmation.__table__.columns.keys()) == {"id", "statement_id", "first_name", "role", "read_at"}


def test_the_lead_sees_the_count_and_who_gave_their_name(client, login_as, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    services.confirm_read(statement, confirmed=True, first_name="Priya", role="Teaching assistant")
    services.confirm_read(statement, confirmed=True)
    login_as(people.lead)
    page = client.get(f"/statements/manage/{statement.id}").get_data(as_text=True)
    assert "2 people have confirmed they have read version 1." in page
    assert "Priya" in page and "Teaching assistant" in page and "the count starts from zero" in page

    other = make_people(org_type="other")
    login_as(other.lead)
    assert client.get(f"/statements/manage/{statement.id}").status_code == 403


def test_qa_sees_read_counts_on_the_register(client, login_as, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    for _ in range(3):
        services.confirm_read(statement, confirmed=True)
    login_as("qa")
    html = client.get("/statements/admin/register").get_data(as_text=True)
    row = html.split(people.org.name, 1)[1].split("</tr>", 1)[0]
    assert ">3<" in row.replace(" ", "").replace("\n", "")


def test_a_new_version_has_a_new_link_and_starts_a_new_count(client, db):
    people = make_people(org_type="other")
    first = in_force_statement(people)
    services.confirm_read(first, confirmed=True)
    second = services.make_changes(first, actor=people.lead)
    send_and_approve(people, second)
    sign_all(people, second)
    db.session.commit()
    assert _code(second) != _code(first)
    assert client.get(f"/s/{second.read_code}").status_code == 200
    # An old poster's link leads to the statement on display now, and counts for it.
    assert "Confirm you have read" in client.get(f"/s/{first.read_code}").get_data(as_text=True)
    client.post(f"/s/{first.read_code}", data={"confirmed": "y"})
    counts = dict(
        db.session.execute(
            sa.select(ReadConfirmation.statement_id, sa.func.count()).group_by(ReadConfirmation.statement_id)
        ).all()
    )
    assert counts == {first.id: 1, second.id: 1}


def test_unknown_codes_and_statements_not_on_display_are_not_found(client, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    db.session.commit()
    assert client.get("/s/abcdefghjk").status_code == 404
    people.org.active = False
    db.session.commit()
    assert client.get(f"/s/{statement.read_code}").status_code == 404


def test_confirmations_are_rate_limited(app, client, db):
    people = make_people(org_type="other")
    statement = in_force_statement(people)
    db.session.commit()
    statuses = [client.post(f"/s/{statement.read_code}", data={"confirmed": "y"}).status_code for _ in range(12)]
    assert statuses[:10] == [302] * 10 and statuses[-1] == 429
