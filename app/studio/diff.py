"""What a draft changes compared with the latest published version of the same instrument, in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.studio.question_types import takes

QUESTION_FIELDS = (
    ("text", "Wording"),
    ("hint", "Hint"),
    ("type", "Type"),
    ("scale", "Scale"),
    ("options", "Answers"),
    ("required", "Required"),
    ("themes", "Themes"),
    ("comment", "Comment"),
    ("evidence", "Evidence"),
    ("show_if", "Shown only if"),
    ("overall", "Overall judgement"),
    ("about", "About"),
    ("max_length", "Maximum length"),
    ("min", "Minimum"),
    ("max", "Maximum"),
)
SECTION_FIELDS = (("title", "Title"), ("description", "Guidance"), ("applies_to", "Applies to"))
INSTRUMENT_FIELDS = (
    ("title", "Title"),
    ("kind", "Kind"),
    ("summary", "Summary"),
    ("source", "Source"),
    ("applies_to", "Applies to"),
    ("signatories", "Signatories"),
    ("review_months", "Review months"),
    ("partial_counts_as", "How a “partly” answer counts"),
)


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str


@dataclass
class DefinitionDiff:
    details: list[Change] = field(default_factory=list)
    sections_added: list[dict] = field(default_factory=list)
    sections_removed: list[dict] = field(default_factory=list)
    sections_changed: list[tuple[dict, list[Change]]] = field(default_factory=list)
    questions_added: list[dict] = field(default_factory=list)
    questions_removed: list[dict] = field(default_factory=list)
    questions_changed: list[tuple[dict, list[Change]]] = field(default_factory=list)
    scales_added: list[str] = field(default_factory=list)
    scales_removed: list[str] = field(default_factory=list)
    scales_changed: list[tuple[str, list[Change]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.details,
                self.sections_added,
                self.sections_removed,
                self.sections_changed,
                self.questions_added,
                self.questions_removed,
                self.questions_changed,
                self.scales_added,
                self.scales_removed,
                self.scales_changed,
            )
        )


def show(value: Any) -> str:
    """A field's value as a person reads it."""
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "; ".join(_option_text(v) for v in value)
        return ", ".join(str(v) for v in value) or "(none)"
    if isinstance(value, dict):
        if "question" in value and "in" in value:
            return f"{value['question']} is {' or '.join(str(v) for v in value['in'])}"
        return "; ".join(f"{k}: {show(v)}" for k, v in value.items())
    return str(value)


def _option_text(option: dict) -> str:
    extra = [
        f"{name} {show(option[name])}"
        for name in ("score", "meets_standard", "rag", "excluded", "needs_reason", "partial")
        if name in option
    ]
    return f"{option.get('label')} ({option.get('value')}" + (f", {', '.join(extra)}" if extra else "") + ")"


def _changes(old: dict, new: dict, fields) -> list[Change]:
    return [
        Change(label, show(old.get(name)), show(new.get(name)))
        for name, label in fields
        if old.get(name) != new.get(name)
    ]


def _effective_instrument(definition: dict) -> dict:
    """An instrument with the engine's defaults filled in, so leaving a default unsaid is not a change."""
    return {"partial_counts_as": 0, **definition}


def _effective(question: dict) -> dict:
    """A question with the engine's defaults filled in, so leaving a default unsaid is not a change."""
    result = dict(question)
    result.setdefault("required", takes(question, "required_by_default"))
    for name in ("comment", "evidence"):
        if result.get(name) in (None, "none"):
            result[name] = "none"
    result["overall"] = bool(result.get("overall"))
    result.setdefault("about", "case")
    return result


def _questions(definition: dict | None) -> dict[str, tuple[dict, dict]]:
    result = {}
    for section in (definition or {}).get("sections") or []:
        for question in section.get("questions") or []:
            if isinstance(question, dict) and isinstance(question.get("key"), str):
                result.setdefault(question["key"], (question, section))
    return result


def diff(old: dict | None, new: dict) -> DefinitionDiff:
    result = DefinitionDiff()
    old = old or {}
    result.details = _changes(_effective_instrument(old), _effective_instrument(new), INSTRUMENT_FIELDS)

    old_sections = {s.get("key"): s for s in old.get("sections") or [] if isinstance(s, dict)}
    new_sections = {s.get("key"): s for s in new.get("sections") or [] if isinstance(s, dict)}
    result.sections_added = [s for k, s in new_sections.items() if k not in old_sections]
    result.sections_removed = [s for k, s in old_sections.items() if k not in new_sections]
    for key, section in new_sections.items():
        if key in old_sections:
            changes = _changes(old_sections[key], section, SECTION_FIELDS)
            if changes:
                result.sections_changed.append((section, changes))

    old_questions, new_questions = _questions(old), _questions(new)
    result.questions_added = [q for k, (q, _) in new_questions.items() if k not in old_questions]
    result.questions_removed = [q for k, (q, _) in old_questions.items() if k not in new_questions]
    for key, (question, section) in new_questions.items():
        if key not in old_questions:
            continue
        before, before_section = old_questions[key]
        changes = _changes(_effective(before), _effective(question), QUESTION_FIELDS)
        if before_section.get("key") != section.get("key"):
            changes.append(Change("Section", show(before_section.get("title")), show(section.get("title"))))
        if changes:
            result.questions_changed.append((question, changes))

    old_scales, new_scales = old.get("scales") or {}, new.get("scales") or {}
    result.scales_added = [k for k in new_scales if k not in old_scales]
    result.scales_removed = [k for k in old_scales if k not in new_scales]
    for name, options in new_scales.items():
        if name in old_scales and old_scales[name] != options:
            result.scales_changed.append((name, [Change("Answers", show(old_scales[name]), show(options))]))
    return result
