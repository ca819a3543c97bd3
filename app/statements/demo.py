"""Demo data: Riverside Youth Trust's risk assessment and signed statement, which staff have confirmed reading; the
council's statement waiting for the QA check; the health trust's sent back with reasons; St Columba's (a church
that is also a charity) signed under the charity rule. Oakfield School has none yet."""

from __future__ import annotations

from datetime import timedelta

from app.accounts import services as accounts
from app.statements import queries, services
from app.statements.models import StatementState

YOUTH_TRUST = "youth-trust"
QA = "qa@riverside.example"
ADMIN = "admin@riverside.example"

RISKS = [
    {
        "description": "Harm during one-to-one mentoring sessions with young people.",
        "where_when": "Weekly mentoring sessions at the youth centre and occasional community visits.",
        "measures_in_place": "Sessions take place in rooms with glass panels while another adult is on site; "
        "mentors are DBS-checked and trained; session logs are reviewed monthly.",
        "further_action": "Introduce a signing-in sheet for community visits, recording location and return time.",
        "owner": "Designated safeguarding lead",
        "days_to_review": 120,
    },
    {
        "description": "Online grooming through the youth club's group chats.",
        "where_when": "Messaging groups used to organise activities, outside session times.",
        "measures_in_place": "Only the organisation's accounts are used; two staff members are in every group; "
        "no private messages between staff and young people.",
        "further_action": None,
        "owner": "Youth programmes manager",
        "days_to_review": 180,
    },
]

SECTIONS = {
    "nature_of_organisation": (
        "Riverside Youth Trust is a charity running youth clubs, holiday activities and a mentoring scheme for "
        "young people aged 8 to 18 in the south of Riverside. Around 400 children use our services each year, "
        "supported by 12 staff and 40 volunteers."
    ),
    "commitment": (
        "The welfare of every child is paramount. Every child has an equal right to protection from harm, "
        "whatever their age, disability, gender, race, religion or sexual identity.\n\n"
        "Our chief executive and our board of trustees are accountable for safeguarding, and we ask young "
        "people every term how safe they feel in our activities."
    ),
    "measures_in_place": (
        "Our designated safeguarding lead can be contacted on 01632 960000 during opening hours.\n\n"
        "All staff and volunteers are recruited safely, with DBS checks and references, and complete "
        "safeguarding training before they start and every year after.\n\n"
        "Our safeguarding policy is published at https://youth-trust.riverside.example/safeguarding-policy "
        "and our code of conduct at https://youth-trust.riverside.example/code-of-conduct."
    ),
}


COUNCIL, HEALTH, CHURCH = "riverside-council", "riverside-health", "st-columbas"
READERS = [("Aisha", "Youth worker"), ("Tom", "Volunteer mentor"), (None, "Volunteer"), (None, None)]
NO_RISKS = "Children use our services only with a parent or carer present, and our staff never work with a child alone."
SENT_BACK = (
    "Say who your designated safeguarding lead is and how staff and families can contact them.\n\n"
    "The risks part should name the risks from your own risk assessment, not general health and safety."
)


def load(demo) -> None:
    _youth_trust(demo)
    _checks(demo)
    _church(demo)


def _youth_trust(demo) -> None:
    organisation = demo.org(YOUTH_TRUST)
    lead = demo.user("lead@youth-trust.riverside.example")
    if queries.statements_of(organisation.id):
        return
    assessment = queries.risk_assessment_for(organisation.id)
    if assessment is None or not assessment.current_risks:
        for risk in RISKS:
            values = {k: v for k, v in risk.items() if k != "days_to_review"}
            services.add_risk(
                organisation, **values, review_date=demo.today + timedelta(days=risk["days_to_review"]), actor=lead
            )
        demo.say("risk assessment youth-trust")
    if queries.missing_preconditions(organisation):
        demo.say("statement youth-trust skipped: the youth trust has no submitted self-assessment return")
        return
    statement = services.start_statement(organisation, actor=lead)
    services.save_sections(
        statement,
        {key: {"value": text} for key, text in SECTIONS.items()},
        expected_version=services.draft_version(statement),
        actor=lead,
    )
    services.send_for_signatures(statement, actor=lead)
    if statement.state == StatementState.awaiting_check:
        services.approve_statement(statement, actor=demo.user(QA))
    for email in ("ceo@youth-trust.riverside.example", "chair@youth-trust.riverside.example"):
        services.sign_statement(statement, demo.user(email), password=demo.password, shown_hash=statement.content_hash)
    demo.say("statement youth-trust in force")
    for first_name, role in READERS:
        services.confirm_read(statement, confirmed=True, first_name=first_name, role=role)
    demo.say(f"statement youth-trust read by {len(READERS)}")


def _sent_statement(demo, slug: str):
    """A complete statement of the organisation, sent by its lead (so waiting for the QA check), or None when the
    organisation has one already or cannot start one."""
    organisation = demo.organisations.get(slug)
    if organisation is None or queries.statements_of(organisation.id):
        return None
    lead = demo.user(f"lead@{slug}.riverside.example")
    services.record_no_risks(organisation, justification=NO_RISKS, actor=lead)
    if queries.missing_preconditions(organisation):
        return None
    statement = services.start_statement(organisation, actor=lead)
    texts = dict(SECTIONS, nature_of_organisation=f"{organisation.name} serves children and families in Riverside.")
    services.save_sections(
        statement,
        {key: {"value": text} for key, text in texts.items()},
        expected_version=services.draft_version(statement),
        actor=lead,
    )
    services.send_for_signatures(statement, actor=lead)
    return statement


def _checks(demo) -> None:
    if QA not in demo.users:
        return
    if _sent_statement(demo, COUNCIL) is not None:
        demo.say(f"statement {COUNCIL} waiting for the QA check")
    statement = _sent_statement(demo, HEALTH)
    if statement is not None and statement.state == StatementState.awaiting_check:
        services.send_back(statement, reasons=SENT_BACK, actor=demo.user(QA))
        demo.say(f"statement {HEALTH} sent back by QA")


def _church(demo) -> None:
    """A faith organisation that is also a registered charity: its statement needs the charity's two signatures."""
    organisation = demo.organisations.get(CHURCH)
    admin = demo.users.get(ADMIN)
    if organisation is None or admin is None or organisation.signatory_rule:
        return
    accounts.update_organisation(
        organisation,
        name=organisation.name,
        slug=organisation.slug,
        org_type=organisation.org_type,
        areas=organisation.areas,
        active=organisation.active,
        signatory_rule="as:charity",
        actor=admin,
    )
    demo.say(f"{CHURCH} signs under the charity rule")
