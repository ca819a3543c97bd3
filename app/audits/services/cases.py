"""The case sample of a round and who audits each case: add, import, remove cases; assign agencies and auditors."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

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
    RoundState,
)
from app.audits.queries import (
    status_of,
)
from app.audits.services._common import (
    AREA_MAX,
    REFERENCE_MAX,
    _ensure_response,
)
from app.errors import DomainError, InvalidTransition, checked_text
from app.extensions import db
from app.signals import figures_changed

# ---------------------------------------------------------------------------------------------
# Case sample
# ---------------------------------------------------------------------------------------------
_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def looks_like_name(text: str) -> bool:
    """Two or more words of letters, at least two capitalised: 'Jane Smith', 'Smith, Jane', 'Mary-Ann O’Neil'."""
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    return (
        len(words) >= 2 and all(_NAME_WORD.fullmatch(w) for w in words) and sum(1 for w in words if w[0].isupper()) >= 2
    )


def check_reference(raw) -> str:
    """A case reference ready to store, or DomainError with a message safe to show (it never repeats a name)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise DomainError("Enter the case reference", field="reference")
    if looks_like_name(text):
        raise DomainError(
            "The case reference looks like a person’s name. Use the pseudonymised case reference, "
            "for example CR-000123, never a child’s name",
            field="reference",
        )
    reference = text.upper()
    if len(reference) > REFERENCE_MAX or not re.fullmatch(current_app.config["CASE_REFERENCE_PATTERN"], reference):
        raise DomainError(
            "Enter the case reference in the partnership’s format, for example CR-000123", field="reference"
        )
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
    """A case's details checked and normalised, saving nothing; `add_case` and `import_cases` use it."""
    return CaseDetails(
        reference=check_reference(reference),
        age_band=match_vocabulary(age_band, AGE_BANDS, field="age_band", label="Age band"),
        gender=match_vocabulary(gender, GENDERS, field="gender", label="Gender"),
        ethnicity=match_vocabulary(ethnicity, ETHNICITIES, field="ethnicity", label="Ethnicity"),
        area=checked_text(area, field="area", label="the area", max_length=AREA_MAX, required=False),
    )


def _check_can_add_cases(audit_round: AuditRound) -> None:
    if audit_round.state not in (RoundState.draft, RoundState.open):
        raise InvalidTransition("Cases can only be added while the round is a draft or open.")


def _existing_references(audit_round: AuditRound) -> set[str]:
    return set(db.session.execute(sa.select(AuditCase.reference).where(AuditCase.round_id == audit_round.id)).scalars())


def _new_case(audit_round: AuditRound, details: CaseDetails) -> AuditCase:
    assignments = [Assignment(organisation_id=o.id) for o in audit_round.organisations]
    case = AuditCase(
        reference=details.reference,
        age_band=details.age_band,
        gender=details.gender,
        ethnicity=details.ethnicity,
        area=details.area,
        assignments=assignments,
    )
    audit_round.cases.append(case)
    if audit_round.state == RoundState.open:
        db.session.flush()
        for assignment in case.assignments:
            _ensure_response(assignment)
    return case


def add_case(
    audit_round: AuditRound, *, reference, age_band=None, gender=None, ethnicity=None, area=None, actor=None
) -> AuditCase:
    """Add one case to a draft or open round, assigned to every participating organisation.
    Called by partnership staff (admin, qa)."""
    _check_can_add_cases(audit_round)
    details = check_case_details(reference=reference, age_band=age_band, gender=gender, ethnicity=ethnicity, area=area)
    if details.reference in _existing_references(audit_round):
        raise DomainError(f"Case {details.reference} is already in this round", field="reference")
    case = _new_case(audit_round, details)
    db.session.flush()
    record("case_added", audit_round, f"Case {case.reference} added to “{audit_round.title}”", actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return case


def import_cases(audit_round: AuditRound, *, filename: str, content: bytes, actor=None) -> list[AuditCase]:
    """All rows or none: any bad row refuses the whole file, with every problem listed by row. A "Lead agency"
    column names each case's lead agency (one of the round's organisations, by name; blank for the default).
    Adds the file's cases to a draft or open round; called by partnership staff (admin, qa)."""
    _check_can_add_cases(audit_round)
    rows = importer.read_rows(filename, content)  # raises importer.ImportFailed for unreadable files
    existing = _existing_references(audit_round)
    seen: dict[str, int] = {}
    problems: list[str] = []
    accepted: list[CaseDetails] = []
    leads: dict[str, int | None] = {}
    agencies = {o.name.casefold(): o.id for o in audit_round.organisations}
    for row in rows:
        values = dict(row.values)
        lead_name = values.pop("lead_agency", "")
        if lead_name and lead_name.casefold() not in agencies:
            problems.append(f"Row {row.number}: the lead agency “{lead_name}” is not taking part in this round")
        try:
            details = check_case_details(**values)
        except DomainError as exc:
            problems.append(f"Row {row.number}: {exc.message}")
            continue
        leads[details.reference] = agencies.get(lead_name.casefold()) if lead_name else None
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
    for case in cases:
        case.lead_organisation_id = leads[case.reference]
    db.session.flush()
    record(
        "cases_imported",
        audit_round,
        f"{len(cases)} case{'s' if len(cases) != 1 else ''} imported into “{audit_round.title}” from a file",
        actor=actor,
    )
    figures_changed.send("round", id=audit_round.id)
    return cases


def remove_case(case: AuditCase, *, actor=None) -> None:
    """Delete a case and its assignments from a draft round. Called by partnership staff (admin, qa)."""
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
def _check_auditor(audit_round: AuditRound, org: Organisation, user_id) -> int | None:
    if user_id in (None, "", 0):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not user.has_role("auditor"):
        raise DomainError(f"Select an active auditor for {org.name}", field=f"auditor_{org.id}")
    if audit_round.auditor_mode == AuditorMode.self_audit and user.organisation_id != org.id:
        raise DomainError(
            f"The auditor for {org.name} must work for {org.name}: in this round each agency audits its own records",
            field=f"auditor_{org.id}",
        )
    return user.id


def set_assignments(case: AuditCase, *, auditors: dict[int, int | None], actor=None) -> list[Assignment]:
    """`auditors` maps each organisation that must audit the case to its named auditor's user id (or None).
    Called by partnership staff (admin, qa) while the round is a draft or open."""
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
            raise DomainError(
                f"{assignment.organisation.name} has already started auditing this case, so it cannot be removed",
                field="organisation_id",
            )
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
