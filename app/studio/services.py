"""Every change to a studio draft: starting one, each edit (saved as it is made), publishing.

Each edit carries the lock_version of the page it was made on; a stale or missing one is refused with StaleEdit,
so two people editing the same draft never silently overwrite each other.
"""
from __future__ import annotations

import copy
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.permissions import is_partnership_staff
from app.activity import record
from app.errors import DomainError, NotFound, PermissionDenied, StaleEdit, get_or_404
from app.extensions import db
from app.questionnaire import InstrumentVersion, definition_problems, latest_version
from app.questionnaire.definition import KINDS
from app.questionnaire.store import InvalidDefinition, publish_definition
from app.studio.models import DraftState, InstrumentDraft
from app.studio.question_types import YES_NO, engine_type, takes
from app.utils import utcnow

INSTRUMENT_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FIELD_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
STALE_MESSAGE = ("Someone else changed this draft after you opened this page, so your change has not been saved. "
                 "The draft below shows what is saved now: make your change again if it is still needed.")
YES_NO_OPTIONS = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
QUESTION_ORDER = ("key", "type", "scale", "options", "text", "hint", "required", "themes", "comment", "evidence",
                  "show_if", "overall", "about", "max_length", "min", "max")
OPTION_ORDER = ("value", "label", "score", "meets_standard", "rag", "excluded", "needs_reason", "partial")


class FieldProblems(DomainError):
    """Several problems at once, each tied to a form field: [(field, message)]."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems[0][1], field=problems[0][0])
        self.problems = problems


class PublishProblems(DomainError):
    def __init__(self, problems):
        super().__init__("This draft cannot be published until its problems are fixed")
        self.problems = problems


# ---------------------------------------------------------------------------------------------
# Loading and permission
# ---------------------------------------------------------------------------------------------
def _require_staff(actor) -> None:
    if not is_partnership_staff(actor):
        raise PermissionDenied("Only admins and the QA sub-group can use the instrument studio")


def get_draft(draft_id: int, actor) -> InstrumentDraft:
    _require_staff(actor)
    return get_or_404(InstrumentDraft, draft_id, "draft")


def get_version(version_id: int, actor) -> InstrumentVersion:
    _require_staff(actor)
    return get_or_404(InstrumentVersion, version_id, "instrument version")


def list_drafts(actor) -> list[InstrumentDraft]:
    _require_staff(actor)
    return list(db.session.execute(
        sa.select(InstrumentDraft).where(InstrumentDraft.state == DraftState.draft)
        .order_by(InstrumentDraft.updated_at.desc(), InstrumentDraft.id.desc())
    ).scalars())


def problems_of(draft: InstrumentDraft):
    return definition_problems(draft.definition)


# ---------------------------------------------------------------------------------------------
# Starting a draft
# ---------------------------------------------------------------------------------------------
def _new_draft(definition: dict, actor, based_on: InstrumentVersion | None, how: str) -> InstrumentDraft:
    draft = InstrumentDraft(key=str(definition.get("key") or "")[:100], kind=str(definition.get("kind") or "")[:32],
                            title=str(definition.get("title") or "")[:300], definition=definition,
                            based_on_id=based_on.id if based_on is not None else None,
                            created_by_id=getattr(actor, "id", None), updated_by_id=getattr(actor, "id", None))
    db.session.add(draft)
    db.session.flush()
    record("instrument_draft.started", draft, f"Started a draft of {draft.title} ({draft.key}) {how}", actor=actor)
    return draft


def _check_new_key(key: str, field: str = "key") -> None:
    if not INSTRUMENT_KEY.match(key or ""):
        raise DomainError("Enter a key of lower-case letters and digits separated by single hyphens, "
                          "for example missing-episodes", field=field)
    if latest_version(key) is not None:
        raise DomainError(f"An instrument with the key {key} is already published; start a new version of it "
                          "from the instruments page instead", field=field)


def start_blank(*, key: str, title: str, kind: str, actor) -> InstrumentDraft:
    _require_staff(actor)
    _check_new_key(key)
    if kind not in KINDS:
        raise DomainError("Select the kind of instrument", field="kind")
    definition = {"key": key, "version": 1, "kind": kind, "title": title, "applies_to": ["all"], "sections": []}
    return _new_draft(definition, actor, None, "from nothing")


def start_new_version(version: InstrumentVersion, *, actor) -> InstrumentDraft:
    _require_staff(actor)
    definition = copy.deepcopy(version.definition)
    definition.pop("renamed", None)  # each version declares only its own renames; findings follow the chain
    latest = latest_version(version.key)
    definition["version"] = (latest.version if latest is not None else version.version) + 1
    return _new_draft(definition, actor, version, f"from version {version.version}")


def start_copy(version: InstrumentVersion, *, key: str, title: str, actor) -> InstrumentDraft:
    _require_staff(actor)
    _check_new_key(key)
    if not title:
        raise DomainError("Enter a title", field="title")
    definition = copy.deepcopy(version.definition)
    definition.pop("renamed", None)
    definition.update(key=key, version=1, title=title)
    return _new_draft(definition, actor, version, f"as a copy of {version.key} version {version.version}")


def start_from_definition(definition: dict, *, actor, source: str) -> InstrumentDraft:
    """A draft from an uploaded file or workbook, already checked with the engine's rules."""
    _require_staff(actor)
    definition = copy.deepcopy(definition)
    latest = latest_version(definition["key"])
    if latest is not None and latest.kind != definition["kind"]:
        raise DomainError(f"An instrument with the key {definition['key']} is already published as a "
                          f"{latest.kind.replace('_', ' ')}; a key keeps its kind", field="file")
    return _new_draft(definition, actor, latest, f"from {source}")


# ---------------------------------------------------------------------------------------------
# Editing
# ---------------------------------------------------------------------------------------------
def _editable(draft: InstrumentDraft, lock_version, actor) -> dict:
    _require_staff(actor)
    if not draft.is_editable:
        raise DomainError("This draft has been published, so it can no longer be changed. Start a new version instead.")
    try:
        expected = int(lock_version)
    except (TypeError, ValueError):
        expected = None
    if expected != draft.lock_version:
        raise StaleEdit(STALE_MESSAGE)
    return copy.deepcopy(draft.definition)


def _touch(draft: InstrumentDraft, actor) -> None:
    """Stamp who changed the draft and flush; the version counter turns a concurrent change into StaleEdit."""
    draft.updated_at = utcnow()
    draft.updated_by_id = getattr(actor, "id", None)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleEdit(STALE_MESSAGE) from None


def _save(draft: InstrumentDraft, definition: dict, actor, summary: str) -> InstrumentDraft:
    draft.definition = definition
    draft.title = str(definition.get("title") or draft.title)[:300]
    draft.kind = str(definition.get("kind") or draft.kind)[:32]
    draft.key = str(definition.get("key") or draft.key)[:100]
    _touch(draft, actor)
    record("instrument_draft.changed", draft, f"{draft.title} ({draft.key}): {summary}", actor=actor)
    return draft


def _set(target: dict, name: str, value: Any) -> None:
    if value is None or value == [] or value == "":
        target.pop(name, None)
    else:
        target[name] = value


def _sections(definition: dict) -> list[dict]:
    sections = definition.get("sections")
    if not isinstance(sections, list):
        sections = definition["sections"] = []
    return sections


def _section(definition: dict, si: int) -> dict:
    sections = _sections(definition)
    if not (0 <= si < len(sections)) or not isinstance(sections[si], dict):
        raise NotFound("No such section")
    sections[si].setdefault("questions", [])
    return sections[si]


def _question(definition: dict, si: int, qi: int) -> dict:
    questions = _section(definition, si)["questions"]
    if not (0 <= qi < len(questions)) or not isinstance(questions[qi], dict):
        raise NotFound("No such question")
    return questions[qi]


def all_question_keys(definition: dict) -> list[str]:
    return [q.get("key") for s in definition.get("sections") or [] for q in s.get("questions") or []
            if isinstance(q, dict)]


def update_details(draft: InstrumentDraft, *, lock_version, actor, title: str, kind: str, summary: str | None,
                   source: str | None, applies_to: list[str], review_months: int | None = None,
                   signatories: dict[str, list[str]] | None = None,
                   partial_counts_as: float | None = None) -> InstrumentDraft:
    """The instrument's own settings; review months and signatories belong to statements only."""
    definition = _editable(draft, lock_version, actor)
    if kind not in KINDS:
        raise DomainError("Select the kind of instrument", field="kind")
    if draft.based_on_id is not None and kind != definition.get("kind"):
        raise DomainError("A new version keeps the kind of the instrument it continues", field="kind")
    definition["title"] = title
    definition["kind"] = kind
    _set(definition, "summary", summary or None)
    _set(definition, "source", source or None)
    definition["applies_to"] = applies_to or ["all"]
    is_statement = kind == "statement"
    _set(definition, "review_months", review_months if is_statement else None)
    _set(definition, "signatories", signatories if is_statement else None)
    if partial_counts_as is not None:
        if partial_counts_as not in (0, 0.5):
            raise DomainError("Select how a “partly” answer counts", field="partial_counts_as")
        _set(definition, "partial_counts_as", partial_counts_as or None)
    return _save(draft, definition, actor, "changed its details")


def save_section(draft: InstrumentDraft, si: int | None, *, lock_version, actor, key: str, title: str,
                 description: str | None, applies_to: list[str] | None) -> InstrumentDraft:
    definition = _editable(draft, lock_version, actor)
    if not FIELD_KEY.match(key or ""):
        raise DomainError("Enter a key of letters, digits, underscores and hyphens, for example convening",
                          field="key")
    sections = _sections(definition)
    others = [s.get("key") for i, s in enumerate(sections) if i != si]
    if key in others:
        raise DomainError(f"Another section already has the key {key}", field="key")
    if si is None:
        section: dict[str, Any] = {"key": key, "title": title}
        sections.append(section)
    else:
        section = _section(definition, si)
    section["key"], section["title"] = key, title
    _set(section, "description", description or None)
    _set(section, "applies_to", applies_to or None)
    questions = section.pop("questions", [])
    section["questions"] = questions
    return _save(draft, definition, actor, f"{'added' if si is None else 'changed'} section {title}")


def delete_section(draft: InstrumentDraft, si: int, *, lock_version, actor) -> InstrumentDraft:
    definition = _editable(draft, lock_version, actor)
    section = _section(definition, si)
    _sections(definition).pop(si)
    return _save(draft, definition, actor, f"deleted section {section.get('title')}")


def move_section(draft: InstrumentDraft, si: int, direction: str, *, lock_version, actor) -> InstrumentDraft:
    definition = _editable(draft, lock_version, actor)
    sections = _sections(definition)
    _section(definition, si)
    target = si - 1 if direction == "up" else si + 1
    if not 0 <= target < len(sections):
        raise DomainError("The section cannot move further")
    sections[si], sections[target] = sections[target], sections[si]
    return _save(draft, definition, actor, f"moved section {sections[target].get('title')} {direction}")


def _choice_question_values(definition: dict, key: str) -> list[str] | None:
    for section in definition.get("sections") or []:
        for question in section.get("questions") or []:
            if question.get("key") == key:
                if takes(question, "takes_scale"):
                    options = (definition.get("scales") or {}).get(question.get("scale")) or []
                else:
                    options = question.get("options") or []
                return [str(o.get("value")) for o in options]
    return None


def question_fields(question: dict) -> dict:
    """A question's settings in the shape `save_question` takes (and the question form shows)."""
    show_if = question.get("show_if") or {}
    return {"text": question.get("text"), "key": question.get("key"), "hint": question.get("hint"),
            "scale": question.get("scale"),
            "required": question.get("required", takes(question, "required_by_default")),
            "themes": list(question.get("themes") or []), "comment": question.get("comment") or "none",
            "evidence": question.get("evidence") or "none", "show_if_question": show_if.get("question") or "",
            "show_if_values": [f"{show_if.get('question')}={v}" for v in show_if.get("in") or []],
            "overall": bool(question.get("overall")), "about": question.get("about") or "case",
            "max_length": question.get("max_length"),
            "min": question.get("min"), "max": question.get("max")}


def save_question(draft: InstrumentDraft, si: int, qi: int | None, *, lock_version, actor, qtype: str,
                  fields: dict) -> InstrumentDraft:
    """Add (qi None) or change a question. `qtype` may be yes_no: a choice question with Yes and No answers."""
    definition = _editable(draft, lock_version, actor)
    section = _section(definition, si)
    existing = _question(definition, si, qi) if qi is not None else {}
    old_key = existing.get("key")
    problems: list[tuple[str, str]] = []
    key = fields.get("key") or ""
    if not FIELD_KEY.match(key) or "__" in key:
        problems.append(("key", "Enter a key of letters, digits, single underscores and hyphens, for example timely"))
    elif key != old_key and key in all_question_keys(definition):
        problems.append(("key", f"Another question already has the key {key}"))
    kind = engine_type(qtype)
    if kind is None:
        raise DomainError("Select the kind of answer the question takes")
    if kind.takes_scale and not fields.get("scale"):
        problems.append(("scale", "Select the scale its answers come from"))
    show_if_question = fields.get("show_if_question") or None
    show_if_values: list[str] = []
    if show_if_question:
        known = _choice_question_values(definition, show_if_question) or []
        show_if_values = [v.split("=", 1)[1] for v in fields.get("show_if_values") or []
                          if v.split("=", 1)[0] == show_if_question and v.split("=", 1)[1] in known]
        if not show_if_values:
            problems.append(("show_if_values", "Select the answers of the earlier question that show this one"))
    low, high = fields.get("min"), fields.get("max")
    if low is not None and high is not None and low > high:
        problems.append(("min", "The minimum must not be more than the maximum"))
    if problems:
        raise FieldProblems(problems)

    values: dict[str, Any] = {"key": key, "type": kind.name, "text": fields.get("text")}
    if kind.takes_scale:
        values["scale"] = fields.get("scale")
    if kind.takes_options:
        values["options"] = (existing.get("options") if takes(existing, "takes_options") and existing.get("options")
                             else copy.deepcopy(YES_NO_OPTIONS) if qtype == YES_NO else None)
    values["hint"] = fields.get("hint") or None
    values["required"] = bool(fields.get("required"))
    if qi is not None and "required" not in existing and values["required"] == kind.required_by_default:
        values["required"] = None  # left to the engine's default, as the file had it
    values["themes"] = list(fields.get("themes") or []) or None
    values["comment"] = fields.get("comment") if fields.get("comment") not in (None, "", "none") else None
    values["evidence"] = fields.get("evidence") if fields.get("evidence") not in (None, "", "none") else None
    values["show_if"] = {"question": show_if_question, "in": show_if_values} if show_if_question else None
    values["overall"] = True if fields.get("overall") and kind.is_scored else None
    if fields.get("about") == "agency" and values["overall"]:
        raise FieldProblems([("about", "The overall judgement is about the case, not one agency")])
    values["about"] = "agency" if fields.get("about") == "agency" and definition.get("kind") == "case_audit" else None
    if kind.takes_max_length:
        values["max_length"] = fields.get("max_length")
    if kind.takes_range:
        values["min"], values["max"] = low, high
    question = {name: values[name] for name in QUESTION_ORDER if values.get(name) is not None}
    if qi is None:
        section["questions"].append(question)
    else:
        section["questions"][qi] = question
        if old_key and key != old_key:
            for other in (q for s in _sections(definition) for q in s.get("questions") or []):
                show_if = other.get("show_if")
                if isinstance(show_if, dict) and show_if.get("question") == old_key:
                    show_if["question"] = key
    return _save(draft, definition, actor, f"{'added' if qi is None else 'changed'} question {key}")


def delete_question(draft: InstrumentDraft, si: int, qi: int, *, lock_version, actor) -> InstrumentDraft:
    definition = _editable(draft, lock_version, actor)
    question = _question(definition, si, qi)
    _section(definition, si)["questions"].pop(qi)
    return _save(draft, definition, actor, f"deleted question {question.get('key')}")


def move_question(draft: InstrumentDraft, si: int, qi: int, direction: str, *, lock_version, actor) -> InstrumentDraft:
    """Up or down within its section; from the top or bottom of a section into the neighbouring one."""
    definition = _editable(draft, lock_version, actor)
    sections = _sections(definition)
    question = _question(definition, si, qi)
    questions = sections[si]["questions"]
    if direction == "up" and qi > 0:
        questions[qi - 1], questions[qi] = questions[qi], questions[qi - 1]
    elif direction == "down" and qi < len(questions) - 1:
        questions[qi + 1], questions[qi] = questions[qi], questions[qi + 1]
    elif direction == "up" and si > 0:
        questions.pop(qi)
        _section(definition, si - 1)["questions"].append(question)
    elif direction == "down" and si < len(sections) - 1:
        questions.pop(qi)
        _section(definition, si + 1)["questions"].insert(0, question)
    else:
        raise DomainError("The question cannot move further")
    return _save(draft, definition, actor, f"moved question {question.get('key')} {direction}")


# -- scales and answer options -----------------------------------------------------------------
def add_scale(draft: InstrumentDraft, *, lock_version, actor, name: str) -> InstrumentDraft:
    definition = _editable(draft, lock_version, actor)
    if not FIELD_KEY.match(name or ""):
        raise DomainError("Enter a name of letters, digits, underscores and hyphens, for example evidence",
                          field="name")
    scales = definition.setdefault("scales", {})
    if name in scales:
        raise DomainError(f"There is already a scale called {name}", field="name")
    scales[name] = []
    return _save(draft, definition, actor, f"added scale {name}")


def delete_scale(draft: InstrumentDraft, name: str, *, lock_version, actor) -> InstrumentDraft:
    definition = _editable(draft, lock_version, actor)
    if name not in (definition.get("scales") or {}):
        raise NotFound("No such scale")
    users = [q.get("key") for s in _sections(definition) for q in s.get("questions") or []
             if takes(q, "takes_scale") and q.get("scale") == name]
    if users:
        raise DomainError(f"The scale {name} is used by {', '.join(users)}; change those questions first")
    del definition["scales"][name]
    if not definition["scales"]:
        del definition["scales"]
    return _save(draft, definition, actor, f"deleted scale {name}")


def _options(definition: dict, owner: tuple) -> list:
    if owner[0] == "scale":
        scales = definition.get("scales") or {}
        if owner[1] not in scales:
            raise NotFound("No such scale")
        return scales[owner[1]]
    question = _question(definition, owner[1], owner[2])
    if not takes(question, "takes_options"):
        raise NotFound("This question has no answers of its own")
    return question.setdefault("options", [])


def _owner_name(owner: tuple, definition: dict) -> str:
    return f"scale {owner[1]}" if owner[0] == "scale" else f"question {_question(definition, owner[1], owner[2]).get('key')}"


def save_option(draft: InstrumentDraft, owner: tuple, oi: int | None, *, lock_version, actor,
                fields: dict) -> InstrumentDraft:
    """Add (oi None) or change an answer option of a scale (("scale", name)) or question (("question", si, qi))."""
    definition = _editable(draft, lock_version, actor)
    options = _options(definition, owner)
    if oi is not None and not 0 <= oi < len(options):
        raise NotFound("No such answer")
    value = fields.get("value") or ""
    others = [str(o.get("value")) for i, o in enumerate(options) if i != oi]
    problems = []
    if value in others:
        problems.append(("value", f"Another answer already has the value {value}"))
    if fields.get("excluded") and any(fields.get(k) is not None for k in ("score", "meets_standard", "rag")):
        problems.append(("excluded", "A “not applicable” answer is left out of scores, so it has no score, "
                                     "meets-standard or RAG colour"))
    if fields.get("needs_reason") and not fields.get("excluded"):
        problems.append(("needs_reason", "Only a “not applicable” answer can need a reason"))
    if fields.get("partial") and (fields.get("excluded") or fields.get("meets_standard") is not False):
        problems.append(("partial", "Only an answer that does not meet the standard can count as partly meeting it"))
    if problems:
        raise FieldProblems(problems)
    old = options[oi] if oi is not None else {}
    if isinstance(old.get("value"), int) and str(old["value"]) == value:
        value = old["value"]
    values = {"value": value, "label": fields.get("label"), "score": fields.get("score"),
              "meets_standard": fields.get("meets_standard"), "rag": fields.get("rag") or None,
              "excluded": True if fields.get("excluded") else None,
              "needs_reason": True if fields.get("needs_reason") else None,
              "partial": True if fields.get("partial") else None}
    option = {name: values[name] for name in OPTION_ORDER if values.get(name) is not None}
    if oi is None:
        options.append(option)
    else:
        options[oi] = option
    return _save(draft, definition, actor, f"{'added' if oi is None else 'changed'} an answer of {_owner_name(owner, definition)}")


def delete_option(draft: InstrumentDraft, owner: tuple, oi: int, *, lock_version, actor) -> InstrumentDraft:
    definition = _editable(draft, lock_version, actor)
    options = _options(definition, owner)
    if not 0 <= oi < len(options):
        raise NotFound("No such answer")
    options.pop(oi)
    return _save(draft, definition, actor, f"deleted an answer of {_owner_name(owner, definition)}")


def move_option(draft: InstrumentDraft, owner: tuple, oi: int, direction: str, *, lock_version, actor) -> InstrumentDraft:
    definition = _editable(draft, lock_version, actor)
    options = _options(definition, owner)
    target = oi - 1 if direction == "up" else oi + 1
    if not (0 <= oi < len(options) and 0 <= target < len(options)):
        raise DomainError("The answer cannot move further")
    options[oi], options[target] = options[target], options[oi]
    return _save(draft, definition, actor, f"reordered the answers of {_owner_name(owner, definition)}")


# ---------------------------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------------------------
def publish_plan(draft: InstrumentDraft) -> tuple[InstrumentVersion | None, list[str], list[str]]:
    """The version the draft will follow, the question keys it drops and the keys it adds (rename candidates)."""
    latest = latest_version(draft.key)
    before = set(all_question_keys(latest.definition)) if latest is not None else set()
    after = all_question_keys(draft.definition)
    removed = [k for k in all_question_keys(latest.definition) if k not in after] if latest is not None else []
    added = [k for k in after if k not in before]
    return latest, removed, added


def publish(draft: InstrumentDraft, *, lock_version, actor, continues: dict[str, str | None]) -> InstrumentVersion:
    """Store the draft as the next version. `continues` says, for each question key the draft drops, which new
    question continues it (its trend carries over through `renamed`) or None (it is not continued)."""
    definition = _editable(draft, lock_version, actor)
    latest, removed, added = publish_plan(draft)
    problems = definition_problems(definition)
    if problems:
        raise PublishProblems(problems)
    field_problems = []
    renamed: dict[str, str] = {}
    for old in removed:
        if old not in continues:
            field_problems.append((f"continues-{old}", f"Say whether a new question continues {old}"))
            continue
        new = continues[old]
        if new is None:
            continue
        if new not in added:
            field_problems.append((f"continues-{old}", f"Select one of the new questions to continue {old}"))
        elif new in renamed.values():
            field_problems.append((f"continues-{old}", f"{new} already continues another question"))
        else:
            renamed[old] = new
    if field_problems:
        raise FieldProblems(field_problems)
    definition.pop("renamed", None)
    if renamed:
        definition["renamed"] = renamed
    definition["version"] = (latest.version if latest is not None else 0) + 1
    if latest is not None and {k: v for k, v in latest.definition.items() if k != "version"} == \
            {k: v for k, v in definition.items() if k != "version"}:
        raise DomainError("This draft is the same as the published version, so there is nothing to publish")
    try:
        version = publish_definition(definition, actor=actor, source_file=f"studio draft {draft.id}")
    except InvalidDefinition as exc:
        raise PublishProblems(exc.problems) from None
    except IntegrityError:
        db.session.rollback()
        raise StaleEdit("Another version of this instrument was published at the same moment, so this draft has "
                        "not been published. Check its changes again and publish.") from None
    draft.definition = definition
    draft.state = draft.state.check_move(DraftState.published)
    draft.published_version_id = version.id
    _touch(draft, actor)
    return version


def discard(draft: InstrumentDraft, *, lock_version, actor) -> InstrumentDraft:
    _editable(draft, lock_version, actor)
    record("instrument_draft.discarded", draft, f"Discarded the draft of {draft.title} ({draft.key})", actor=actor)
    db.session.delete(draft)
    db.session.flush()
    return draft
