"""Editing a draft's details, sections and questions, each change saved as it is made."""

from __future__ import annotations

import copy
from typing import Any

from app.errors import DomainError
from app.questionnaire.definition import KINDS
from app.studio.models import InstrumentDraft
from app.studio.question_types import YES_NO, engine_type, takes
from app.studio.services._common import (
    FIELD_KEY,
    FieldProblems,
    _editable,
    _question,
    _save,
    _section,
    _sections,
    _set,
    all_question_keys,
)

YES_NO_OPTIONS = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
QUESTION_ORDER = (
    "key",
    "type",
    "scale",
    "options",
    "text",
    "hint",
    "required",
    "themes",
    "comment",
    "evidence",
    "show_if",
    "overall",
    "about",
    "max_length",
    "min",
    "max",
)


def update_details(
    draft: InstrumentDraft,
    *,
    lock_version,
    actor,
    title: str,
    kind: str,
    summary: str | None,
    source: str | None,
    applies_to: list[str],
    review_months: int | None = None,
    signatories: dict[str, list[str]] | None = None,
    partial_counts_as: float | None = None,
) -> InstrumentDraft:
    """The instrument's own settings; review months belong to statements only, signatories to statements and
    self-assessments (who signs off a return). Partnership staff, on their own draft."""
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
    _set(definition, "signatories", signatories if kind in ("statement", "self_assessment") else None)
    if partial_counts_as is not None:
        if partial_counts_as not in (0, 0.5):
            raise DomainError("Select how a “partly” answer counts", field="partial_counts_as")
        _set(definition, "partial_counts_as", partial_counts_as or None)
    return _save(draft, definition, actor, "changed its details")


def save_section(
    draft: InstrumentDraft,
    si: int | None,
    *,
    lock_version,
    actor,
    key: str,
    title: str,
    description: str | None,
    applies_to: list[str] | None,
) -> InstrumentDraft:
    """Add (si None) or change a section's key, title, description and organisation types; partnership staff
    (admins and QA) only, at the lock_version the page showed."""
    definition = _editable(draft, lock_version, actor)
    if not FIELD_KEY.match(key or ""):
        raise DomainError("Enter a key of letters, digits, underscores and hyphens, for example convening", field="key")
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
    """Remove a section and its questions from the draft; partnership staff (admins and QA) only, at the
    lock_version the page showed."""
    definition = _editable(draft, lock_version, actor)
    section = _section(definition, si)
    _sections(definition).pop(si)
    return _save(draft, definition, actor, f"deleted section {section.get('title')}")


def move_section(draft: InstrumentDraft, si: int, direction: str, *, lock_version, actor) -> InstrumentDraft:
    """Swap a section with the one above or below; partnership staff (admins and QA) only, at the
    lock_version the page showed."""
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
    return {
        "text": question.get("text"),
        "key": question.get("key"),
        "hint": question.get("hint"),
        "scale": question.get("scale"),
        "required": question.get("required", takes(question, "required_by_default")),
        "themes": list(question.get("themes") or []),
        "comment": question.get("comment") or "none",
        "evidence": question.get("evidence") or "none",
        "show_if_question": show_if.get("question") or "",
        "show_if_values": [f"{show_if.get('question')}={v}" for v in show_if.get("in") or []],
        "overall": bool(question.get("overall")),
        "about": question.get("about") or "case",
        "max_length": question.get("max_length"),
        "min": question.get("min"),
        "max": question.get("max"),
    }


def save_question(
    draft: InstrumentDraft, si: int, qi: int | None, *, lock_version, actor, qtype: str, fields: dict
) -> InstrumentDraft:
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
        show_if_values = [
            v.split("=", 1)[1]
            for v in fields.get("show_if_values") or []
            if v.split("=", 1)[0] == show_if_question and v.split("=", 1)[1] in known
        ]
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
        values["options"] = (
            existing.get("options")
            if takes(existing, "takes_options") and existing.get("options")
            else copy.deepcopy(YES_NO_OPTIONS)
            if qtype == YES_NO
            else None
        )
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
    """Remove a question from its section; partnership staff (admins and QA) only, at the lock_version the
    page showed."""
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
