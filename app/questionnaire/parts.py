"""The parts of an instrument: the vocabulary of codes, options and scales, conditions, questions and sections.

Immutable and built only by `Instrument.from_dict` (app/questionnaire/definition.py), which re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from app.questionnaire.types import QuestionType, question_type

ORG_TYPE_CODES: tuple[str, ...] = (
    "local_authority",
    "police",
    "health_commissioner",
    "health_trust",
    "gp_practice",
    "school",
    "college",
    "early_years",
    "charity",
    "faith_organisation",
    "social_housing",
    "out_of_school_setting",
    "probation",
    "youth_justice",
    "cafcass",
    "emergency_service",
    "other",
)
ALL = "all"

KINDS = ("case_audit", "self_assessment", "survey", "statement")
COMMENT_RULES = ("none", "optional", "required", "required_unless_met")
EVIDENCE_RULES = ("none", "optional", "required")
RAG_VALUES = ("green", "amber", "red")

COMMENT_MAX_LENGTH = 4000
EVIDENCE_MAX_LENGTH = 10000


def option_value(raw: Any) -> str:
    """Option values are compared as strings; YAML authors may write `value: 1` for a numeric scale."""
    return raw if isinstance(raw, str) else str(raw)


@dataclass(frozen=True)
class ScaleOption:
    value: str
    label: str
    score: int | None = None
    meets_standard: bool | None = None
    rag: str | None = None
    excluded: bool = False
    needs_reason: bool = False
    partial: bool = False

    @classmethod
    def from_dict(cls, d: dict) -> "ScaleOption":
        return cls(
            value=option_value(d["value"]),
            label=d["label"],
            score=d.get("score"),
            meets_standard=d.get("meets_standard"),
            rag=d.get("rag"),
            excluded=bool(d.get("excluded", False)),
            needs_reason=bool(d.get("needs_reason", False)),
            partial=bool(d.get("partial", False)),
        )

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"value": self.value, "label": self.label}
        if self.score is not None:
            d["score"] = self.score
        if self.meets_standard is not None:
            d["meets_standard"] = self.meets_standard
        if self.rag is not None:
            d["rag"] = self.rag
        if self.excluded:
            d["excluded"] = True
        if self.needs_reason:
            d["needs_reason"] = True
        if self.partial:
            d["partial"] = True
        return d


@dataclass(frozen=True)
class Scale:
    key: str
    options: tuple[ScaleOption, ...]

    def option(self, value: Any) -> ScaleOption | None:
        return _find_option(self.options, value)

    @property
    def has_rag(self) -> bool:
        return all(o.rag for o in self.options if not o.excluded)


@dataclass(frozen=True)
class ShowIf:
    question: str
    values: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"question": self.question, "in": list(self.values)}

    def __getitem__(self, name: str):
        """Read like the file's mapping too: show_if["question"], show_if["in"]."""
        if name == "question":
            return self.question
        if name == "in":
            return list(self.values)
        raise KeyError(name)


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    text: str
    section_key: str
    scale: Scale | None = None
    options: tuple[ScaleOption, ...] = ()
    hint: str | None = None
    required: bool = False
    themes: tuple[str, ...] = ()
    comment: str = "none"
    evidence: str = "none"
    show_if: ShowIf | None = None
    overall: bool = False
    about: str = "case"  # case audits: "agency" (the auditing agency's own work) or "case"
    max_length: int | None = None
    min: float | int | None = None
    max: float | int | None = None

    @property
    def kind(self) -> QuestionType:
        """The question's type: what its answer is, and how it is asked, stored, checked, shown and scored."""
        return question_type(self.type)

    @property
    def is_choice(self) -> bool:
        return self.kind.is_choice

    @property
    def is_scored(self) -> bool:
        """Scored questions contribute to meets-standard summaries."""
        return self.kind.is_scored and any(o.meets_standard is not None for o in self.options)

    @property
    def effective_max_length(self) -> int | None:
        """The limit on a text answer: the instrument's max_length, or the type's default, so none grows unbounded."""
        if self.kind.takes_max_length:
            return self.max_length or self.kind.default_max_length
        return None

    def option(self, value: Any) -> ScaleOption | None:
        return _find_option(self.options, value)

    @property
    def about_agency(self) -> bool:
        """A case-audit question about the auditing agency's own work: each agency's answer stands."""
        return self.about == "agency"

    @property
    def has_comment(self) -> bool:
        """A comment box is shown when the instrument asks for one or an answer needs a reason."""
        return self.comment != "none" or self.needs_reasons

    @property
    def needs_reasons(self) -> bool:
        return self.kind.is_scored and any(o.needs_reason for o in self.options)

    def needs_reason(self, value: Any) -> bool:
        """Whether the chosen answer is "not applicable" with a reason, so the comment is required."""
        if not self.kind.is_scored:
            return False
        option = self.option(value)
        return option is not None and option.needs_reason

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"key": self.key, "type": self.type}
        if self.kind.takes_scale and self.scale is not None:
            d["scale"] = self.scale.key
        if self.kind.takes_options:
            d["options"] = [o.to_dict() for o in self.options]
        d["text"] = self.text
        if self.hint is not None:
            d["hint"] = self.hint
        d["required"] = self.required
        if self.themes:
            d["themes"] = list(self.themes)
        if self.comment != "none":
            d["comment"] = self.comment
        if self.evidence != "none":
            d["evidence"] = self.evidence
        if self.show_if is not None:
            d["show_if"] = self.show_if.to_dict()
        if self.overall:
            d["overall"] = True
        if self.about != "case":
            d["about"] = self.about
        for name in ("max_length", "min", "max"):
            if getattr(self, name) is not None:
                d[name] = getattr(self, name)
        return d


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    questions: tuple[Question, ...]
    description: str | None = None
    applies_to: tuple[str, ...] | None = None

    def applies(self, org_type: str | None) -> bool:
        return applies(self.applies_to, org_type)

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"key": self.key, "title": self.title}
        if self.description is not None:
            d["description"] = self.description
        if self.applies_to is not None:
            d["applies_to"] = list(self.applies_to)
        d["questions"] = [q.to_dict() for q in self.questions]
        return d


def applies(applies_to: Iterable[str] | None, org_type: str | None) -> bool:
    if org_type is None or applies_to is None:
        return True
    codes = tuple(applies_to)
    return ALL in codes or org_type in codes


def _find_option(options: Iterable[ScaleOption], value: Any) -> ScaleOption | None:
    if value is None or isinstance(value, (list, tuple, dict, bool)):
        return None
    wanted = option_value(value)
    for option in options:
        if option.value == wanted:
            return option
    return None
