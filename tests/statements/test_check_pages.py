"""The QA check in the browser: the lead sends, QA approves or sends back with reasons, signatories sign after
approval only, and the statement is published at the last signature."""

from __future__ import annotations

import sqlalchemy as sa

from app.statements import services
from app.statements.models import StatementCheck, StatementState
from tests import factories
from tests.statements.factories import checked_statement, draft_statement, make_people, set_qa_check, shown_hash


def _sign(client, login_as, user, statement):
    login_as(user)
    page = client.get(f"/statements/manage/{statement.id}/sign")
    assert page.status_code == 200, page.status_code
    return client.post(
        f"/statements/manage/{statement.id}/sign",
        data={"password": factories.PASSWORD, "content_hash": shown_hash(page.get_data(as_text=True))},
    )


def test_lead_sends_qa_sends_back_lead_resends_qa_approves_signatories_sign_and_it_is_published(client, login_as, db):
    people = make_people(org_type="school")
    statement = draft_statement(people)
    db.session.commit()

    login_as(people.lead)
    preview = client.get(f"/statements/manage/{statement.id}/preview").get_data(as_text=True)
    assert "Send to be checked" in preview and "quality assurance group checks it first" in preview
    response = client.post(f"/statements/manage/{statement.id}/send")
    assert response.status_code == 302
    db.session.refresh(statement)
    assert statement.state == StatementState.awaiting_check
    page = client.get(f"/statements/manage/{statement.id}").get_data(as_text=True)
    assert "Waiting for QA check" in page and "Withdraw it to make changes" in page

    # Nobody signs before the check.
    login_as(people.signatory("headteacher"))
    assert client.get(f"/statements/manage/{statement.id}/sign").status_code == 302
    assert "Read and sign" not in client.get("/statements/manage").get_data(as_text=True)

    qa = login_as("qa")
    listing = client.get("/statements/checks").get_data(as_text=True)
    assert people.org.name in listing
    check_page = client.get(f"/statements/checks/{statement.id}").get_data(as_text=True)
    assert "Approve for signatures" in check_page and "What needs to change?" in check_page

    refused = client.post(f"/statements/checks/{statement.id}/send-back", data={"reasons": " "})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.get_data(as_text=True)
    db.session.refresh(statement)
    assert statement.state == StatementState.awaiting_check

    reasons = "Say who your designated safeguarding lead is and how to contact them."
    response = client.post(f"/statements/checks/{statement.id}/send-back", data={"reasons": reasons})
    assert response.status_code == 302 and response.headers["Location"].endswith("/statements/checks")
    db.session.refresh(statement)
    assert statement.state == StatementState.draft

    login_as(people.lead)
    page = client.get(f"/statements/manage/{statement.id}").get_data(as_text=True)
    assert "What needs to change" in page and reasons in page
    assert "sent version 1 back" in client.get("/statements/manage").get_data(as_text=True)
    client.post(
        f"/statements/manage/{statement.id}/sections/measures_in_place",
        data={
            "measures_in_place": "Our designated safeguarding lead, Jo Smith, is on 01632 960001.",
            "action": "later",
            "lock_version": services.draft_version(statement),
        },
    )
    client.post(f"/statements/manage/{statement.id}/send")
    db.session.refresh(statement)
    assert statement.state == StatementState.awaiting_check

    login_as(qa)
    response = client.post(f"/statements/checks/{statement.id}/approve")
    assert response.status_code == 302
    db.session.refresh(statement)
    assert statement.state == StatementState.awaiting_signatures and statement.text_approved
    (_returned, approved) = db.session.execute(
        sa.select(StatementCheck).where(StatementCheck.statement_id == statement.id).order_by(StatementCheck.id)
    ).scalars()
    assert approved.checked_by_id == qa.id and approved.content_hash == statement.content_hash

    _sign(client, login_as, people.signatory("headteacher"), statement)
    assert client.get(f"/statements/{people.org.slug}").status_code == 404
    _sign(client, login_as, people.signatory("chair_of_governors"), statement)
    db.session.refresh(statement)
    assert statement.state == StatementState.in_force
    public = client.get(f"/statements/{people.org.slug}").get_data(as_text=True)
    assert "Jo Smith" in public


def test_approving_twice_is_refused_on_the_page(client, login_as, db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    login_as("qa")
    assert client.post(f"/statements/checks/{statement.id}/approve").status_code == 302
    again = client.post(f"/statements/checks/{statement.id}/approve")
    assert again.status_code == 200 and "already been approved" in again.get_data(as_text=True)


def test_only_qa_and_admin_reach_the_check_pages(client, login_as, db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    db.session.commit()
    for user in (people.lead, people.signatory("chief_executive")):
        login_as(user)
        assert client.get("/statements/checks").status_code == 403
        assert client.get(f"/statements/checks/{statement.id}").status_code == 403
        assert client.post(f"/statements/checks/{statement.id}/approve").status_code == 403
        assert client.post(f"/statements/checks/{statement.id}/send-back", data={"reasons": "x"}).status_code == 403
    db.session.refresh(statement)
    assert statement.state == StatementState.awaiting_check
    login_as("admin")
    assert client.get(f"/statements/checks/{statement.id}").status_code == 200
    assert client.get("/statements/checks/999999").status_code == 404


def test_qa_sees_what_waits_on_the_dashboard_and_the_register(client, login_as, db):
    people = make_people(org_type="other")
    checked_statement(people)
    login_as("qa")
    assert f"Check {people.org.name}, version 1" in client.get("/tasks").get_data(as_text=True)
    assert "Statements to check: 1" in client.get("/statements/admin/register").get_data(as_text=True)


def test_with_the_check_off_the_lead_sends_straight_to_signatories(client, login_as, db):
    set_qa_check(False)
    people = make_people(org_type="other")
    statement = draft_statement(people)
    login_as(people.lead)
    assert "Send for signatures" in client.get(f"/statements/manage/{statement.id}/preview").get_data(as_text=True)
    client.post(f"/statements/manage/{statement.id}/send")
    db.session.refresh(statement)
    assert statement.state == StatementState.awaiting_signatures


def test_admin_turns_the_check_off_on_the_settings_page(client, login_as, db):
    from app.accounts import settings
    from app.statements.checking import check_is_on

    login_as("admin")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "QA checks statements before they are published" in page
    assert check_is_on()
    form = {}
    for spec in settings.declared_settings():
        value = settings.get_setting(spec.key)
        if spec.kind == "bool":
            value = "yes" if value else "no"
        elif spec.kind == "emails":
            value = "\n".join(value)
        form[spec.key] = value
    response = client.post("/admin/settings", data=dict(form, **{"statements.qa_check": "no"}))
    assert response.status_code == 302
    assert not check_is_on()
