"""Audit rounds: create, change details, open for scoring, move to moderation, reopen, close."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.activity import record
from app.audits.models import (
    Assignment,
    AuditorMode,
    AuditRound,
    ResponseState,
    RoundState,
)
from app.audits.queries import concerns_of_round
from app.audits.services._common import (
    AREA_MAX,
    REASON_MAX,
    TITLE_MAX,
    FieldProblems,
    _actor_id,
    _ensure_response,
)
from app.errors import DomainError, InvalidTransition, checked_text
from app.extensions import db
from app.questionnaire import (
    get_version,
)
from app.signals import figures_changed
from app.utils import utcnow


# ---------------------------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------------------------
def _check_round_fields(*, title, area, period_start, period_end, due_date) -> tuple[str, str | None]:
    title = checked_text(title, field="title", label="a title", max_length=TITLE_MAX)
    area = checked_text(area, field="area", label="the area", max_length=AREA_MAX, required=False)
    for name, value, label in (
        ("period_start", period_start, "the start of the audit period"),
        ("period_end", period_end, "the end of the audit period"),
        ("due_date", due_date, "the due date"),
    ):
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


def create_round(
    *,
    instrument_version_id,
    title,
    area=None,
    period_start,
    period_end,
    due_date,
    auditor_mode=AuditorMode.self_audit,
    organisation_ids=(),
    actor=None,
) -> AuditRound:
    """Create a draft round from a case audit instrument, with its participating organisations.
    Called by partnership staff (admin, qa) from the new round page."""
    title, area = _check_round_fields(
        title=title, area=area, period_start=period_start, period_end=period_end, due_date=due_date
    )
    version = get_version(instrument_version_id) if instrument_version_id else None
    if version is None or version.kind != "case_audit":
        raise DomainError("Select the audit criteria (a case audit instrument)", field="instrument_version_id")
    audit_round = AuditRound(
        instrument_version_id=version.id,
        title=title,
        area=area,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
        auditor_mode=_mode(auditor_mode),
        state=RoundState.draft,
        created_by_id=_actor_id(actor),
    )
    audit_round.organisations = _organisations(organisation_ids)
    db.session.add(audit_round)
    db.session.flush()
    record("created", audit_round, f"Audit round “{title}” created from {version.label}", actor=actor)
    return audit_round


def update_round(
    audit_round: AuditRound,
    *,
    title,
    area=None,
    period_start,
    period_end,
    due_date,
    auditor_mode=None,
    organisation_ids=None,
    instrument_version_id=None,
    actor=None,
) -> AuditRound:
    """Details can change until the round closes; criteria, agencies and auditor mode only while it is a draft.
    Called by partnership staff (admin, qa)."""
    if audit_round.state == RoundState.closed:
        raise InvalidTransition("This round is closed, so its details can no longer change.")
    title, area = _check_round_fields(
        title=title, area=area, period_start=period_start, period_end=period_end, due_date=due_date
    )
    draft_only = {"criteria": instrument_version_id, "agencies": organisation_ids, "auditor mode": auditor_mode}
    if audit_round.state != RoundState.draft:
        changed = [
            name for name, value in draft_only.items() if value is not None and _differs(audit_round, name, value)
        ]
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
    """Open a draft round for scoring once every case has an organisation (and, with external auditors, a
    named auditor), giving each assignment its response. Called by partnership staff (admin, qa)."""
    audit_round.state.check_move(RoundState.open)
    if not audit_round.cases:
        raise InvalidTransition("Add at least one case before opening the round.")
    unassigned = [c.reference for c in audit_round.cases if not c.assignments]
    if unassigned:
        raise InvalidTransition(
            "Assign at least one organisation to every case before opening the round. "
            f"No organisation audits: {', '.join(unassigned)}."
        )
    if audit_round.auditor_mode == AuditorMode.external:
        unnamed = sorted({c.reference for c in audit_round.cases for a in c.assignments if a.auditor_id is None})
        if unnamed:
            raise InvalidTransition(
                "This round uses external auditors: name an auditor for every assignment before "
                f"opening it. No auditor is named for: {', '.join(unnamed)}."
            )
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
    """Move an open round to moderation, after which agencies' answers no longer change; unsubmitted
    responses need `confirm_unsubmitted`. Called by partnership staff (admin, qa)."""
    audit_round.state.check_move(RoundState.moderation)
    responses = [a.response for c in audit_round.cases for a in c.assignments]
    submitted = sum(1 for r in responses if r is not None and r.state == ResponseState.submitted)
    if not submitted:
        raise InvalidTransition("No agency has submitted a response yet, so there is nothing to moderate.")
    waiting = len(responses) - submitted
    if waiting and not confirm_unsubmitted:
        raise DomainError(
            f"Confirm that you want to start moderation although {waiting} "
            f"response{'s have' if waiting != 1 else ' has'} not been submitted",
            field="confirm",
        )
    audit_round.state = RoundState.moderation
    db.session.flush()
    record(
        "moderation_started",
        audit_round,
        f"Audit round “{audit_round.title}” moved to moderation ({submitted} submitted, {waiting} not submitted)",
        actor=actor,
    )
    figures_changed.send("round", id=audit_round.id)
    return audit_round


def reopen_round(audit_round: AuditRound, *, actor=None) -> AuditRound:
    """Move a round in moderation back to open so agencies can change their answers again.
    Called by partnership staff (admin, qa)."""
    audit_round.state.check_move(RoundState.open)
    if audit_round.state != RoundState.moderation:
        raise InvalidTransition("Only a round in moderation can be reopened.")
    audit_round.state = RoundState.open
    db.session.flush()
    record("reopened", audit_round, f"Audit round “{audit_round.title}” reopened for scoring", actor=actor)
    figures_changed.send("round", id=audit_round.id)
    return audit_round


def close_round(audit_round: AuditRound, *, reasons: dict[int, str] | None = None, actor=None) -> AuditRound:
    """Close a round in moderation. A case nobody moderated needs a recorded reason, and no live concern on its cases
    may be open. Called by partnership staff (admin, qa)."""
    audit_round.state.check_move(RoundState.closed)
    reasons = reasons or {}
    problems = []
    still_open = sorted({c.case.reference for c in concerns_of_round(audit_round, only_open=True)})
    if still_open:
        problems.append(
            (
                "concerns",
                f"Close the live concern{'s' if len(still_open) != 1 else ''} on case"
                f"{'s' if len(still_open) != 1 else ''} {', '.join(still_open)} before closing the round",
            )
        )
    for case in audit_round.cases:
        if case.moderation is not None:
            continue
        reason = (reasons.get(case.id) or case.not_moderated_reason or "").strip()
        if not reason:
            problems.append(
                (f"reason_{case.id}", f"Moderate case {case.reference} or give a reason why it was not moderated")
            )
        elif len(reason) > REASON_MAX:
            problems.append(
                (
                    f"reason_{case.id}",
                    (f"The reason for case {case.reference} must be {REASON_MAX} characters or fewer"),
                )
            )
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
