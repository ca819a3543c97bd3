"""The right signatories: an organisation's record may name the rule that applies to it (another type's rule, or two
named signatures); by default its type's rule applies. Statements ask app.accounts.signatories everywhere."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts import services as accounts
from app.accounts.models import Organisation
from app.accounts.signatories import required_capacities, rule_choices, rule_label
from app.errors import DomainError
from app.statements import queries, services
from app.statements.models import StatementState
from tests import factories
from tests.statements.factories import (
    checked_statement,
    checker,
    draft_statement,
    make_people,
    send_and_approve,
    sign_all,
)


class _Definition:
    signatories = {"school": ("headteacher", "chair_of_governors"), "default": ("chief_executive",)}

    def signatories_for(self, org_type):
        return self.signatories.get(org_type, self.signatories["default"])


def test_the_type_rule_is_the_default_and_a_record_may_override_it(db):
    org = Organisation(name="St Anne's", slug="st-annes", org_type="faith_organisation")
    assert required_capacities(org, _Definition()) == ("chief_executive",)
    org.signatory_rule = "as:school"
    assert required_capacities(org, _Definition()) == ("headteacher", "chair_of_governors")
    org.signatory_rule = "sign:chief_executive+chair_of_trustees"
    assert required_capacities(org, _Definition()) == ("chief_executive", "chair_of_trustees")
    assert rule_label("sign:chief_executive+chair_of_trustees") == (
        "2 signatures: chief executive or equivalent and chair of trustees"
    )
    assert rule_label("as:charity") == "Use the rule for: charity or voluntary organisation"
    assert rule_choices()[0] == ("", "The rule for its type of organisation")


def test_a_faith_charity_statement_needs_the_charity_signatures(db):
    people = make_people(org_type="faith_organisation", capacities=("chief_executive", "chair_of_trustees"))
    people.org.signatory_rule = "as:charity"
    statement = checked_statement(people)
    assert statement.required_capacities == ["chief_executive", "chair_of_trustees"]
    services.approve_statement(statement, actor=checker())
    services.sign_statement(
        statement, people.signatory("chief_executive"), password=factories.PASSWORD, shown_hash=statement.content_hash
    )
    assert statement.state == StatementState.awaiting_signatures  # the chair of trustees must sign too
    assert queries.awaiting_signature_of(people.signatory("chair_of_trustees")) == [statement]


def test_a_draft_takes_the_rule_in_force_when_it_is_sent(client, login_as, db):
    people = make_people(org_type="school", capacities=("chief_executive", "chair_of_trustees"))
    statement = draft_statement(people)
    assert statement.required_capacities == ["headteacher", "chair_of_governors"]
    people.org.signatory_rule = "sign:chief_executive+chair_of_trustees"  # an academy trust
    login_as(people.lead)
    page = client.get(f"/statements/manage/{statement.id}").get_data(as_text=True)
    assert "Chair of trustees" in page and "Chair of governors" not in page
    send_and_approve(people, statement)
    assert statement.required_capacities == ["chief_executive", "chair_of_trustees"]
    sign_all(people, statement)
    assert statement.state == StatementState.in_force


def test_admin_sets_the_rule_on_the_organisation_form(client, login_as, db):
    login_as("admin")
    data = {"name": "Hillside Academy Trust", "slug": "hillside-trust", "org_type": "school", "areas": ""}
    response = client.post(
        "/admin/organisations/new", data=dict(data, signatory_rule="sign:chief_executive+chair_of_trustees")
    )
    assert response.status_code == 302
    org = db.session.execute(sa.select(Organisation).where(Organisation.slug == "hillside-trust")).scalar_one()
    assert org.signatory_rule == "sign:chief_executive+chair_of_trustees"
    page = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert "Who signs its Child Safeguarding Statement" in page
    assert 'value="sign:chief_executive+chair_of_trustees" selected' in page

    refused = client.post(f"/admin/organisations/{org.id}", data=dict(data, signatory_rule="sign:anyone"))
    assert "Unknown signatory rule" in refused.get_data(as_text=True)
    client.post(f"/admin/organisations/{org.id}", data=dict(data, signatory_rule=""))
    db.session.refresh(org)
    assert org.signatory_rule is None


def test_the_service_refuses_an_unknown_rule(db):
    with pytest.raises(DomainError) as refused:
        accounts.create_organisation(name="X", slug="x-org", org_type="charity", signatory_rule="as:nobody")
    assert refused.value.field == "signatory_rule"
