"""The QA check: the quality assurance group approves a statement's text, or sends it back with reasons, before
anyone signs it; publishing at the last signature needs that approval unless the partnership turns the check off."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.errors import DomainError, InvalidTransition, PermissionDenied
from app.statements import queries, services
from app.statements.models import CheckDecision, StatementState
from tests import factories
from tests.statements.factories import (
    checked_statement,
    checker,
    make_people,
    set_qa_check,
    sign_all,
)


def test_a_sent_statement_waits_for_the_check_and_cannot_be_signed(db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    assert statement.state == StatementState.awaiting_check
    assert statement.content_hash and statement.sent_for_check_at is not None
    assert statement.sent_for_signatures_at is None
    with pytest.raises(InvalidTransition):
        sign_all(people, statement)
    assert statement.signatures == []


def test_approval_opens_signing_and_the_last_signature_publishes(db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    qa = checker()
    check = services.approve_statement(statement, actor=qa)
    assert check.decision == CheckDecision.approved and check.content_hash == statement.content_hash
    assert statement.state == StatementState.awaiting_signatures and statement.text_approved
    assert statement.organisation_name == people.org.name
    sign_all(people, statement)
    assert statement.state == StatementState.in_force
    assert statement.read_code and len(statement.read_code) == 10


def test_sent_back_with_reasons_the_lead_edits_and_sends_again(db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    services.send_back(statement, reasons="Name your designated safeguarding lead.", actor=checker())
    assert statement.state == StatementState.draft and statement.content_hash is None
    assert statement.sent_back.reasons == "Name your designated safeguarding lead."
    services.save_sections(
        statement,
        {"measures_in_place": {"value": "Our designated safeguarding lead is Jo Smith."}},
        expected_version=services.draft_version(statement),
        actor=people.lead,
    )
    services.send_for_signatures(statement, actor=people.lead)
    assert statement.state == StatementState.awaiting_check and statement.sent_back is None
    assert not statement.text_approved


def test_sending_back_needs_reasons(db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    with pytest.raises(DomainError) as refused:
        services.send_back(statement, reasons="  ", actor=checker())
    assert refused.value.field == "reasons"
    assert statement.state == StatementState.awaiting_check


def test_only_the_qa_group_or_admin_checks(db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    for outsider in (people.lead, people.signatory("chief_executive"), factories.make_user(roles=["auditor"])):
        with pytest.raises(PermissionDenied):
            services.approve_statement(statement, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.send_back(statement, reasons="No", actor=outsider)
    services.approve_statement(statement, actor=factories.make_user(roles=["admin"]))
    assert statement.state == StatementState.awaiting_signatures


def test_a_changed_text_is_not_approved(db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    db.session.execute(
        sa.text("UPDATE statement SET sections = :s WHERE id = :id"),
        {"s": '{"commitment": "Tampered"}', "id": statement.id},
    )
    db.session.expire(statement)
    with pytest.raises(DomainError):
        services.approve_statement(statement, actor=checker())


def test_with_the_check_off_statements_go_straight_to_signatures(db):
    set_qa_check(False)
    people = make_people(org_type="other")
    statement = checked_statement(people)
    assert statement.state == StatementState.awaiting_signatures
    sign_all(people, statement)
    assert statement.state == StatementState.in_force and statement.checks == []


def test_turning_the_check_on_stops_unapproved_statements_being_signed_until_approved(db):
    set_qa_check(False)
    people = make_people(org_type="school")
    statement = checked_statement(people)
    services.sign_statement(
        statement, people.signatory("headteacher"), password=factories.PASSWORD, shown_hash=statement.content_hash
    )
    set_qa_check(True)
    chair = people.signatory("chair_of_governors")
    assert queries.awaiting_signature_of(chair) == []
    with pytest.raises(DomainError, match="quality assurance check"):
        services.sign_statement(statement, chair, password=factories.PASSWORD, shown_hash=statement.content_hash)
    assert statement.state == StatementState.awaiting_signatures
    services.approve_statement(statement, actor=checker())
    services.sign_statement(statement, chair, password=factories.PASSWORD, shown_hash=statement.content_hash)
    assert statement.state == StatementState.in_force


def test_withdrawn_from_the_check_and_sent_again_unchanged_needs_no_second_check(db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    services.approve_statement(statement, actor=checker())
    services.make_changes(statement, actor=people.lead)  # nobody signed: back to draft
    services.send_for_signatures(statement, actor=people.lead)
    assert statement.state == StatementState.awaiting_signatures


def test_the_lead_can_withdraw_a_statement_waiting_for_its_check(db):
    people = make_people(org_type="other")
    statement = checked_statement(people)
    assert services.make_changes(statement, actor=people.lead) is statement
    assert statement.state == StatementState.draft and statement.content_hash is None


def test_checks_are_in_the_activity_log(db):
    from app.activity.models import ActivityEvent

    people = make_people(org_type="other")
    statement = checked_statement(people)
    services.send_back(statement, reasons="Add your safeguarding policy link.", actor=checker())
    services.send_for_signatures(statement, actor=people.lead)
    services.approve_statement(statement, actor=checker())
    verbs = (
        db.session.execute(
            sa.select(ActivityEvent.verb)
            .where(ActivityEvent.object_type == "statement", ActivityEvent.object_id == statement.id)
            .order_by(ActivityEvent.id)
        )
        .scalars()
        .all()
    )
    assert verbs[-4:] == ["sent_for_check", "check_returned", "sent_for_check", "check_approved"]


def test_the_sign_page_sends_a_signatory_away_until_the_text_is_approved(client, login_as, db):
    set_qa_check(False)
    people = make_people(org_type="other")
    statement = checked_statement(people)
    set_qa_check(True)
    login_as(people.signatory("chief_executive"))
    response = client.get(f"/statements/manage/{statement.id}/sign")
    assert response.status_code == 302 and response.headers["Location"].endswith("/statements/manage")
    services.approve_statement(statement, actor=checker())
    assert client.get(f"/statements/manage/{statement.id}/sign").status_code == 200
