"""Statement drafts and versions: start a draft, save its texts (refusing a stale page), send it for
signatures, make changes (a new version once anyone has signed), and record a material change."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from app.accounts.models import SIGNATORY_CAPACITIES, Organisation
from app.accounts.signatories import required_capacities
from app.activity import record
from app.errors import DomainError, InvalidTransition
from app.extensions import db
from app.questionnaire import check_version, latest_version, validate_answers
from app.statements import queries
from app.statements.content import content_hash
from app.statements.models import PUBLIC_STATES, Statement, StatementState
from app.statements.services._common import _text
from app.statements.services.checks import check_is_on, open_for_signatures, send_for_check
from app.utils import utcnow

REASON_MAX = 4000
RISKS_KEY = "risks_and_mitigations"


class StatementIncomplete(DomainError):
    """Sections still need answers before the statement can be sent for signatures."""

    def __init__(self, problems):
        super().__init__(problems[0].message if problems else "The statement is not complete")
        self.problems = problems


def statement_instrument_version():
    """The latest Child Safeguarding Statement template, or DomainError when none is loaded; changes
    nothing."""
    version = latest_version(queries.STATEMENT_INSTRUMENT)
    if version is None:
        raise DomainError(
            "The Child Safeguarding Statement template has not been loaded yet. Ask your "
            "partnership administrator to load the instrument library."
        )
    return version


def _new_version(organisation: Organisation, sections: dict, actor) -> Statement:
    version = statement_instrument_version()
    instrument = version.parsed
    keys = [q.key for q in instrument.questions(organisation.org_type)]
    number = (
        db.session.execute(
            sa.select(sa.func.coalesce(sa.func.max(Statement.version_number), 0)).where(
                Statement.organisation_id == organisation.id
            )
        ).scalar_one()
        + 1
    )
    statement = Statement(
        organisation_id=organisation.id,
        version_number=number,
        instrument_version_id=version.id,
        sections={key: sections.get(key) or "" for key in keys},
        state=StatementState.draft,
        required_capacities=list(required_capacities(organisation, instrument)),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(statement)
    db.session.flush()
    record(
        "drafted",
        statement,
        f"Started version {number} of the Child Safeguarding Statement for {organisation.name}",
        actor=actor,
    )
    return statement


def start_statement(organisation: Organisation, *, actor=None) -> Statement:
    """Open the first (or next) draft, once the self-assessment and risk assessment are done. The organisation's
    lead only, for its own organisation."""
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
        raise InvalidTransition(
            "This version has been sent for signatures, so it can no longer be changed. "
            "Choose “Make changes” to open a new version."
        )


DRAFT_CHANGED_MESSAGE = (
    "Someone else changed this statement since you opened this page, so your changes have not "
    "been saved. Check what is saved now, then save yours again if they are still right."
)


def draft_version(statement: Statement) -> str:
    """A fingerprint of the draft's texts, posted back as `lock_version` by the page it was loaded into."""
    return _sections_version(statement.sections)


def _sections_version(sections: dict | None) -> str:
    return hashlib.sha256(json.dumps(sections or {}, sort_keys=True).encode()).hexdigest()[:16]


def _check_draft_version(statement: Statement, expected: str | None) -> None:
    """A save must name the draft it was made from, and that must still be the saved draft: otherwise it would
    silently overwrite someone else's text. A save with no (or a malformed) version is stale too."""
    current = db.session.execute(
        sa.select(Statement.sections).where(Statement.id == statement.id).with_for_update()
    ).scalar_one()
    check_version(expected, _sections_version(current), DRAFT_CHANGED_MESSAGE)


def save_sections(
    statement: Statement, answers: dict[str, dict], *, expected_version: str | None, actor=None
) -> Statement:
    """Store the texts of one or more statement questions (answers in the engine's storage format), if the draft is
    still the one `expected_version` (from `draft_version`) was taken from. The organisation's lead only, for its
    own statement."""
    _require_draft(statement)
    _check_draft_version(statement, expected_version)
    sections = dict(statement.sections or {})
    for key, answer in answers.items():
        sections[key] = (answer or {}).get("value") or ""
    statement.sections = sections
    db.session.flush()
    record(
        "edited",
        statement,
        f"Edited the draft of version {statement.version_number} ({', '.join(answers)})",
        actor=actor,
    )
    return statement


def refill_risks(statement: Statement, *, expected_version: str | None, actor=None) -> Statement:
    """Replace the risks section with the current risk assessment. The organisation's lead only, for its own
    statement."""
    text = queries.risks_summary_text(queries.risk_assessment_for(statement.organisation_id))
    return save_sections(statement, {RISKS_KEY: {"value": text}}, expected_version=expected_version, actor=actor)


def send_for_signatures(statement: Statement, *, actor=None) -> Statement:
    """Lock a complete draft's content (its hash) and send it on: to the quality assurance group to check when the
    partnership's check is on, else straight to the signatories its organisation needs now. The organisation's
    lead only, for its own statement (statements routes)."""
    _require_draft(statement)
    instrument = queries.instrument_of(statement)
    problems = validate_answers(instrument, queries.statement_answers(statement), statement.organisation.org_type)
    if problems:
        raise StatementIncomplete(problems)
    # The organisation's signatory rule may have changed since the draft was started: nobody has signed it yet.
    statement.required_capacities = list(required_capacities(statement.organisation, instrument))
    if not statement.required_capacities:
        raise DomainError("No signatories are defined for this organisation type")
    statement.content_hash = content_hash(statement)
    # Text the QA group already approved (withdrawn and sent again unchanged) goes straight to its signatories.
    if check_is_on() and not statement.text_approved:
        return send_for_check(statement, actor=actor)
    open_for_signatures(statement)
    needed = ", ".join(SIGNATORY_CAPACITIES.get(c, c).lower() for c in statement.required_capacities)
    record(
        "sent_for_signatures",
        statement,
        f"Sent version {statement.version_number} for signatures ({needed})",
        actor=actor,
    )
    return statement


def make_changes(statement: Statement, *, actor=None) -> Statement:
    """The version to edit when someone wants to change this statement.

    Waiting for its check, or nobody has signed yet: the statement goes back to draft. Somebody has signed: the content is
    locked, so a new version is drafted from it, the signatures are voided and this one is superseded.
    In force: a new draft is opened (the statement stays in force until its successor is signed).
    The organisation's lead only, for its own statement.
    """
    if statement.state == StatementState.draft:
        return statement
    if statement.state == StatementState.awaiting_check:
        statement.state = statement.state.check_move(StatementState.draft)
        statement.content_hash = None
        db.session.flush()
        record(
            "withdrawn",
            statement,
            f"Withdrew version {statement.version_number} from the quality assurance check to make changes",
            actor=actor,
        )
        return statement
    if statement.state == StatementState.awaiting_signatures and not statement.valid_signatures:
        statement.state = statement.state.check_move(StatementState.draft)
        statement.content_hash = None
        statement.sent_for_signatures_at = None
        statement.organisation_name = statement.organisation_slug = None
        db.session.flush()
        record(
            "withdrawn",
            statement,
            f"Withdrew version {statement.version_number} from signing to make changes",
            actor=actor,
        )
        return statement
    if statement.state == StatementState.awaiting_signatures:
        now = utcnow()
        for signature in statement.valid_signatures:
            signature.voided_at = now
        _supersede(statement, actor, reason="changed after it was signed; its signatures are void")
        return _new_version(statement.organisation, dict(statement.sections), actor)
    if statement.state in PUBLIC_STATES:
        return queries.open_statement(statement.organisation_id) or _new_version(
            statement.organisation, dict(statement.sections), actor
        )
    raise InvalidTransition("A superseded statement cannot be changed.")


def _supersede(statement: Statement, actor, *, reason: str) -> None:
    statement.state = statement.state.check_move(StatementState.superseded)
    statement.superseded_at = utcnow()
    db.session.flush()
    record("superseded", statement, f"Version {statement.version_number} superseded: {reason}", actor=actor)


def record_material_change(organisation: Organisation, *, reason, actor=None) -> Statement:
    """Mark the statement in force as needing review and open the draft of its successor. The organisation's
    lead only, for its own organisation."""
    reason = _text(reason, field="reason", label="what has changed", max_length=REASON_MAX)
    current = db.session.execute(
        sa.select(Statement).where(
            Statement.organisation_id == organisation.id, Statement.state == StatementState.in_force
        )
    ).scalar_one_or_none()
    if current is None:
        raise DomainError("Your organisation has no statement in force to review.")
    current.state = current.state.check_move(StatementState.review_required)
    current.material_change_note = reason
    db.session.flush()
    record(
        "material_change",
        current,
        f"Material change recorded for version {current.version_number}: {reason[:300]}",
        actor=actor,
    )
    return queries.open_statement(organisation.id) or _new_version(organisation, dict(current.sections), actor)
