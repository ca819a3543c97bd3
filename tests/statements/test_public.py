"""Public register and statement pages: only what is signed and in force."""

from __future__ import annotations

from tests.statements.factories import draft_statement, in_force_statement, make_people, sent_statement


def test_register_lists_only_statements_in_force(client, db):
    shown = make_people(org_type="charity")
    in_force_statement(shown)
    drafting = make_people(org_type="school")
    draft_statement(drafting)
    waiting = make_people(org_type="other")
    sent_statement(waiting)
    db.session.commit()

    html = client.get("/statements/").get_data(as_text=True)
    assert shown.org.name in html and f'href="/statements/{shown.org.slug}"' in html
    assert drafting.org.name not in html and waiting.org.name not in html
    search = client.get(f"/statements/?q={shown.org.name[:10]}").get_data(as_text=True)
    assert shown.org.name in search
    assert "No statements in force match" in client.get("/statements/?q=zzzz-nothing").get_data(as_text=True)


def test_drafts_awaiting_and_unknown_organisations_are_not_found(client, db):
    drafting = make_people()
    draft_statement(drafting)
    waiting = make_people(org_type="other")
    sent_statement(waiting)
    db.session.commit()
    assert client.get(f"/statements/{drafting.org.slug}").status_code == 404
    assert client.get(f"/statements/{waiting.org.slug}").status_code == 404
    assert client.get("/statements/no-such-organisation").status_code == 404


def test_statement_page_is_public_and_printable(client, db):
    people = make_people(org_type="charity")
    statement = in_force_statement(people)
    db.session.commit()
    response = client.get(f"/statements/{people.org.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Child Safeguarding Statement" in html and people.org.name in html
    assert "Chief executive or equivalent" in html and "Chair of trustees" in html
    assert people.signatory("chief_executive").name in html
    assert "In force since" in html and "Review due by" in html
    assert "Print this statement" in html and "app-no-print" in html
    assert "/statements/static/print.js" in html
    assert "Ctrl + P" in client.get(f"/statements/{people.org.slug}?print=1").get_data(as_text=True)
    assert client.get("/statements/static/print.js").status_code == 200
    assert statement.sections["commitment"] in html


def test_inactive_organisations_are_not_displayed(client, db):
    people = make_people(org_type="other")
    in_force_statement(people)
    people.org.active = False
    db.session.commit()
    assert client.get(f"/statements/{people.org.slug}").status_code == 404
    assert people.org.name not in client.get("/statements/").get_data(as_text=True)
