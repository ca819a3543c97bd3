"""Read models for risk assessments and statements: coverage, the public register, what is awaited of whom."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from app.accounts.models import Organisation, User, UserRole
from app.accounts.signatories import required_capacities
from app.extensions import db
from app.questionnaire import get_version, section_status
from app.selfassessment.queries import has_submitted_return
from app.statements.checking import needs_check
from app.statements.coverage import (  # noqa: F401 (re-exported: coverage is one of the statements' read models)
    COVERAGE_STATUSES,
    REVIEW_DUE_SOON_DAYS,
    Coverage,
    coverage,
    coverage_counts,
)
from app.statements.models import (
    OPEN_STATES,
    PUBLIC_STATES,
    RiskAssessment,
    Statement,
    StatementState,
)

STATEMENT_INSTRUMENT = "child-safeguarding-statement"
DEFAULT_REVIEW_MONTHS = 24

STATE_TAGS = {
    StatementState.draft: ("Draft", "govuk-tag--grey"),
    StatementState.awaiting_check: ("Waiting for QA check", "govuk-tag--purple"),
    StatementState.awaiting_signatures: ("Awaiting signatures", "govuk-tag--blue"),
    StatementState.in_force: ("In force", "govuk-tag--green"),
    StatementState.superseded: ("Superseded", "govuk-tag--grey"),
    StatementState.review_required: ("Review required", "govuk-tag--orange"),
}


def optional_url(endpoint: str, **values) -> str | None:
    """A link to another feature's page, or None while that feature does not offer it."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


# --- risk assessments --------------------------------------------------------------------------------------


def risk_assessment_for(organisation_id: int) -> RiskAssessment | None:
    return db.session.execute(
        sa.select(RiskAssessment)
        .where(RiskAssessment.organisation_id == organisation_id)
        .options(selectinload(RiskAssessment.risks))
    ).scalar_one_or_none()


def risk_assessment_status(assessment: RiskAssessment | None) -> str:
    if assessment is None or (not assessment.risks and not assessment.no_risks_identified):
        return "not_started"
    return "completed" if assessment.is_complete else "in_progress"


def risks_summary_text(assessment: RiskAssessment | None) -> str:
    """The risk assessment written out as the starting text of the statement's risks section."""
    if assessment is None:
        return ""
    if assessment.no_risks_identified and not assessment.current_risks:
        return (
            "Our risk assessment identified no risk of harm to children arising from our services. "
            f"{assessment.no_risks_justification.strip()}"
        )
    blocks = []
    for risk in assessment.current_risks:
        lines = [
            f"Risk: {risk.description.strip()}",
            f"Where or when it could arise: {risk.where_when.strip()}",
            f"Measures in place: {risk.measures_in_place.strip()}",
        ]
        if risk.further_action:
            lines.append(f"Further action: {risk.further_action.strip()}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


# --- preconditions -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Precondition:
    key: str
    title: str
    met: bool
    message: str
    endpoint: str

    @property
    def href(self) -> str | None:
        return optional_url(self.endpoint)


def self_assessment_submitted(organisation_id: int) -> bool:
    return bool(has_submitted_return(organisation_id))


def preconditions(organisation: Organisation) -> list[Precondition]:
    """What an organisation must have done before it can start a statement, each with where to do it."""
    submitted = self_assessment_submitted(organisation.id)
    assessment = risk_assessment_for(organisation.id)
    return [
        Precondition(
            key="self_assessment",
            title="Submit your safeguarding self-assessment",
            met=submitted,
            message=(
                "You have submitted a self-assessment return in the current or previous cycle."
                if submitted
                else "You need to submit your safeguarding self-assessment return (this cycle or last) "
                "before you can start your statement."
            ),
            endpoint="selfassessment.my_returns",
        ),
        Precondition(
            key="risk_assessment",
            title="Complete your risk assessment",
            met=assessment is not None and assessment.is_complete,
            message=(
                "Your risk assessment is complete."
                if assessment is not None and assessment.is_complete
                else "You need to complete your risk assessment: record at least one risk of harm to children, "
                "or record that you identified none and why, before you can start your statement."
            ),
            endpoint="statements.risk_assessment",
        ),
    ]


def missing_preconditions(organisation: Organisation) -> list[Precondition]:
    return [p for p in preconditions(organisation) if not p.met]


# --- statements --------------------------------------------------------------------------------------------


def _statements_query():
    return sa.select(Statement).options(selectinload(Statement.signatures), selectinload(Statement.organisation))


def statement_by_id(statement_id: int) -> Statement | None:
    return db.session.execute(_statements_query().where(Statement.id == statement_id)).scalar_one_or_none()


def statements_of(organisation_id: int) -> list[Statement]:
    """Every version, newest first."""
    return list(
        db.session.execute(
            _statements_query()
            .where(Statement.organisation_id == organisation_id)
            .order_by(Statement.version_number.desc())
        ).scalars()
    )


def signed_statements() -> list[Statement]:
    """Every version that has been sent for signatures (and so has a content hash), oldest first."""
    return list(
        db.session.execute(
            _statements_query().where(Statement.content_hash.is_not(None)).order_by(Statement.id)
        ).scalars()
    )


def open_statement(organisation_id: int) -> Statement | None:
    """The version being written or signed, if any (there is at most one)."""
    return db.session.execute(
        _statements_query().where(Statement.organisation_id == organisation_id, Statement.state.in_(OPEN_STATES))
    ).scalar_one_or_none()


def public_statement(organisation_id: int) -> Statement | None:
    """The statement on public display: the one in force, or the one under review until its successor is signed."""
    rows = (
        db.session.execute(
            _statements_query()
            .where(Statement.organisation_id == organisation_id, Statement.state.in_(PUBLIC_STATES))
            .order_by(Statement.version_number.desc())
        )
        .scalars()
        .all()
    )
    return rows[0] if rows else None


def public_statement_for_slug(slug: str) -> Statement | None:
    organisation = db.session.execute(
        sa.select(Organisation).where(Organisation.slug == slug, Organisation.active.is_(True))
    ).scalar_one_or_none()
    return public_statement(organisation.id) if organisation is not None else None


@dataclass(frozen=True)
class RegisterEntry:
    organisation: Organisation
    statement: Statement


def public_register(search: str | None = None) -> list[RegisterEntry]:
    query = (
        _statements_query()
        .join(Organisation, Organisation.id == Statement.organisation_id)
        .where(Statement.state.in_(PUBLIC_STATES), Organisation.active.is_(True))
        .order_by(Organisation.name, Statement.version_number.desc())
    )
    if search:
        query = query.where(sa.func.lower(Organisation.name).contains(search.strip().lower(), autoescape=True))
    entries: dict[int, RegisterEntry] = {}
    for statement in db.session.execute(query).scalars():
        entries.setdefault(statement.organisation_id, RegisterEntry(statement.organisation, statement))
    return list(entries.values())


def instrument_of(statement: Statement):
    return get_version(statement.instrument_version_id).parsed


def review_months(statement: Statement) -> int:
    return instrument_of(statement).review_months or DEFAULT_REVIEW_MONTHS


def statement_answers(statement: Statement) -> dict[str, dict]:
    """The statement's texts in the questionnaire engine's answer format."""
    return {
        key: {"value": text or None, "comment": None, "evidence": None}
        for key, text in (statement.sections or {}).items()
    }


@dataclass(frozen=True)
class SectionText:
    key: str
    title: str
    text: str
    status: str


def statement_sections(statement: Statement) -> list[SectionText]:
    """The statement's parts in instrument order, as the public sees them, with their drafting status."""
    instrument = instrument_of(statement)
    org_type = statement.organisation.org_type
    answers = statement_answers(statement)
    result = []
    for section in instrument.sections_for(org_type):
        text = "\n\n".join((statement.sections or {}).get(q.key) or "" for q in section.questions).strip()
        result.append(
            SectionText(section.key, section.title, text, section_status(instrument, section.key, answers, org_type))
        )
    return result


# --- signatories -------------------------------------------------------------------------------------------


def users_with_role(organisation_id: int, *roles: str) -> list[User]:
    return list(
        db.session.execute(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.organisation_id == organisation_id, User.active.is_(True), UserRole.role.in_(roles))
            .order_by(User.name)
            .distinct()
        ).scalars()
    )


def signatories_by_capacity(organisation_id: int) -> dict[str, list[User]]:
    result: dict[str, list[User]] = {}
    for user in users_with_role(organisation_id, "signatory"):
        if user.signatory_capacity:
            result.setdefault(user.signatory_capacity, []).append(user)
    return result


def needed_capacities(statement: Statement) -> list[str]:
    """Who must sign: for a draft, what its organisation's signatory rule says now (the draft takes it when it is
    sent); once sent, what was fixed then."""
    if statement.state == StatementState.draft:
        return list(required_capacities(statement.organisation, instrument_of(statement)))
    return list(statement.required_capacities)


def signing_refusal(statement: Statement, user) -> str | None:
    """Why this user may not sign this statement at all (403), or None. State is checked separately."""
    if not user.has_role("signatory"):
        return "Only signatories can sign statements."
    if user.organisation_id != statement.organisation_id:
        return "You can only sign your own organisation’s statement."
    if user.signatory_capacity not in statement.required_capacities:
        return "This statement does not need a signature in your capacity."
    return None


def awaiting_signature_of(user) -> list[Statement]:
    """Statements of the user's organisation waiting for a signature in the user's capacity."""
    if not user.has_role("signatory") or user.organisation_id is None or not user.signatory_capacity:
        return []
    rows = db.session.execute(
        _statements_query().where(
            Statement.organisation_id == user.organisation_id, Statement.state == StatementState.awaiting_signatures
        )
    ).scalars()
    return [s for s in rows if user.signatory_capacity in s.missing_capacities and not needs_check(s)]
