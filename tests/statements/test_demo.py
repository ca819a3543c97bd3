"""The statements part of `flask demo load`."""

from __future__ import annotations

from app.demo import Demo
from app.statements import demo as statements_demo
from app.statements.models import StatementState
from app.statements.queries import coverage, risk_assessment_for, statements_of
from app.utils import today
from tests import factories
from tests.statements.factories import make_submitted_return, verified_signed_copy

PEOPLE = [
    ("lead@youth-trust.riverside.example", ["org_lead"], None),
    ("ceo@youth-trust.riverside.example", ["signatory"], "chief_executive"),
    ("chair@youth-trust.riverside.example", ["signatory"], "chair_of_trustees"),
]


def _demo(db, *, submitted: bool) -> Demo:
    org = factories.make_org(name="Riverside Youth Trust", slug="youth-trust", org_type="charity")
    demo = Demo(password=factories.PASSWORD, today=today(), organisations={"youth-trust": org})
    for email, roles, capacity in PEOPLE:
        demo.users[email] = factories.make_user(email=email, roles=roles, organisation=org, signatory_capacity=capacity)
    demo.users[statements_demo.QA] = factories.make_user(email=statements_demo.QA, roles=["qa"])
    if submitted:
        make_submitted_return(org)
    return demo


def test_demo_puts_the_youth_trust_statement_in_force_once(client, db):
    demo = _demo(db, submitted=True)
    statements_demo.load(demo)
    statements_demo.load(demo)  # idempotent
    org = demo.org("youth-trust")
    (statement,) = statements_of(org.id)
    assert statement.state == StatementState.in_force
    assert sorted(s.capacity for s in statement.signatures) == ["chair_of_trustees", "chief_executive"]
    assert len(risk_assessment_for(org.id).current_risks) == 2
    db.session.commit()
    html = client.get("/statements/youth-trust").get_data(as_text=True)
    assert "https://youth-trust.riverside.example/safeguarding-policy</a>" in html


def test_the_demo_statement_is_sealed_and_verifies(client, runner, db):
    demo = _demo(db, submitted=True)
    statements_demo.load(demo)
    db.session.commit()
    (statement,) = statements_of(demo.org("youth-trust").id)
    assert statement.seal_signature and all(s.seal_signature for s in statement.signatures)
    result = runner.invoke(args=["statements", "verify"])
    assert result.exit_code == 0, result.output
    assert "seal chain of 3 event(s) is intact" in result.output
    sealed = verified_signed_copy(
        client.get("/statements/youth-trust/signed.json").get_data(), client.get("/statements/").get_data(as_text=True)
    )
    assert sealed["organisation"]["name"] == "Riverside Youth Trust" and len(sealed["signatures"]) == 2


def test_demo_without_a_submitted_return_leaves_only_the_risk_assessment(db):
    demo = _demo(db, submitted=False)
    statements_demo.load(demo)
    org = demo.org("youth-trust")
    assert statements_of(org.id) == []
    assert coverage([org.id])[0].status == "no_statement"
    assert any("skipped" in line for line in demo.log)
