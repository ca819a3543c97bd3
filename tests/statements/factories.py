"""Builders for statement tests: organisations with their people, a submitted self-assessment, risks, statements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.accounts.models import Organisation, User
from app.extensions import db
from app.utils import utcnow
from tests import factories

SECTIONS = {
    "nature_of_organisation": "We are a primary school for 420 children aged 4 to 11.",
    "commitment": "The welfare of every child is paramount.",
    "measures_in_place": "Our safeguarding policy: https://school.example/safeguarding-policy.",
    "risks_and_mitigations": "Risk: harm during one-to-one tuition. Sessions are held in open rooms.",
}

HASH_RE = re.compile(r'name="content_hash" value="([0-9a-f]{64})"')


@dataclass
class OrgPeople:
    org: Organisation
    lead: User
    signatories: dict[str, User]

    def signatory(self, capacity: str) -> User:
        return self.signatories[capacity]


def make_people(*, org_type: str = "school", capacities: tuple[str, ...] | None = None) -> OrgPeople:
    """An organisation with an org lead and one signatory per required capacity."""
    org = factories.make_org(org_type=org_type)
    lead = factories.make_user(roles=["org_lead"], organisation=org)
    if capacities is None:
        capacities = {
            "school": ("headteacher", "chair_of_governors"),
            "charity": ("chief_executive", "chair_of_trustees"),
        }.get(org_type, ("chief_executive",))
    signatories = {
        c: factories.make_user(roles=["signatory"], organisation=org, signatory_capacity=c) for c in capacities
    }
    return OrgPeople(org, lead, signatories)


def make_submitted_return(org: Organisation, *, cycle: str = "2025-26") -> None:
    """A submitted self-assessment return in an open campaign, the precondition for starting a statement."""
    from app.questionnaire import latest_version
    from app.selfassessment.models import Campaign, CampaignState, Return, ReturnState

    version = latest_version("self-assessment")
    campaign = db.session.execute(
        sa.select(Campaign).where(Campaign.instrument_version_id == version.id, Campaign.cycle == cycle)
    ).scalar_one_or_none()
    if campaign is None:
        campaign = Campaign(
            instrument_version_id=version.id,
            title=f"Self-assessment {cycle}",
            cycle=cycle,
            due_date=date.today() + timedelta(days=30),
            state=CampaignState.open,
            opened_at=utcnow(),
        )
        db.session.add(campaign)
        db.session.flush()
    db.session.add(
        Return(campaign_id=campaign.id, organisation_id=org.id, state=ReturnState.submitted, submitted_at=utcnow())
    )
    db.session.flush()


def add_risk(people: OrgPeople, *, further_action: str | None = "Install a vision panel in room 4"):
    from app.statements import services

    return services.add_risk(
        people.org,
        description="Harm during one-to-one tuition",
        where_when="After-school tuition in small rooms",
        measures_in_place="Doors stay open; a second adult is on site",
        further_action=further_action,
        owner="Designated safeguarding lead",
        review_date=date.today() + timedelta(days=90),
        actor=people.lead,
    )


def ready_to_start(people: OrgPeople) -> None:
    make_submitted_return(people.org)
    add_risk(people)


def draft_statement(people: OrgPeople, sections: dict | None = None):
    from app.statements import services

    ready_to_start(people)
    statement = services.start_statement(people.org, actor=people.lead)
    services.save_sections(
        statement,
        {k: {"value": v} for k, v in (sections or SECTIONS).items()},
        expected_version=services.draft_version(statement),
        actor=people.lead,
    )
    return statement


def set_qa_check(on: bool) -> None:
    """Turn the partnership's QA check of statements on or off, as admin does on the settings page."""
    from app.accounts.settings import save_settings

    save_settings({"statements.qa_check": on})


def send_and_approve(people: OrgPeople, statement) -> None:
    """Send a complete draft as its lead and, when it waits for the QA check, approve it."""
    from app.statements import services
    from app.statements.models import StatementState

    services.send_for_signatures(statement, actor=people.lead)
    if statement.state == StatementState.awaiting_check:
        services.approve_statement(statement, actor=checker())


def checker():
    """A member of the partnership's quality assurance group."""
    return factories.make_user(roles=["qa"])


def checked_statement(people: OrgPeople, sections: dict | None = None):
    """A complete draft sent by its lead, waiting for the quality assurance check (the check is on by default)."""
    from app.statements import services

    statement = draft_statement(people, sections)
    services.send_for_signatures(statement, actor=people.lead)
    return statement


def sent_statement(people: OrgPeople, sections: dict | None = None):
    """A statement waiting for its signatures: sent by its lead and, when the check is on, approved by QA."""
    from app.statements import services
    from app.statements.models import StatementState

    statement = checked_statement(people, sections)
    if statement.state == StatementState.awaiting_check:
        services.approve_statement(statement, actor=checker())
    return statement


def sign_all(people: OrgPeople, statement) -> None:
    from app.statements import services

    for capacity in statement.required_capacities:
        services.sign_statement(
            statement, people.signatory(capacity), password=factories.PASSWORD, shown_hash=statement.content_hash
        )


def in_force_statement(people: OrgPeople, sections: dict | None = None):
    statement = sent_statement(people, sections)
    sign_all(people, statement)
    return statement


def shown_hash(html: str) -> str:
    match = HASH_RE.search(html)
    assert match, "the signing page carries the content hash in a hidden field"
    return match.group(1)


PUBLIC_KEY_PEM_RE = re.compile(r"<code>(-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----)\s*</code>", re.DOTALL)


def verified_signed_copy(body: bytes, register_html: str) -> dict:
    """The statement inside a downloaded signed copy, once its seal is checked against a public key published on the
    register: nothing but the two downloads is used. Raises InvalidSignature when no published key verifies it."""
    import base64
    import json

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    copy = json.loads(body.decode("utf-8"))
    published = [load_pem_public_key(pem.encode("ascii")) for pem in PUBLIC_KEY_PEM_RE.findall(register_html)]
    assert published, "the register publishes the public keys"
    for key in published:
        try:
            key.verify(base64.b64decode(copy["signature"]), copy["payload"].encode("utf-8"))
        except InvalidSignature:
            continue
        return json.loads(copy["payload"])
    raise InvalidSignature("no public key on the register verifies this signed copy")
