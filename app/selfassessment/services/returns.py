"""Returns: save a section, submit, and the partnership's review (challenge a criterion, return to the
organisation, accept). Every change passes through the return's row, so concurrent saves are caught."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.actions.services import create_action
from app.activity import record
from app.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleEdit,
)
from app.extensions import db
from app.questionnaire import (
    AnswerProblem,
    Instrument,
    check_version,
    encode_answer,
    write_answers,
)
from app.questionnaire.answers import short_text
from app.selfassessment import tallies
from app.selfassessment.models import (
    CampaignState,
    EvidenceFile,
    Return,
    ReturnAnswer,
    ReturnState,
)
from app.selfassessment.queries import (
    EDITABLE_STATES,
    instrument_of,
    needs_signoff,
    return_problems_for,
)
from app.signals import figures_changed
from app.uploads import StoredFile, delete_stored
from app.utils import utcnow

CONFLICT_MESSAGE = (
    "Someone else saved this return after you opened this page. Your changes have not been saved: "
    "check the answers below, which are the ones you entered, and save again."
)
SUBMITTED_OR_REVIEWED = (ReturnState.submitted, ReturnState.returned, ReturnState.accepted)


class ReturnIncomplete(DomainError):
    """Submission refused; `problems` lists every criterion still to do, `declaration` the declaration's fields."""

    def __init__(self, problems: list[AnswerProblem], declaration: dict[str, str]):
        super().__init__("There is a problem with your return")
        self.problems = problems
        self.declaration = declaration


@dataclass
class NewAction:
    description: str
    owner_name: str
    due_date: date
    priority: str = "medium"
    partnership_priority_ids: list = field(default_factory=list)


@dataclass
class SectionSave:
    """One section page's input, already checked by the form."""

    answers: dict[str, dict]  # engine format, this section's questions only
    expected_version: int | str | None  # as posted: the engine's check_version reads it
    reconfirm: set[str] = field(default_factory=set)
    new_actions: dict[str, list[NewAction]] = field(default_factory=dict)
    new_files: dict[str, list[StoredFile]] = field(default_factory=dict)
    remove_file_ids: set[int] = field(default_factory=set)


@dataclass
class SaveResult:
    removed_stored_names: list[str]
    actions_added: int
    files_added: int


def require_editable(ret: Return) -> None:
    """Refuse (InvalidTransition) unless the campaign is open and the return editable; changes nothing.
    Every change an organisation makes to its return checks this first."""
    if ret.campaign.state != CampaignState.open:
        raise InvalidTransition("This campaign is closed, so the return cannot be changed")
    if ret.state not in EDITABLE_STATES:
        raise InvalidTransition(f"This return is {ret.state.label.lower()}, so it cannot be changed")


def _flush_return(ret: Return) -> None:
    """Every change to a return passes through its row, so its version_id_col catches concurrent saves."""
    ret.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleEdit(CONFLICT_MESSAGE) from None


def _rows_by_key(ret: Return) -> dict[str, ReturnAnswer]:
    return {
        row.question_key: row
        for row in db.session.execute(sa.select(ReturnAnswer).where(ReturnAnswer.return_id == ret.id)).scalars()
    }


def save_section(ret: Return, section_key: str, save: SectionSave, *, actor=None) -> SaveResult:
    """Save one section's answers, re-confirmations, new actions and evidence files, and remove files. For the
    organisation's own lead, once access.can_edit_return allows it; refuses a stale page (StaleEdit)."""
    require_editable(ret)
    check_version(save.expected_version, ret.lock_version, CONFLICT_MESSAGE)
    instrument = instrument_of(ret.campaign)
    org_type = ret.organisation.org_type
    if not instrument.has_section(section_key) or not instrument.section(section_key).applies(org_type):
        raise NotFound("No such section")
    section = instrument.section(section_key)
    # Claim the return first: a concurrent save waits on its row, then finds the version moved and stops.
    started = ret.state == ReturnState.not_started
    if started:
        ret.state = ret.state.check_move(ReturnState.in_progress)
    _flush_return(ret)
    rows = _rows_by_key(ret)
    for question in section.questions:
        row = rows.get(question.key)
        if row is not None and not row.reconfirmed:
            answer = save.answers.get(question.key) or {}
            changed = (
                row.value != encode_answer(instrument, question.key, answer.get("value"))
                or (row.evidence or "").strip() != (answer.get("evidence") or "").strip()
            )
            row.reconfirmed = changed or question.key in save.reconfirm

    def new_row(key: str) -> ReturnAnswer:
        row = ReturnAnswer(return_id=ret.id, question_key=key, reconfirmed=True)
        db.session.add(row)
        return row

    write_answers(instrument, save.answers, rows, new_row, keys=[q.key for q in section.questions])
    db.session.flush()

    removed = _remove_files(ret, save.remove_file_ids, actor=actor)
    files_added = 0
    for key, stored_files in save.new_files.items():
        row = _row_for(rows, key)
        for stored in stored_files:
            db.session.add(
                EvidenceFile(
                    return_answer_id=row.id,
                    original_name=stored.original_name,
                    stored_name=stored.stored_name,
                    content_type=stored.content_type,
                    size_bytes=stored.size_bytes,
                    sha256=stored.sha256,
                    uploaded_by_id=getattr(actor, "id", None),
                )
            )
            record(
                "uploaded",
                ret,
                f"Uploaded evidence “{stored.original_name}” for {question_label(instrument, key)}",
                actor=actor,
            )
            files_added += 1
    actions_added = 0
    for key, actions in save.new_actions.items():
        row = _row_for(rows, key)
        for action in actions:
            create_action(
                description=action.description,
                owner_organisation_id=ret.organisation_id,
                owner_name=action.owner_name,
                due_date=action.due_date,
                return_answer_id=row.id,
                priority=action.priority,
                partnership_priority_ids=action.partnership_priority_ids,
                actor=actor,
            )
            actions_added += 1
    db.session.flush()
    record(
        "saved",
        ret,
        f"Saved “{section.title}” in the {ret.campaign.cycle} self-assessment of {ret.organisation.name}",
        actor=actor,
    )
    if started:  # a return's state is in the figures; its draft answers are not
        figures_changed.send("campaign", id=ret.campaign_id)
    return SaveResult(removed_stored_names=removed, actions_added=actions_added, files_added=files_added)


def _row_for(rows: dict[str, ReturnAnswer], key: str) -> ReturnAnswer:
    if key not in rows:
        raise NotFound("No such criterion in this section")
    return rows[key]


def _required_text(value: str | None, *, field: str, missing: str, label: str, limit: int = 4000) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(missing, field=field)
    if len(text) > limit:
        raise DomainError(f"{label} must be {limit} characters or fewer", field=field)
    return text


def _remove_files(ret: Return, file_ids: set[int], *, actor=None) -> list[str]:
    if not file_ids:
        return []
    files = list(
        db.session.execute(
            sa.select(EvidenceFile)
            .join(ReturnAnswer, EvidenceFile.return_answer_id == ReturnAnswer.id)
            .where(EvidenceFile.id.in_(list(file_ids)), ReturnAnswer.return_id == ret.id)
        ).scalars()
    )
    if len(files) != len(file_ids):
        raise PermissionDenied("That file is not part of this return")
    names = []
    for evidence in files:
        names.append(evidence.stored_name)
        record("removed_file", ret, f"Removed evidence “{evidence.original_name}”", actor=actor)
        delete_stored(evidence.stored_name)
        db.session.delete(evidence)
    db.session.flush()
    return names


def question_label(instrument: Instrument, key: str) -> str:
    """A criterion's short text in quotes, for the activity log; changes nothing."""
    return f"“{short_text(instrument.question(key))}”" if instrument.has_question(key) else key


DECLARATION_FIELDS = {
    "confirmed": "Confirm that this return is accurate",
    "declaration_name": "Enter your full name",
}


def check_declaration(ret: Return, *, confirmed: bool, declaration_name: str) -> str:
    """The declared name, or ReturnIncomplete with every problem left in the return and its declaration.
    Changes nothing; submitting and sending for sign-off both check it."""
    declaration = {}
    if not confirmed:
        declaration["confirmed"] = DECLARATION_FIELDS["confirmed"]
    name = (declaration_name or "").strip()
    if not name:
        declaration["declaration_name"] = DECLARATION_FIELDS["declaration_name"]
    elif len(name) > 200:
        declaration["declaration_name"] = "Your name must be 200 characters or fewer"
    problems = return_problems_for(ret)
    if problems or declaration:
        raise ReturnIncomplete(problems, declaration)
    return name


def submit_return(
    ret: Return, *, confirmed: bool, declaration_name: str, expected_version: int | str | None, actor=None
) -> Return:
    """Submit the return with its declaration, or refuse with every problem left (ReturnIncomplete). For the
    organisation's own lead, once access.can_edit_return allows it, and only when its instrument asks for no
    sign-off (otherwise services.send_for_signoff, and the last sign-off submits it)."""
    require_editable(ret)
    check_version(expected_version, ret.lock_version, CONFLICT_MESSAGE)
    if needs_signoff(ret):
        raise InvalidTransition("This return must be signed off by your organisation’s leaders: send it for sign-off")
    name = check_declaration(ret, confirmed=confirmed, declaration_name=declaration_name)
    ret.submitted_by_id = getattr(actor, "id", None)
    ret.declaration_name = name
    return mark_submitted(ret, actor=actor)


def mark_submitted(ret: Return, *, actor=None) -> Return:
    """Move the return to submitted now (its declaration already made) and tell findings. Called by submit_return
    and by the last sign-off, never by a route."""
    ret.state = ret.state.check_move(ReturnState.submitted)
    ret.submitted_at = utcnow()
    _flush_return(ret)
    tallies.return_changed(ret)
    record(
        "submitted",
        ret,
        f"{ret.organisation.name} submitted its {ret.campaign.cycle} self-assessment "
        f"(declared by {ret.declaration_name})",
        actor=actor,
    )
    figures_changed.send("campaign", id=ret.campaign_id)
    return ret


def return_to_organisation(ret: Return, *, reason: str, actor=None) -> Return:
    """Send a submitted return back to its organisation with the reasons, so it can be edited again.
    Partnership staff (admin or QA) only, once access.return_for_review allows it."""
    reason = _required_text(
        reason, field="reason", missing="Enter the reasons for returning it to the organisation", label="The reasons"
    )
    ret.state = ret.state.check_move(ReturnState.returned)
    ret.returned_reason = reason
    ret.submitted_at = None
    ret.reviewed_at = utcnow()
    ret.reviewed_by_id = getattr(actor, "id", None)
    _flush_return(ret)
    tallies.return_changed(ret)
    record(
        "returned",
        ret,
        f"Returned the {ret.campaign.cycle} self-assessment to {ret.organisation.name}: {reason}",
        actor=actor,
    )
    figures_changed.send("campaign", id=ret.campaign_id)
    return ret


def accept_return(ret: Return, *, actor=None) -> Return:
    """Accept a submitted return. Partnership staff (admin or QA) only, once access.return_for_review allows it."""
    ret.state = ret.state.check_move(ReturnState.accepted)
    ret.reviewed_at = utcnow()
    ret.reviewed_by_id = getattr(actor, "id", None)
    _flush_return(ret)
    record(
        "accepted", ret, f"Accepted the {ret.campaign.cycle} self-assessment of {ret.organisation.name}", actor=actor
    )
    figures_changed.send("campaign", id=ret.campaign_id)
    return ret
