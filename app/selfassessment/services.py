"""Every state change of campaigns, returns, challenges and the practitioner survey."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import ORG_TYPES, Organisation
from app.actions.services import create_action
from app.activity import record
from app.errors import DomainError, InvalidTransition, NotFound, PermissionDenied, StaleEdit
from app.extensions import db
from app.questionnaire import (
    AnswerProblem,
    Instrument,
    catalogue_for_key,
    check_version,
    decode_answer,
    encode_answer,
    get_version,
    write_answers,
)
from app.questionnaire.answers import short_text
from app.selfassessment.models import (
    Campaign,
    CampaignState,
    Challenge,
    EvidenceFile,
    Return,
    ReturnAnswer,
    ReturnState,
    SurveyLink,
    SurveySnapshot,
    campaign_org_type,
)
from app.selfassessment.queries import (
    EDITABLE_STATES,
    RAG_LABELS,
    instrument_of,
    invited_organisations,
    return_problems_for,
)
from app.selfassessment.survey_services import close_campaign_surveys
from app.signals import figures_changed
from app.uploads import StoredFile
from app.utils import utcnow

CYCLE_RE = re.compile(r"^(\d{4})-(\d{2})$")
CONFLICT_MESSAGE = ("Someone else saved this return after you opened this page. Your changes have not been saved: "
                    "check the answers below, which are the ones you entered, and save again.")
SUBMITTED_OR_REVIEWED = (ReturnState.submitted, ReturnState.returned, ReturnState.accepted)


class ReturnIncomplete(DomainError):
    """Submission refused; `problems` lists every criterion still to do, `declaration` the declaration's fields."""

    def __init__(self, problems: list[AnswerProblem], declaration: dict[str, str]):
        super().__init__("There is a problem with your return")
        self.problems = problems
        self.declaration = declaration


# ---------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------
def cycle_problem(cycle: str) -> str | None:
    match = CYCLE_RE.match(cycle or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        return "Enter the cycle as two consecutive years, like 2025-26"
    return None


def create_campaign(*, title: str, instrument_version_id: int, cycle: str, due_date: date,
                    org_types: list[str], survey_version_id: int | None = None, actor=None) -> Campaign:
    title = (title or "").strip()
    if not title:
        raise DomainError("Enter a title for the campaign", field="title")
    version = get_version(instrument_version_id)
    if version.kind != "self_assessment":
        raise DomainError("Choose a self-assessment instrument", field="instrument_version_id")
    if survey_version_id is not None and get_version(survey_version_id).kind != "survey":
        raise DomainError("Choose a practitioner survey, or no survey", field="survey_version_id")
    problem = cycle_problem(cycle)
    if problem:
        raise DomainError(problem, field="cycle")
    if not isinstance(due_date, date):
        raise DomainError("Enter the date returns are due", field="due_date")
    unknown = [t for t in org_types if t not in ORG_TYPES]
    if unknown or not org_types:
        raise DomainError("Select at least one type of organisation to invite", field="org_types")
    clash = db.session.execute(
        sa.select(Campaign.id).where(Campaign.instrument_version_id == instrument_version_id, Campaign.cycle == cycle)
    ).first()
    if clash:
        raise DomainError(f"There is already a {cycle} campaign using this instrument version", field="cycle")
    campaign = Campaign(title=title, instrument_version_id=instrument_version_id, survey_version_id=survey_version_id,
                        cycle=cycle, due_date=due_date, state=CampaignState.draft,
                        created_by_id=getattr(actor, "id", None))
    db.session.add(campaign)
    db.session.flush()
    db.session.execute(campaign_org_type.insert(),
                       [{"campaign_id": campaign.id, "org_type": t} for t in sorted(set(org_types))])
    record("created", campaign, f"Created self-assessment campaign {title} ({cycle})", actor=actor)
    return campaign


def previous_campaign_for(campaign: Campaign) -> Campaign | None:
    """The latest earlier-cycle campaign of the same instrument (any version) that has been opened."""
    from app.questionnaire import InstrumentVersion

    instrument_id = campaign.instrument_version.instrument_id
    return db.session.execute(
        sa.select(Campaign)
        .join(InstrumentVersion, Campaign.instrument_version_id == InstrumentVersion.id)
        .where(InstrumentVersion.instrument_id == instrument_id, Campaign.cycle < campaign.cycle,
               Campaign.state != CampaignState.draft, Campaign.id != campaign.id)
        .order_by(Campaign.cycle.desc(), Campaign.id.desc()).limit(1)
    ).scalar_one_or_none()


def open_campaign(campaign: Campaign, *, actor=None) -> Campaign:
    """Open (or re-open) a campaign: a return for every invited active organisation, each starting from its
    previous cycle's return, and a practitioner survey link for each."""
    campaign.state = campaign.state.check_move(CampaignState.open)
    if campaign.previous_campaign_id is None:
        previous = previous_campaign_for(campaign)
        campaign.previous_campaign_id = previous.id if previous is not None else None
    campaign.opened_at = utcnow()
    campaign.closed_at = None
    db.session.flush()
    existing = set(db.session.execute(
        sa.select(Return.organisation_id).where(Return.campaign_id == campaign.id)
    ).scalars())
    linked = set(db.session.execute(
        sa.select(SurveyLink.organisation_id).where(SurveyLink.campaign_id == campaign.id)
    ).scalars())
    instrument = instrument_of(campaign)
    # A campaign re-opened after its surveys closed keeps them closed and adds none: its survey is over.
    survey_over = db.session.execute(sa.select(SurveySnapshot.id).where(
        SurveySnapshot.campaign_id == campaign.id, SurveySnapshot.survey_link_id.is_(None))).first() is not None
    started = 0
    for org in invited_organisations(campaign):
        if org.id not in existing:
            ret = Return(campaign=campaign, organisation_id=org.id, state=ReturnState.not_started)
            db.session.add(ret)
            db.session.flush()
            _carry_forward(ret, instrument, org, campaign.previous_campaign_id)
            started += 1
        if campaign.survey_version_id is not None and org.id not in linked and not survey_over:
            db.session.add(SurveyLink(campaign_id=campaign.id, organisation_id=org.id,
                                      token=secrets.token_urlsafe(32)))
    db.session.flush()
    record("opened", campaign, f"Opened {campaign.label}: {started} new returns", actor=actor)
    figures_changed.send("campaign", id=campaign.id)
    return campaign


def _carry_forward(ret: Return, instrument: Instrument, org: Organisation, previous_campaign_id: int | None) -> int:
    """Start from last cycle: answers and evidence text, each marked to re-confirm. Open actions stay linked to the
    earlier answer and are shown through `carried_from`."""
    if previous_campaign_id is None:
        return 0
    previous_rows = db.session.execute(
        sa.select(ReturnAnswer).join(Return, ReturnAnswer.return_id == Return.id)
        .where(Return.campaign_id == previous_campaign_id, Return.organisation_id == org.id)
        .order_by(ReturnAnswer.id)
    ).scalars()
    applicable = {q.key for q in instrument.questions(org.org_type)}
    catalogue = catalogue_for_key(instrument.key)
    carried: dict[str, dict] = {}
    carried_from: dict[str, int] = {}
    for old in previous_rows:
        key = catalogue.canonical(old.question_key)
        if key not in applicable or key in carried or (old.value is None and not old.evidence):
            continue
        question = instrument.question(key)
        value = decode_answer(instrument, key, old.value)
        carried[key] = {"value": value if question.option(value) is not None else None,
                        "comment": old.comment, "evidence": old.evidence}
        carried_from[key] = old.id

    def new_row(key: str) -> ReturnAnswer:
        row = ReturnAnswer(return_id=ret.id, question_key=key, carried_from_id=carried_from[key], reconfirmed=False)
        db.session.add(row)
        return row

    return len(write_answers(instrument, carried, {}, new_row))


def close_campaign(campaign: Campaign, *, actor=None) -> Campaign:
    """Close the campaign, and with it every practitioner survey still open (app.selfassessment.survey_services)."""
    campaign.state = campaign.state.check_move(CampaignState.closed)
    campaign.closed_at = utcnow()
    close_campaign_surveys(campaign)
    db.session.flush()
    record("closed", campaign, f"Closed {campaign.label}", actor=actor)
    figures_changed.send("campaign", id=campaign.id)
    return campaign


# ---------------------------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------------------------
@dataclass
class NewAction:
    description: str
    owner_name: str
    due_date: date


@dataclass
class SectionSave:
    """One section page's input, already checked by the form."""

    answers: dict[str, dict]                      # engine format, this section's questions only
    expected_version: int | str | None            # as posted: the engine's check_version reads it
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
    return {row.question_key: row for row in db.session.execute(
        sa.select(ReturnAnswer).where(ReturnAnswer.return_id == ret.id)).scalars()}


def save_section(ret: Return, section_key: str, save: SectionSave, *, actor=None) -> SaveResult:
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
            changed = (row.value != encode_answer(instrument, question.key, answer.get("value"))
                       or (row.evidence or "").strip() != (answer.get("evidence") or "").strip())
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
            db.session.add(EvidenceFile(return_answer_id=row.id, original_name=stored.original_name,
                                        stored_name=stored.stored_name, content_type=stored.content_type,
                                        size_bytes=stored.size_bytes, sha256=stored.sha256,
                                        uploaded_by_id=getattr(actor, "id", None)))
            record("uploaded", ret, f"Uploaded evidence “{stored.original_name}” for {question_label(instrument, key)}",
                   actor=actor)
            files_added += 1
    actions_added = 0
    for key, actions in save.new_actions.items():
        row = _row_for(rows, key)
        for action in actions:
            create_action(description=action.description, owner_organisation_id=ret.organisation_id,
                          owner_name=action.owner_name, due_date=action.due_date, return_answer_id=row.id,
                          actor=actor)
            actions_added += 1
    db.session.flush()
    record("saved", ret, f"Saved “{section.title}” in the {ret.campaign.cycle} self-assessment of "
                         f"{ret.organisation.name}", actor=actor)
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
    files = list(db.session.execute(
        sa.select(EvidenceFile).join(ReturnAnswer, EvidenceFile.return_answer_id == ReturnAnswer.id)
        .where(EvidenceFile.id.in_(list(file_ids)), ReturnAnswer.return_id == ret.id)
    ).scalars())
    if len(files) != len(file_ids):
        raise PermissionDenied("That file is not part of this return")
    names = []
    for evidence in files:
        names.append(evidence.stored_name)
        record("removed_file", ret, f"Removed evidence “{evidence.original_name}”", actor=actor)
        db.session.delete(evidence)
    db.session.flush()
    return names


def question_label(instrument: Instrument, key: str) -> str:
    return f"“{short_text(instrument.question(key))}”" if instrument.has_question(key) else key


DECLARATION_FIELDS = {
    "confirmed": "Confirm that this return is accurate",
    "declaration_name": "Enter your full name",
}


def submit_return(ret: Return, *, confirmed: bool, declaration_name: str, expected_version: int | str | None,
                  actor=None) -> Return:
    require_editable(ret)
    check_version(expected_version, ret.lock_version, CONFLICT_MESSAGE)
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
    ret.state = ret.state.check_move(ReturnState.submitted)
    ret.submitted_at = utcnow()
    ret.submitted_by_id = getattr(actor, "id", None)
    ret.declaration_name = name
    _flush_return(ret)
    record("submitted", ret, f"{ret.organisation.name} submitted its {ret.campaign.cycle} self-assessment "
                             f"(declared by {name})", actor=actor)
    figures_changed.send("campaign", id=ret.campaign_id)
    return ret


def challenge_answer(ret: Return, question_key: str, *, moderated_rag: str, comment: str, actor=None) -> Challenge:
    if ret.state not in SUBMITTED_OR_REVIEWED:
        raise InvalidTransition("A criterion can be challenged once the return has been submitted")
    if moderated_rag not in RAG_LABELS:
        raise DomainError("Select the moderated rating", field="moderated_rag")
    comment = _required_text(comment, field="comment", missing="Enter the reason for the challenge",
                             label="The reason")
    row = _rows_by_key(ret).get(question_key)
    if row is None or row.rag is None:
        raise NotFound("That criterion has no rating to challenge")
    challenge = row.challenge or Challenge(return_answer_id=row.id)
    challenge.moderated_rag = moderated_rag
    challenge.comment = comment
    challenge.challenged_by_id = getattr(actor, "id", None)
    challenge.challenged_at = utcnow()
    db.session.add(challenge)
    db.session.flush()
    instrument = instrument_of(ret.campaign)
    record("challenged", ret, f"Challenged {question_label(instrument, question_key)} for {ret.organisation.name}: "
                              f"self-assessed {RAG_LABELS[row.rag]}, moderated {RAG_LABELS[moderated_rag]}",
           actor=actor)
    figures_changed.send("campaign", id=ret.campaign_id)
    return challenge


def return_to_organisation(ret: Return, *, reason: str, actor=None) -> Return:
    reason = _required_text(reason, field="reason", missing="Enter the reasons for returning it to the organisation",
                            label="The reasons")
    ret.state = ret.state.check_move(ReturnState.returned)
    ret.returned_reason = reason
    ret.submitted_at = None
    ret.reviewed_at = utcnow()
    ret.reviewed_by_id = getattr(actor, "id", None)
    _flush_return(ret)
    record("returned", ret, f"Returned the {ret.campaign.cycle} self-assessment to {ret.organisation.name}: {reason}",
           actor=actor)
    figures_changed.send("campaign", id=ret.campaign_id)
    return ret


def accept_return(ret: Return, *, actor=None) -> Return:
    ret.state = ret.state.check_move(ReturnState.accepted)
    ret.reviewed_at = utcnow()
    ret.reviewed_by_id = getattr(actor, "id", None)
    _flush_return(ret)
    record("accepted", ret, f"Accepted the {ret.campaign.cycle} self-assessment of {ret.organisation.name}",
           actor=actor)
    figures_changed.send("campaign", id=ret.campaign_id)
    return ret
