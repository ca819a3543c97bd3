"""Every state change of case audits: rounds, case samples, assignments, scoring, moderation, retention."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import Organisation, User
from app.activity import record
from app.audits import importer
from app.audits.models import (
    AGE_BANDS,
    ETHNICITIES,
    GENDERS,
    Assignment,
    AuditCase,
    AuditorMode,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    ResponseState,
    RoundState,
)
from app.audits.queries import (
    agency_answers,
    agency_questions,
    answers_of,
    instrument_of,
    rated_questions,
    response_instrument,
    status_of,
)
from app.errors import DomainError, InvalidTransition, StaleEdit
from app.extensions import db
from app.questionnaire import (
    AnswerProblem,
    check_version,
    get_version,
    validate_answers,
    visibility,
    write_answer,
    write_answers,
)
from app.signals import figures_changed, round_purging
from app.utils import utcnow

TITLE_MAX = 200
AREA_MAX = 100
REFERENCE_MAX = 32
REASON_MAX = 2000
MODERATION_TEXT_MAX = 4000

STALE_MESSAGE = ("Someone else saved changes to this audit after you opened this page, so your changes have not "
                 "been saved. Your answers are shown below: check them against the latest saved answers, then "
                 "save again to keep yours.")


class FieldProblems(DomainError):
    """Several problems at once, each tied to a form field: [(field, message)]."""

    def __init__(self, problems: list[tuple[str, str]], message: str = "There is a problem"):
        super().__init__(problems[0][1] if problems else message, field=problems[0][0] if problems else None)
        self.problems = problems


class SubmitProblems(DomainError):
    """A response cannot be submitted until these answers are given."""

    def __init__(self, problems: list[AnswerProblem]):
        super().__init__("Some answers are missing or need correcting")
        self.problems = problems


def _actor_id(actor) -> int | None:
    return getattr(actor, "id", None)


def _text(value, *, field: str, label: str, max_length: int, required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise DomainError(f"Enter {label}", field=field)
        return None
    if len(text) > max_length:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field=field)
    return text


# ---------------------------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------------------------
def _check_round_fields(*, title, area, period_start, period_end, due_date) -> tuple[str, str | None]:
    title = _text(title, field="title", label="a title", max_length=TITLE_MAX, required=True)
    area = _text(area, field="area", label="the area", max_length=AREA_MAX)
    for name, value, label in (("period_start", period_start, "the start of the audit period"),
                               ("period_end", period_end, "the end of the audit period"),
                               ("due_date", due_date, "the due date")):
        if not isinstance(value, date):
            raise DomainError(f"Enter {label}", field=name)
    if period_end < period_start:
        raise DomainError("The end of the audit period must be the same as or after its start", field="period_end")
    return title, area


def _organisations(ids) -> list[Organisation]:
    ids = sorted({int(i) for i in ids or ()})
    if not ids:
        raise DomainError("Select at least one participating organisation", field="organisation_ids")
    orgs = list(db.session.execute(sa.select(Organisation).where(Organisation.id.in_(ids))).scalars())
    if len(orgs) != len(ids) or not all(o.active for o in orgs):
        raise DomainError("Select participating organisations from the list", field="organisation_ids")
    return orgs


def _mode(value) -> AuditorMode:
    try:
        return value if isinstance(value, AuditorMode) else AuditorMode(value)
    except ValueError:
        raise DomainError("Select who audits the cases", field="auditor_mode") from None


def create_round(*, instrument_version_id, title, area=None, period_start, period_end, due_date,
                 auditor_mode=AuditorMode.self_audit, organisation_ids=(), actor=None) -> AuditRound:
    title, area = _check_round_fields(title=title, area=area, period_start=period_start, period_end=period_end,
                                      due_date=due_date)
    version = get_version(instrument_version_id) if instrument_version_id else None
    if version is None or version.kind != "case_audit":
        raise DomainError("Select the audit criteria (a case audit instrument)", field="instrument_version_id")
    audit_round = AuditRound(instrument_version_id=version.id, title=title, area=area, period_start=period_start,
                             period_end=period_end, due_date=due_date, auditor_mode=_mode(auditor_mode),
                             state=RoundState.draft, created_by_id=_actor_id(actor))
    audit_round.organisations = _organisations(organisation_ids)
    db.session.add(audit_round)
    db.session.flush()
    record("created", audit_round, f"Audit round “{title}” created from {version.label}", actor=actor)
    return audit_round


def update_round(audit_round: AuditRound, *, title, area=None, period_start, period_end, due_date,
                 auditor_mode=None, organisation_ids=None, instrument_version_id=None, actor=None) -> AuditRound:
    """Details can change until the round closes; criteria, agencies and auditor mode only while it is a draft."""
    if audit_round.state == RoundState.closed:
        raise InvalidTransition("This round is closed, so its details can no longer change.")
    title, area = _check_round_fields(title=title, area=area, period_start=period_start, period_end=period_end,
                                      due_date=due_date)
    draft_only = {"criteria": instrument_version_id, "agencies": organisation_ids, "auditor mode": auditor_mode}
    if audit_round.state != RoundState.draft:
        changed = [name for name, value in draft_only.items() if value is not None and _differs(audit_round, name, value)]
        if changed:
            raise InvalidTransition(f"The {', '.join(changed)} of a round can only change while it is a draft.")
    audit_round.title, audit_round.area = title, area
    audit_round.period_start, audit_round.period_end, audit_round.due_date = period_start, period_end, due_date
    if audit_round.state == RoundState.draft:
        if instrument_version_id is not None:
            version = get_version(instrument_version_id)
            if version.kind != "case_audit":
                raise DomainError("Select the audit criteria (a case audit instrument)", field="instrument_version_id")
            audit_round.instrument_version_id = version.id
        if auditor_mode is not None:
            audit_round.auditor_mode = _mode(auditor_mode)
        if organisation_ids is not None:
            _set_participants(audit_round, _organisations(organisation_ids))
    db.session.flush()
    record("updated", audit_round, f"Audit round “{title}” details changed", actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return audit_round


def _differs(audit_round: AuditRound, name: str, value) -> bool:
    if name == "criteria":
        return int(value) != audit_round.instrument_version_id
    if name == "agencies":
        return {int(i) for i in value} != {o.id for o in audit_round.organisations}
    return _mode(value) != audit_round.auditor_mode


def _set_participants(audit_round: AuditRound, orgs: list[Organisation]) -> None:
    """In a draft, every case is audited by every participating organisation unless changed per case."""
    old = {o.id for o in audit_round.organisations}
    new = {o.id for o in orgs}
    audit_round.organisations = orgs
    for case in audit_round.cases:
        for assignment in list(case.assignments):
            if assignment.organisation_id not in new:
                case.assignments.remove(assignment)
        have = {a.organisation_id for a in case.assignments}
        for org_id in sorted((new - old) - have):
            case.assignments.append(Assignment(organisation_id=org_id))


def open_round(audit_round: AuditRound, *, actor=None) -> AuditRound:
    audit_round.state.check_move(RoundState.open)
    if not audit_round.cases:
        raise InvalidTransition("Add at least one case before opening the round.")
    unassigned = [c.reference for c in audit_round.cases if not c.assignments]
    if unassigned:
        raise InvalidTransition("Assign at least one organisation to every case before opening the round. "
                                f"No organisation audits: {', '.join(unassigned)}.")
    if audit_round.auditor_mode == AuditorMode.external:
        unnamed = sorted({c.reference for c in audit_round.cases for a in c.assignments if a.auditor_id is None})
        if unnamed:
            raise InvalidTransition("This round uses external auditors: name an auditor for every assignment before "
                                    f"opening it. No auditor is named for: {', '.join(unnamed)}.")
    for case in audit_round.cases:
        for assignment in case.assignments:
            _ensure_response(assignment)
    audit_round.state = RoundState.open
    audit_round.opened_at = audit_round.opened_at or utcnow()
    db.session.flush()
    record("opened", audit_round, f"Audit round “{audit_round.title}” opened for scoring", actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return audit_round


def start_moderation(audit_round: AuditRound, *, confirm_unsubmitted: bool = False, actor=None) -> AuditRound:
    audit_round.state.check_move(RoundState.moderation)
    responses = [a.response for c in audit_round.cases for a in c.assignments]
    submitted = sum(1 for r in responses if r is not None and r.state == ResponseState.submitted)
    if not submitted:
        raise InvalidTransition("No agency has submitted a response yet, so there is nothing to moderate.")
    waiting = len(responses) - submitted
    if waiting and not confirm_unsubmitted:
        raise DomainError(f"Confirm that you want to start moderation although {waiting} "
                          f"response{'s have' if waiting != 1 else ' has'} not been submitted", field="confirm")
    audit_round.state = RoundState.moderation
    db.session.flush()
    record("moderation_started", audit_round,
           f"Audit round “{audit_round.title}” moved to moderation ({submitted} submitted, {waiting} not submitted)",
           actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return audit_round


def reopen_round(audit_round: AuditRound, *, actor=None) -> AuditRound:
    audit_round.state.check_move(RoundState.open)
    if audit_round.state != RoundState.moderation:
        raise InvalidTransition("Only a round in moderation can be reopened.")
    audit_round.state = RoundState.open
    db.session.flush()
    record("reopened", audit_round, f"Audit round “{audit_round.title}” reopened for scoring", actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return audit_round


def close_round(audit_round: AuditRound, *, reasons: dict[int, str] | None = None, actor=None) -> AuditRound:
    """Close a round in moderation. A case nobody moderated needs a recorded reason."""
    audit_round.state.check_move(RoundState.closed)
    reasons = reasons or {}
    problems = []
    for case in audit_round.cases:
        if case.moderation is not None:
            continue
        reason = (reasons.get(case.id) or case.not_moderated_reason or "").strip()
        if not reason:
            problems.append((f"reason_{case.id}",
                             f"Moderate case {case.reference} or give a reason why it was not moderated"))
        elif len(reason) > REASON_MAX:
            problems.append((f"reason_{case.id}", f"The reason for case {case.reference} must be "
                                                  f"{REASON_MAX} characters or fewer"))
    if problems:
        raise FieldProblems(problems)
    not_moderated = []
    for case in audit_round.cases:
        if case.moderation is None:
            case.not_moderated_reason = (reasons.get(case.id) or case.not_moderated_reason).strip()
            not_moderated.append(case.reference)
    audit_round.state = RoundState.closed
    audit_round.closed_at = utcnow()
    db.session.flush()
    summary = f"Audit round “{audit_round.title}” closed"
    if not_moderated:
        summary += f"; not moderated: {', '.join(not_moderated)}"
    record("closed", audit_round, summary, actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return audit_round


# ---------------------------------------------------------------------------------------------
# Case sample
# ---------------------------------------------------------------------------------------------
_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def looks_like_name(text: str) -> bool:
    """Two or more words of letters, at least two capitalised: 'Jane Smith', 'Smith, Jane', 'Mary-Ann O’Neil'."""
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    return (len(words) >= 2 and all(_NAME_WORD.fullmatch(w) for w in words)
            and sum(1 for w in words if w[0].isupper()) >= 2)


def check_reference(raw) -> str:
    """A case reference ready to store, or DomainError with a message safe to show (it never repeats a name)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise DomainError("Enter the case reference", field="reference")
    if looks_like_name(text):
        raise DomainError("The case reference looks like a person’s name. Use the pseudonymised case reference, "
                          "for example CR-000123, never a child’s name", field="reference")
    reference = text.upper()
    if len(reference) > REFERENCE_MAX or not re.fullmatch(current_app.config["CASE_REFERENCE_PATTERN"], reference):
        raise DomainError("Enter the case reference in the partnership’s format, for example CR-000123",
                          field="reference")
    return reference


def _normalise(text: str) -> str:
    return " ".join(str(text).lower().replace("_", " ").replace("-", " ").split())


def match_vocabulary(raw, vocabulary: dict[str, str], *, field: str, label: str) -> str | None:
    """A code from `vocabulary`, given its code or its label in any case; blank means not given."""
    if raw is None or not str(raw).strip():
        return None
    wanted = _normalise(raw)
    for code, text in vocabulary.items():
        if wanted in (_normalise(code), _normalise(text)):
            return code
    raise DomainError(f"{label} must be one of: {'; '.join(vocabulary.values())}", field=field)


@dataclass(frozen=True)
class CaseDetails:
    reference: str
    age_band: str | None
    gender: str | None
    ethnicity: str | None
    area: str | None


def check_case_details(*, reference, age_band=None, gender=None, ethnicity=None, area=None) -> CaseDetails:
    return CaseDetails(
        reference=check_reference(reference),
        age_band=match_vocabulary(age_band, AGE_BANDS, field="age_band", label="Age band"),
        gender=match_vocabulary(gender, GENDERS, field="gender", label="Gender"),
        ethnicity=match_vocabulary(ethnicity, ETHNICITIES, field="ethnicity", label="Ethnicity"),
        area=_text(area, field="area", label="the area", max_length=AREA_MAX),
    )


def _check_can_add_cases(audit_round: AuditRound) -> None:
    if audit_round.state not in (RoundState.draft, RoundState.open):
        raise InvalidTransition("Cases can only be added while the round is a draft or open.")


def _existing_references(audit_round: AuditRound) -> set[str]:
    return set(db.session.execute(sa.select(AuditCase.reference).where(AuditCase.round_id == audit_round.id)).scalars())


def _new_case(audit_round: AuditRound, details: CaseDetails) -> AuditCase:
    assignments = [Assignment(organisation_id=o.id) for o in audit_round.organisations]
    case = AuditCase(reference=details.reference, age_band=details.age_band, gender=details.gender,
                     ethnicity=details.ethnicity, area=details.area, assignments=assignments)
    audit_round.cases.append(case)
    if audit_round.state == RoundState.open:
        db.session.flush()
        for assignment in case.assignments:
            _ensure_response(assignment)
    return case


def add_case(audit_round: AuditRound, *, reference, age_band=None, gender=None, ethnicity=None, area=None,
             actor=None) -> AuditCase:
    _check_can_add_cases(audit_round)
    details = check_case_details(reference=reference, age_band=age_band, gender=gender, ethnicity=ethnicity,
                                 area=area)
    if details.reference in _existing_references(audit_round):
        raise DomainError(f"Case {details.reference} is already in this round", field="reference")
    case = _new_case(audit_round, details)
    db.session.flush()
    record("case_added", audit_round, f"Case {case.reference} added to “{audit_round.title}”", actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return case


def import_cases(audit_round: AuditRound, *, filename: str, content: bytes, actor=None) -> list[AuditCase]:
    """All rows or none: any bad row refuses the whole file, with every problem listed by row."""
    _check_can_add_cases(audit_round)
    rows = importer.read_rows(filename, content)  # raises importer.ImportFailed for unreadable files
    existing = _existing_references(audit_round)
    seen: dict[str, int] = {}
    problems: list[str] = []
    accepted: list[CaseDetails] = []
    for row in rows:
        try:
            details = check_case_details(**row.values)
        except DomainError as exc:
            problems.append(f"Row {row.number}: {exc.message}")
            continue
        if details.reference in seen:
            problems.append(f"Row {row.number}: case {details.reference} is also in row {seen[details.reference]}")
        elif details.reference in existing:
            problems.append(f"Row {row.number}: case {details.reference} is already in this round")
        seen.setdefault(details.reference, row.number)
        accepted.append(details)
    if problems:
        raise importer.ImportFailed(problems)
    if not accepted:
        raise importer.ImportFailed(["The file has no cases in it: add one case per row under the column headings"])
    cases = [_new_case(audit_round, details) for details in accepted]
    db.session.flush()
    record("cases_imported", audit_round,
           f"{len(cases)} case{'s' if len(cases) != 1 else ''} imported into “{audit_round.title}” from a file",
           actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return cases


def remove_case(case: AuditCase, *, actor=None) -> None:
    audit_round = case.round
    if audit_round.state != RoundState.draft:
        raise InvalidTransition("Cases can only be removed while the round is a draft.")
    reference = case.reference
    db.session.delete(case)
    db.session.flush()
    db.session.expire(audit_round, ["cases"])
    record("case_removed", audit_round, f"Case {reference} removed from “{audit_round.title}”", actor=actor)
    figures_changed.send("round", id=audit_round.id)


# ---------------------------------------------------------------------------------------------
# Assignments
# ---------------------------------------------------------------------------------------------
def _ensure_response(assignment: Assignment) -> CaseResponse:
    """Each assignment of an open round has one response from the start, so every save is version-checked."""
    if assignment.response is None:
        assignment.response = CaseResponse(instrument_version_id=assignment.case.round.instrument_version_id,
                                           state=ResponseState.draft)
        db.session.flush()
    return assignment.response


def _check_auditor(audit_round: AuditRound, org: Organisation, user_id) -> int | None:
    if user_id in (None, "", 0):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not user.has_role("auditor"):
        raise DomainError(f"Select an active auditor for {org.name}", field=f"auditor_{org.id}")
    if audit_round.auditor_mode == AuditorMode.self_audit and user.organisation_id != org.id:
        raise DomainError(f"The auditor for {org.name} must work for {org.name}: in this round each agency "
                          "audits its own records", field=f"auditor_{org.id}")
    return user.id


def set_assignments(case: AuditCase, *, auditors: dict[int, int | None], actor=None) -> list[Assignment]:
    """`auditors` maps each organisation that must audit the case to its named auditor's user id (or None)."""
    audit_round = case.round
    if audit_round.state not in (RoundState.draft, RoundState.open):
        raise InvalidTransition("Assignments can only change while the round is a draft or open.")
    participants = {o.id: o for o in audit_round.organisations}
    wanted = {int(org_id): user_id for org_id, user_id in auditors.items()}
    if not wanted:
        raise DomainError("Select at least one organisation to audit this case", field="organisation_id")
    if set(wanted) - set(participants):
        raise DomainError("Select organisations taking part in this round", field="organisation_id")
    named = {org_id: _check_auditor(audit_round, participants[org_id], user_id) for org_id, user_id in wanted.items()}

    changes = []
    for assignment in list(case.assignments):
        if assignment.organisation_id in named:
            continue
        if status_of(assignment.response) != "not_started":
            raise DomainError(f"{assignment.organisation.name} has already started auditing this case, so it cannot "
                              "be removed", field="organisation_id")
        case.assignments.remove(assignment)
        changes.append(f"removed {assignment.organisation.name}")
    have = {a.organisation_id: a for a in case.assignments}
    for org_id, user_id in sorted(named.items()):
        assignment = have.get(org_id)
        if assignment is None:
            assignment = Assignment(organisation_id=org_id, auditor_id=user_id)
            case.assignments.append(assignment)
            changes.append(f"added {participants[org_id].name}")
        elif assignment.auditor_id != user_id:
            assignment.auditor_id = user_id
            changes.append(f"changed the named auditor for {participants[org_id].name}")
    db.session.flush()
    if audit_round.state == RoundState.open:
        for assignment in case.assignments:
            _ensure_response(assignment)
    if changes:
        record("assignments_changed", case, f"Case {case.reference}: " + "; ".join(changes), actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return case.assignments


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------
def _editable_response(assignment: Assignment) -> CaseResponse:
    audit_round = assignment.case.round
    if audit_round.state != RoundState.open:
        raise InvalidTransition("This round is not open for scoring, so answers can no longer change.")
    response = _ensure_response(assignment)
    if response.state == ResponseState.submitted:
        raise InvalidTransition("This audit has been submitted, so it can no longer change. Ask the quality "
                                "assurance team to return it if something needs correcting.")
    return response


def is_editable(assignment: Assignment) -> bool:
    response = assignment.response
    return (assignment.case.round.state == RoundState.open
            and (response is None or response.state != ResponseState.submitted))


def _flush_versioned() -> None:
    """Flush, turning a racing update of the same response into the same conflict the version check gives."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleEdit(STALE_MESSAGE) from None


def _store_answers(response: CaseResponse, answers: dict[str, dict], instrument) -> None:
    def new_row(key: str) -> CaseAnswer:
        row = CaseAnswer(question_key=key)
        response.answers.append(row)
        return row

    write_answers(instrument, answers, {a.question_key: a for a in response.answers}, new_row)


def _touch(response: CaseResponse, actor) -> None:
    response.updated_at = utcnow()  # an UPDATE of the response row is what bumps lock_version
    response.updated_by_id = _actor_id(actor)


def save_section(assignment: Assignment, section_key: str, answers: dict[str, dict], *, lock_version,
                 actor=None) -> CaseResponse:
    """Store one section's answers (as `form_answers` gives them) on the draft, if nobody saved in between."""
    response = _editable_response(assignment)
    check_version(lock_version, response.lock_version, STALE_MESSAGE)
    instrument = response_instrument(response)
    section = instrument.section(section_key)
    keys = {q.key for q in section.questions}
    _store_answers(response, {k: v for k, v in answers.items() if k in keys}, instrument)
    _touch(response, actor)
    _flush_versioned()
    record("saved", response, f"Case {assignment.case.reference}: {assignment.organisation.name} saved "
                              f"“{section.title}”", actor=actor)
    return response


def submit_response(assignment: Assignment, *, lock_version, actor=None) -> CaseResponse:
    response = _editable_response(assignment)
    check_version(lock_version, response.lock_version, STALE_MESSAGE)
    instrument = response_instrument(response)
    org_type = assignment.organisation.org_type
    answers = answers_of(response, instrument)
    problems = validate_answers(instrument, answers, org_type)
    if problems:
        raise SubmitProblems(problems)
    shown = visibility(instrument, answers, org_type)
    for row in response.answers:
        if not shown.get(row.question_key, False):  # answers to questions that no longer apply are not kept
            row.value = row.comment = row.evidence = row.score = row.meets_standard = row.rag = None
            row.excluded = False
    response.state = response.state.check_move(ResponseState.submitted)
    response.submitted_at = utcnow()
    response.submitted_by_id = _actor_id(actor)
    _touch(response, actor)
    _flush_versioned()
    record("submitted", response, f"Case {assignment.case.reference}: {assignment.organisation.name} submitted "
                                  "its audit", actor=actor)
    figures_changed.send("round", id=assignment.case.round_id)
    return response


def return_response(assignment: Assignment, *, reason, actor=None) -> CaseResponse:
    """QA sends a submitted response back to its agency for changes, saying why."""
    response = assignment.response
    if response is None or response.state != ResponseState.submitted:
        raise InvalidTransition("Only a submitted audit can be returned.")
    if assignment.case.round.state != RoundState.open:
        raise InvalidTransition("Reopen the round before returning an audit: agencies can only change their answers "
                                "while the round is open.")
    reason = _text(reason, field="reason", label="the reason for returning the audit", max_length=REASON_MAX,
                   required=True)
    response.state = response.state.check_move(ResponseState.returned)
    response.submitted_at = None
    response.returned_reason = reason
    _touch(response, actor)
    _flush_versioned()
    record("returned", response, f"Case {assignment.case.reference}: audit returned to {assignment.organisation.name}. "
                                 f"Reason: {reason}", actor=actor)
    figures_changed.send("round", id=assignment.case.round_id)
    return response


# ---------------------------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------------------------
def _answered_keys(case: AuditCase) -> set[str]:
    keys = set()
    for assignment in case.assignments:
        response = assignment.response
        if response is not None and response.state == ResponseState.submitted:
            keys.update(a.question_key for a in response.answers if a.value is not None)
    return keys


AgencyAgreed = dict[tuple[str, int], tuple[str | None, str | None, bool]]


def _agreed_per_agency(case: AuditCase, instrument, ratings: dict, comments: dict,
                       problems: list[tuple[str, str]]) -> AgencyAgreed:
    """The panel's answer for each agency to each question about the agency's own work, where one was posted:
    (question key, organisation id) -> (value, comment, changed), value None where the agency's own answer stands
    without comment. The agency's own answer stands unless the panel changes it, and a change needs a reason."""
    own = agency_answers(case, instrument)
    names = {a.organisation_id: a.organisation.name for a in case.assignments}
    agreed: AgencyAgreed = {}
    for question in agency_questions(instrument):
        for (key, org_id), answer in sorted(own.items(), key=lambda item: names.get(item[0][1], "")):
            if key != question.key or org_id not in (ratings.get(key) or {}):
                continue
            field = f"{key}__{org_id}"
            value = (ratings[key][org_id] or "").strip() or answer
            comment = ((comments.get(key) or {}).get(org_id) or "").strip() or None
            name = names[org_id]
            if question.option(value) is None:
                problems.append((f"rating__{field}", f"Select one of the answers to “{question.text}” for {name}"))
            elif value != answer and comment is None:
                problems.append((f"comment__{field}",
                                 f"Give the reason for changing the answer agreed for {name}: “{question.text}”"))
            if comment is not None and len(comment) > MODERATION_TEXT_MAX:
                problems.append((f"comment__{field}", (f"The reason for the answer agreed for {name} must be "
                                                       f"{MODERATION_TEXT_MAX} characters or fewer: “{question.text}”")))
            kept = value != answer or comment is not None
            agreed[(key, org_id)] = (value if kept else None, comment, value != answer)
    return agreed


def _page_order(instrument):
    """Sort key putting the moderation page's problems in the order of its fields: questions, then the outcome."""
    order = {q.key: i for i, q in enumerate(instrument.questions())}

    def position(problem: tuple[str, str]) -> int:
        field = problem[0]
        if field.startswith(("rating__", "comment__")):
            return order.get(field.split("__")[1], len(order))
        return len(order) + 1
    return position


def _store_per_agency(moderation: Moderation, instrument, agreed: AgencyAgreed) -> None:
    """A row for each agency whose answer the panel changed or commented on; none where the agency's own answer
    stands without a comment, so it counts with its own answer."""
    existing = {(m.question_key, m.organisation_id): m for m in moderation.answers if m.organisation_id is not None}
    for (key, org_id), (value, comment, _changed) in agreed.items():
        row = existing.get((key, org_id))
        if value is None:
            if row is not None:
                moderation.answers.remove(row)
            continue
        if row is None:
            row = ModeratedAnswer(question_key=key, organisation_id=org_id)
            moderation.answers.append(row)
        write_answer(row, instrument, {"value": value, "comment": comment})


def save_moderation(case: AuditCase, *, ratings: dict[str, str | None], comments: dict[str, str | None] | None = None,
                    agency_ratings: dict[str, dict[int, str | None]] | None = None,
                    agency_comments: dict[str, dict[int, str | None]] | None = None,
                    overall_grade: str | None = None, strengths=None, areas_for_improvement=None, learning=None,
                    actor=None) -> Moderation:
    """The panel's agreed rating per question, agreed overall grade and agreed findings for one case.

    Questions about the case get one agreed rating (`ratings`). Questions about each agency's own work are agreed
    per agency (`agency_ratings`: question key -> organisation id -> value): each agency's own answer stands
    unless the panel changes it, with a reason (`agency_comments`); agencies not given keep what they had."""
    audit_round = case.round
    if audit_round.state != RoundState.moderation:
        raise InvalidTransition("Cases can only be moderated while the round is in moderation.")
    instrument = instrument_of(audit_round)
    comments = comments or {}
    answered = _answered_keys(case)
    overall = instrument.overall_question
    problems: list[tuple[str, str]] = []
    agreed: dict[str, tuple[str | None, str | None]] = {}
    for question in rated_questions(instrument):
        if question.overall:
            continue
        value = (ratings.get(question.key) or "").strip() or None
        comment = (comments.get(question.key) or "").strip() or None
        if value is not None and question.option(value) is None:
            problems.append((f"rating__{question.key}", f"Select one of the ratings for “{question.text}”"))
        elif value is None and question.key in answered:
            problems.append((f"rating__{question.key}", f"Select the agreed rating for “{question.text}”"))
        if comment is not None and len(comment) > MODERATION_TEXT_MAX:
            problems.append((f"comment__{question.key}", f"The comment on “{question.text}” must be "
                                                         f"{MODERATION_TEXT_MAX} characters or fewer"))
        agreed[question.key] = (value, comment)
    grade = (overall_grade or "").strip() or None
    if overall is not None:
        if grade is None:
            problems.append(("overall_grade", "Select the agreed overall grade"))
        elif overall.option(grade) is None:
            problems.append(("overall_grade", "Select one of the overall grades"))
        agreed[overall.key] = (grade, (comments.get(overall.key) or "").strip() or None)
    elif grade is not None and len(grade) > 64:
        problems.append(("overall_grade", "The overall grade must be 64 characters or fewer"))
    texts = {}
    for name, value, label in (("strengths", strengths, "strengths"),
                               ("areas_for_improvement", areas_for_improvement, "areas for improvement"),
                               ("learning", learning, "learning")):
        try:
            texts[name] = _text(value, field=name, label=f"the agreed {label}", max_length=MODERATION_TEXT_MAX)
        except DomainError as exc:
            problems.append((name, exc.message))
    per_agency = _agreed_per_agency(case, instrument, agency_ratings or {}, agency_comments or {}, problems)
    if problems:
        raise FieldProblems(sorted(problems, key=_page_order(instrument)))

    moderation = case.moderation
    if moderation is None:
        moderation = Moderation(case=case)
        db.session.add(moderation)
    def new_row(key: str) -> ModeratedAnswer:
        row = ModeratedAnswer(question_key=key)
        moderation.answers.append(row)
        return row

    write_answers(instrument, {key: {"value": value, "comment": comment} for key, (value, comment) in agreed.items()},
                  {m.question_key: m for m in moderation.answers if m.organisation_id is None}, new_row)
    moderation.overall_grade = grade
    moderation.strengths = texts["strengths"]
    moderation.areas_for_improvement = texts["areas_for_improvement"]
    moderation.learning = texts["learning"]
    moderation.moderator_id = _actor_id(actor)
    moderation.moderated_at = utcnow()
    _store_per_agency(moderation, instrument, per_agency)
    case.not_moderated_reason = None
    db.session.flush()
    grade_label = overall.option(grade).label if overall is not None and grade else (grade or "none")
    summary = f"Case {case.reference} moderated: agreed overall grade {grade_label}"
    changed = sum(1 for _value, _comment, differs in per_agency.values() if differs)
    if changed:
        summary += f"; {changed} agency answer{'s' if changed != 1 else ''} changed by the panel"
    record("moderated", case, summary, actor=actor)
    figures_changed.send("round", id=case.round_id)
    return moderation


# ---------------------------------------------------------------------------------------------
# Retention
# ---------------------------------------------------------------------------------------------
def purge_case_data(closed_before: datetime, dry_run: bool = False) -> str:
    """Remove case-level data of rounds closed before `closed_before`, keeping their aggregated figures.

    Removed: every agency's answers, the cases' age band, gender, ethnicity and area, and the
    moderation panel's free text. Kept: rounds, pseudonymised case references, agreed ratings and
    grades, findings and actions, and a snapshot of the figures taken first.
    """
    from app.audits.queries import agreement_snapshot

    rounds = list(db.session.execute(
        sa.select(AuditRound).where(AuditRound.state == RoundState.closed, AuditRound.closed_at < closed_before,
                                    AuditRound.purged_at.is_(None)).order_by(AuditRound.id)
    ).scalars())
    total_answers = total_cases = 0
    for audit_round in rounds:
        case_ids = sa.select(AuditCase.id).where(AuditCase.round_id == audit_round.id)
        response_ids = (sa.select(CaseResponse.id).join(Assignment, CaseResponse.assignment_id == Assignment.id)
                        .where(Assignment.case_id.in_(case_ids)))
        answers = db.session.execute(
            sa.select(sa.func.count()).select_from(CaseAnswer).where(CaseAnswer.response_id.in_(response_ids))
        ).scalar_one()
        cases = db.session.execute(
            sa.select(sa.func.count()).select_from(AuditCase).where(AuditCase.round_id == audit_round.id)
        ).scalar_one()
        total_answers += answers
        total_cases += cases
        if dry_run:
            continue
        round_purging.send(audit_round)  # the findings feature keeps the round's figures (app/signals.py)
        audit_round.figures_snapshot = {**(audit_round.figures_snapshot or {}),
                                        "agreement": agreement_snapshot(audit_round)}
        db.session.flush()
        moderation_ids = sa.select(Moderation.id).where(Moderation.case_id.in_(case_ids))
        db.session.execute(sa.delete(CaseAnswer).where(CaseAnswer.response_id.in_(response_ids))
                           .execution_options(synchronize_session=False))
        db.session.execute(sa.update(AuditCase).where(AuditCase.round_id == audit_round.id)
                           .values(age_band=None, gender=None, ethnicity=None, area=None)
                           .execution_options(synchronize_session=False))
        db.session.execute(sa.update(ModeratedAnswer).where(ModeratedAnswer.moderation_id.in_(moderation_ids))
                           .values(comment=None).execution_options(synchronize_session=False))
        db.session.execute(sa.update(Moderation).where(Moderation.id.in_(moderation_ids))
                           .values(strengths=None, areas_for_improvement=None, learning=None)
                           .execution_options(synchronize_session=False))
        audit_round.purged_at = utcnow()
        db.session.flush()
        record("purged", audit_round, f"Case-level data of “{audit_round.title}” removed under the retention policy "
                                      f"({answers} answers, {cases} case records); aggregated figures kept")
        figures_changed.send("round", id=audit_round.id)
    db.session.expire_all()
    return (f"{len(rounds)} closed round{'s' if len(rounds) != 1 else ''}: {total_answers} answer"
            f"{'s' if total_answers != 1 else ''} and the details of {total_cases} case{'s' if total_cases != 1 else ''}")
