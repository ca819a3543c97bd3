"""Every state change of risk assessments, statements and signatures.

Callers commit once after a service returns, so a signature and the state change it causes are
stored together or not at all. Signed content is never edited: a change after anyone has signed
makes a new version. Each signature is sealed as it is given and each version as it comes into
force (app/statements/seals.py), in the same transaction.
"""
from __future__ import annotations

import calendar
import hashlib
import json
from datetime import date

import sqlalchemy as sa

from app.accounts.models import SIGNATORY_CAPACITIES, Organisation
from app.accounts.services import authenticate
from app.actions.queries import OPEN_STATUSES, actions_for
from app.actions.services import create_action, update_action
from app.activity import record
from app.errors import DomainError, InvalidTransition, PermissionDenied
from app.extensions import db
from app.statements import queries, seals
from app.statements.content import content_hash
from app.statements.models import PUBLIC_STATES, Risk, RiskAssessment, Signature, Statement, StatementState
from app.utils import utcnow

RISK_TEXT_MAX = 4000
OWNER_MAX = 200
REASON_MAX = 4000
RISKS_KEY = "risks_and_mitigations"


class StatementIncomplete(DomainError):
    """Sections still need answers before the statement can be sent for signatures."""

    def __init__(self, problems):
        super().__init__(problems[0].message if problems else "The statement is not complete")
        self.problems = problems


class StatementChanged(DomainError):
    """The content hash shown to a signatory no longer matches the statement."""


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str | None:
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise DomainError(f"Enter {label}", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field=field)
    return text or None


# --- risk assessment ---------------------------------------------------------------------------------------

def _assessment_for_update(organisation: Organisation, actor) -> RiskAssessment:
    assessment = queries.risk_assessment_for(organisation.id)
    if assessment is None:
        assessment = RiskAssessment(organisation_id=organisation.id, no_risks_identified=False)
        db.session.add(assessment)
        db.session.flush()
        record("created", assessment, f"Started the risk assessment for {organisation.name}", actor=actor)
    return assessment


def _touch(assessment: RiskAssessment, actor) -> None:
    assessment.updated_at = utcnow()
    assessment.updated_by_id = getattr(actor, "id", None)
    if assessment.is_complete:
        assessment.completed_at = assessment.completed_at or utcnow()
    else:
        assessment.completed_at = None
    db.session.flush()


def _risk_fields(description, where_when, measures_in_place, further_action, owner, review_date) -> dict:
    if not isinstance(review_date, date):
        raise DomainError("Enter the date this risk will next be reviewed", field="review_date")
    return {
        "description": _text(description, field="description", label="a description of the risk of harm",
                             max_length=RISK_TEXT_MAX),
        "where_when": _text(where_when, field="where_when", label="where or when the risk could arise",
                            max_length=RISK_TEXT_MAX),
        "measures_in_place": _text(measures_in_place, field="measures_in_place", label="the measures in place",
                                   max_length=RISK_TEXT_MAX),
        "further_action": _text(further_action, field="further_action", label="the further action",
                                max_length=RISK_TEXT_MAX, required=False),
        "owner": _text(owner, field="owner", label="who owns this risk", max_length=OWNER_MAX),
        "review_date": review_date,
    }


def _raise_action(risk: Risk, organisation_id: int, actor) -> None:
    create_action(description=risk.further_action, owner_organisation_id=organisation_id, owner_name=risk.owner,
                  due_date=risk.review_date, risk_id=risk.id, actor=actor)


def _close_actions(risk: Risk, note: str, actor) -> None:
    for action in actions_for(risk_ids=[risk.id]):
        if action.status in OPEN_STATUSES:
            update_action(action, note=note, status="cancelled", actor=actor)


def add_risk(organisation: Organisation, *, description, where_when, measures_in_place, further_action, owner,
             review_date, actor=None) -> Risk:
    """Record a risk of harm; its further action, if any, becomes a tracked action."""
    fields = _risk_fields(description, where_when, measures_in_place, further_action, owner, review_date)
    assessment = _assessment_for_update(organisation, actor)
    # A recorded risk replaces an earlier "no risks identified".
    assessment.no_risks_identified = False
    assessment.no_risks_justification = None
    risk = Risk(assessment=assessment, **fields)
    db.session.add(risk)
    db.session.flush()
    if risk.further_action:
        _raise_action(risk, organisation.id, actor)
    _touch(assessment, actor)
    record("risk_added", risk, f"Added a risk to the risk assessment of {organisation.name}: "
                               f"{risk.description[:120]}", actor=actor)
    return risk


def update_risk(risk: Risk, *, description, where_when, measures_in_place, further_action, owner, review_date,
                actor=None) -> Risk:
    if risk.removed_at is not None:
        raise DomainError("This risk has been removed from the risk assessment")
    fields = _risk_fields(description, where_when, measures_in_place, further_action, owner, review_date)
    action_changed = fields["further_action"] != risk.further_action
    for name, value in fields.items():
        setattr(risk, name, value)
    db.session.flush()
    organisation_id = risk.assessment.organisation_id
    if action_changed:
        _close_actions(risk, "Replaced: the further action for this risk was changed in the risk assessment.", actor)
        if risk.further_action:
            _raise_action(risk, organisation_id, actor)
    _touch(risk.assessment, actor)
    record("risk_updated", risk, f"Updated a risk in the risk assessment: {risk.description[:120]}", actor=actor)
    return risk


def remove_risk(risk: Risk, *, actor=None) -> None:
    """Take a risk off the assessment. It is kept, so the actions raised from it keep their history."""
    if risk.removed_at is not None:
        return
    risk.removed_at = utcnow()
    db.session.flush()
    _close_actions(risk, "Cancelled: the risk was removed from the risk assessment.", actor)
    _touch(risk.assessment, actor)
    record("risk_removed", risk, f"Removed a risk from the risk assessment: {risk.description[:120]}", actor=actor)


def record_no_risks(organisation: Organisation, *, justification, actor=None) -> RiskAssessment:
    justification = _text(justification, field="justification",
                          label="why no risks of harm to children were identified", max_length=RISK_TEXT_MAX)
    assessment = _assessment_for_update(organisation, actor)
    if assessment.current_risks:
        raise DomainError("Your risk assessment lists risks. Remove them before recording that no risks were "
                          "identified.", field="justification")
    assessment.no_risks_identified = True
    assessment.no_risks_justification = justification
    _touch(assessment, actor)
    record("no_risks_identified", assessment, f"Recorded that no risks of harm were identified for "
                                              f"{organisation.name}", actor=actor)
    return assessment


# --- drafting ----------------------------------------------------------------------------------------------

def statement_instrument_version():
    from app.questionnaire import latest_version

    version = latest_version(queries.STATEMENT_INSTRUMENT)
    if version is None:
        raise DomainError("The Child Safeguarding Statement template has not been loaded yet. Ask your "
                          "partnership administrator to load the instrument library.")
    return version


def _new_version(organisation: Organisation, sections: dict, actor) -> Statement:
    version = statement_instrument_version()
    instrument = version.parsed
    keys = [q.key for q in instrument.questions(organisation.org_type)]
    number = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.max(Statement.version_number), 0))
        .where(Statement.organisation_id == organisation.id)
    ).scalar_one() + 1
    statement = Statement(
        organisation_id=organisation.id,
        version_number=number,
        instrument_version_id=version.id,
        sections={key: sections.get(key) or "" for key in keys},
        state=StatementState.draft,
        required_capacities=list(instrument.signatories_for(organisation.org_type)),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(statement)
    db.session.flush()
    record("drafted", statement, f"Started version {number} of the Child Safeguarding Statement for "
                                 f"{organisation.name}", actor=actor)
    return statement


def start_statement(organisation: Organisation, *, actor=None) -> Statement:
    """Open the first (or next) draft, once the self-assessment and risk assessment are done."""
    existing = queries.open_statement(organisation.id)
    if existing is not None:
        return existing
    missing = queries.missing_preconditions(organisation)
    if missing:
        raise DomainError(missing[0].message)
    previous = queries.public_statement(organisation.id)
    sections = dict(previous.sections) if previous is not None else {}
    if not sections.get(RISKS_KEY):
        sections[RISKS_KEY] = queries.risks_summary_text(queries.risk_assessment_for(organisation.id))
    return _new_version(organisation, sections, actor)


def _require_draft(statement: Statement) -> None:
    if statement.state != StatementState.draft:
        raise InvalidTransition("This version has been sent for signatures, so it can no longer be changed. "
                                "Choose “Make changes” to open a new version.")


DRAFT_CHANGED_MESSAGE = ("Someone else changed this statement since you opened this page, so your changes have not "
                         "been saved. Check what is saved now, then save yours again if they are still right.")


def draft_version(statement: Statement) -> str:
    """A fingerprint of the draft's texts, posted back as `lock_version` by the page it was loaded into."""
    return _sections_version(statement.sections)


def _sections_version(sections: dict | None) -> str:
    return hashlib.sha256(json.dumps(sections or {}, sort_keys=True).encode()).hexdigest()[:16]


def _check_draft_version(statement: Statement, expected: str | None) -> None:
    """A save must name the draft it was made from, and that must still be the saved draft: otherwise it would
    silently overwrite someone else's text. A save with no (or a malformed) version is stale too."""
    from app.questionnaire import check_version

    current = db.session.execute(sa.select(Statement.sections).where(Statement.id == statement.id)
                                 .with_for_update()).scalar_one()
    check_version(expected, _sections_version(current), DRAFT_CHANGED_MESSAGE)


def save_sections(statement: Statement, answers: dict[str, dict], *, expected_version: str | None,
                  actor=None) -> Statement:
    """Store the texts of one or more statement questions (answers in the engine's storage format), if the draft is
    still the one `expected_version` (from `draft_version`) was taken from."""
    _require_draft(statement)
    _check_draft_version(statement, expected_version)
    sections = dict(statement.sections or {})
    for key, answer in answers.items():
        sections[key] = (answer or {}).get("value") or ""
    statement.sections = sections
    db.session.flush()
    record("edited", statement, f"Edited the draft of version {statement.version_number} "
                                f"({', '.join(answers)})", actor=actor)
    return statement


def refill_risks(statement: Statement, *, expected_version: str | None, actor=None) -> Statement:
    """Replace the risks section with the current risk assessment."""
    text = queries.risks_summary_text(queries.risk_assessment_for(statement.organisation_id))
    return save_sections(statement, {RISKS_KEY: {"value": text}}, expected_version=expected_version, actor=actor)


def send_for_signatures(statement: Statement, *, actor=None) -> Statement:
    from app.questionnaire import validate_answers

    _require_draft(statement)
    problems = validate_answers(queries.instrument_of(statement), queries.statement_answers(statement),
                                statement.organisation.org_type)
    if problems:
        raise StatementIncomplete(problems)
    if not statement.required_capacities:
        raise DomainError("No signatories are defined for this organisation type")
    statement.state = statement.state.check_move(StatementState.awaiting_signatures)
    statement.content_hash = content_hash(statement)
    statement.sent_for_signatures_at = utcnow()
    statement.organisation_name = statement.organisation.name
    statement.organisation_slug = statement.organisation.slug
    db.session.flush()
    needed = ", ".join(SIGNATORY_CAPACITIES.get(c, c).lower() for c in statement.required_capacities)
    record("sent_for_signatures", statement, f"Sent version {statement.version_number} for signatures ({needed})",
           actor=actor)
    return statement


def make_changes(statement: Statement, *, actor=None) -> Statement:
    """The version to edit when someone wants to change this statement.

    Nobody has signed yet: the statement goes back to draft. Somebody has signed: the content is
    locked, so a new version is drafted from it, the signatures are voided and this one is superseded.
    In force: a new draft is opened (the statement stays in force until its successor is signed).
    """
    if statement.state == StatementState.draft:
        return statement
    if statement.state == StatementState.awaiting_signatures and not statement.valid_signatures:
        statement.state = statement.state.check_move(StatementState.draft)
        statement.content_hash = None
        statement.sent_for_signatures_at = None
        statement.organisation_name = statement.organisation_slug = None
        db.session.flush()
        record("withdrawn", statement, f"Withdrew version {statement.version_number} from signing to make changes",
               actor=actor)
        return statement
    if statement.state == StatementState.awaiting_signatures:
        now = utcnow()
        for signature in statement.valid_signatures:
            signature.voided_at = now
        _supersede(statement, actor, reason="changed after it was signed; its signatures are void")
        return _new_version(statement.organisation, dict(statement.sections), actor)
    if statement.state in PUBLIC_STATES:
        return queries.open_statement(statement.organisation_id) or _new_version(
            statement.organisation, dict(statement.sections), actor)
    raise InvalidTransition("A superseded statement cannot be changed.")


def _supersede(statement: Statement, actor, *, reason: str) -> None:
    statement.state = statement.state.check_move(StatementState.superseded)
    statement.superseded_at = utcnow()
    db.session.flush()
    record("superseded", statement, f"Version {statement.version_number} superseded: {reason}", actor=actor)


# --- signing -----------------------------------------------------------------------------------------------

def check_can_sign(statement: Statement, user) -> None:
    refusal = queries.signing_refusal(statement, user)
    if refusal:
        raise PermissionDenied(refusal)


def sign_statement(statement: Statement, user, *, password: str, shown_hash: str) -> Signature:
    """Sign as `user` after re-entering their password; the last required signature brings it into force."""
    check_can_sign(statement, user)
    if statement.state != StatementState.awaiting_signatures:
        raise InvalidTransition("This statement is not waiting for signatures.")
    if user.signatory_capacity in statement.signed_capacities:
        raise DomainError("This statement has already been signed in your capacity.")
    authenticated = authenticate(user.email, password or "")
    if authenticated is None or authenticated.id != user.id:
        raise DomainError("The password is not correct. Enter the password you use to sign in", field="password")
    if shown_hash != statement.content_hash or content_hash(statement) != statement.content_hash:
        raise StatementChanged("The statement changed since you opened it. Read it again below, then sign.")
    signature = Signature(statement=statement, user_id=user.id, signatory_name=user.name,
                          capacity=user.signatory_capacity, content_hash=statement.content_hash, signed_at=utcnow())
    db.session.add(signature)
    db.session.flush()
    seals.seal_signature(signature)
    capacity = SIGNATORY_CAPACITIES.get(signature.capacity, signature.capacity)
    record("signed", statement, f"{user.name} signed version {statement.version_number} as {capacity.lower()}",
           actor=user)
    if not statement.missing_capacities:
        _bring_into_force(statement, actor=user)
    return signature


def _bring_into_force(statement: Statement, *, actor) -> None:
    for previous in db.session.execute(
        sa.select(Statement).where(Statement.organisation_id == statement.organisation_id,
                                   Statement.state.in_(PUBLIC_STATES), Statement.id != statement.id)
    ).scalars():
        _supersede(previous, actor, reason=f"version {statement.version_number} came into force")
    now = utcnow()
    review_due = add_months(now.date(), queries.review_months(statement))
    statement.state = statement.state.check_move(StatementState.in_force)
    statement.in_force_at = now
    statement.review_due = review_due
    db.session.flush()
    seals.seal_statement(statement)
    record("in_force", statement, f"Version {statement.version_number} is in force; review due "
                                  f"{statement.review_due.isoformat()}", actor=actor)


# --- review ------------------------------------------------------------------------------------------------

def record_material_change(organisation: Organisation, *, reason, actor=None) -> Statement:
    """Mark the statement in force as needing review and open the draft of its successor."""
    reason = _text(reason, field="reason", label="what has changed", max_length=REASON_MAX)
    current = db.session.execute(
        sa.select(Statement).where(Statement.organisation_id == organisation.id,
                                   Statement.state == StatementState.in_force)
    ).scalar_one_or_none()
    if current is None:
        raise DomainError("Your organisation has no statement in force to review.")
    current.state = current.state.check_move(StatementState.review_required)
    current.material_change_note = reason
    db.session.flush()
    record("material_change", current, f"Material change recorded for version {current.version_number}: "
                                       f"{reason[:300]}", actor=actor)
    return queries.open_statement(organisation.id) or _new_version(organisation, dict(current.sections), actor)
