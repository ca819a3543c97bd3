"""Typed, immutable view of an instrument definition (its parts, from options to sections: parts.py).

`Instrument.from_dict` trusts its input: definitions reach it only after the loader has validated
them (or from the database, where only validated definitions are stored).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.questionnaire.parts import (
    ALL,
    COMMENT_MAX_LENGTH,
    COMMENT_RULES,
    EVIDENCE_MAX_LENGTH,
    EVIDENCE_RULES,
    KINDS,
    ORG_TYPE_CODES,
    RAG_VALUES,
    Question,
    Scale,
    ScaleOption,
    Section,
    ShowIf,
    applies,
    option_value,
)
from app.questionnaire.types import question_type

__all__ = [
    "ALL",
    "COMMENT_MAX_LENGTH",
    "COMMENT_RULES",
    "EVIDENCE_MAX_LENGTH",
    "EVIDENCE_RULES",
    "KINDS",
    "ORG_TYPE_CODES",
    "RAG_VALUES",
    "Instrument",
    "Question",
    "Scale",
    "ScaleOption",
    "Section",
    "ShowIf",
    "applies",
    "option_value",
]


@dataclass(frozen=True)
class Instrument:
    key: str
    version: int
    kind: str
    title: str
    sections: tuple[Section, ...]
    scales: dict[str, Scale] = field(default_factory=dict)
    summary: str | None = None
    source: str | None = None
    applies_to: tuple[str, ...] = (ALL,)
    signatories: dict[str, tuple[str, ...]] | None = None
    review_months: int | None = None
    renamed: dict[str, str] = field(default_factory=dict)
    partial_counts_as: float = 0
    _questions: dict[str, Question] = field(init=False, repr=False, compare=False, hash=False)
    _sections: dict[str, Section] = field(init=False, repr=False, compare=False, hash=False)

    def __hash__(self) -> int:
        return hash((self.key, self.version))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_questions", {q.key: q for s in self.sections for q in s.questions})
        object.__setattr__(self, "_sections", {s.key: s for s in self.sections})

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, d: dict) -> "Instrument":
        scales = {
            key: Scale(key=key, options=tuple(ScaleOption.from_dict(o) for o in options))
            for key, options in (d.get("scales") or {}).items()
        }
        sections = []
        for s in d["sections"]:
            questions = tuple(_question_from_dict(q, s["key"], scales) for q in s["questions"])
            sections.append(
                Section(
                    key=s["key"],
                    title=s["title"],
                    description=s.get("description"),
                    applies_to=tuple(s["applies_to"]) if s.get("applies_to") is not None else None,
                    questions=questions,
                )
            )
        signatories = d.get("signatories")
        return cls(
            key=d["key"],
            version=d["version"],
            kind=d["kind"],
            title=d["title"],
            summary=d.get("summary"),
            source=d.get("source"),
            applies_to=tuple(d.get("applies_to") or (ALL,)),
            scales=scales,
            sections=tuple(sections),
            signatories={k: tuple(v) for k, v in signatories.items()} if signatories is not None else None,
            review_months=d.get("review_months"),
            renamed=dict(d.get("renamed") or {}),
            partial_counts_as=d.get("partial_counts_as", 0),
        )

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"key": self.key, "version": self.version, "kind": self.kind, "title": self.title}
        if self.summary is not None:
            d["summary"] = self.summary
        if self.source is not None:
            d["source"] = self.source
        d["applies_to"] = list(self.applies_to)
        if self.scales:
            d["scales"] = {k: [o.to_dict() for o in s.options] for k, s in self.scales.items()}
        d["sections"] = [s.to_dict() for s in self.sections]
        if self.signatories is not None:
            d["signatories"] = {k: list(v) for k, v in self.signatories.items()}
        if self.review_months is not None:
            d["review_months"] = self.review_months
        if self.renamed:
            d["renamed"] = dict(self.renamed)
        if self.partial_counts_as:
            d["partial_counts_as"] = self.partial_counts_as
        return d

    # -- navigation ---------------------------------------------------------------------------
    def applies_to_org_type(self, org_type: str | None) -> bool:
        return applies(self.applies_to, org_type)

    def sections_for(self, org_type: str | None = None) -> list[Section]:
        return [s for s in self.sections if s.applies(org_type)]

    def section(self, key: str) -> Section:
        try:
            return self._sections[key]
        except KeyError:
            raise KeyError(f"instrument {self.key!r} has no section {key!r}") from None

    def has_section(self, key: str) -> bool:
        return key in self._sections

    def question(self, key: str) -> Question:
        try:
            return self._questions[key]
        except KeyError:
            raise KeyError(f"instrument {self.key!r} has no question {key!r}") from None

    def has_question(self, key: str) -> bool:
        return key in self._questions

    def questions(self, org_type: str | None = None) -> list[Question]:
        return [q for s in self.sections_for(org_type) for q in s.questions]

    @property
    def overall_question(self) -> Question | None:
        return next((q for q in self._questions.values() if q.overall), None)

    @property
    def theme_keys(self) -> list[str]:
        seen: dict[str, None] = {}
        for q in self._questions.values():
            for t in q.themes:
                seen.setdefault(t, None)
        return list(seen)

    def signatories_for(self, org_type: str | None) -> tuple[str, ...]:
        rules = self.signatories or {}
        if org_type and org_type in rules:
            return rules[org_type]
        return rules.get("default", ())


def _question_from_dict(q: dict, section_key: str, scales: dict[str, Scale]) -> Question:
    qtype = q["type"]
    kind = question_type(qtype)
    scale = scales.get(q["scale"]) if kind.takes_scale and q.get("scale") is not None else None
    if scale is not None:
        options = scale.options
    else:
        options = tuple(ScaleOption.from_dict(o) for o in (q.get("options") or ()))
    show_if = q.get("show_if")
    return Question(
        key=q["key"],
        type=qtype,
        text=q["text"],
        section_key=section_key,
        scale=scale,
        options=options,
        hint=q.get("hint"),
        required=bool(q.get("required", kind.required_by_default)),
        themes=tuple(q.get("themes") or ()),
        comment=q.get("comment") or "none",
        evidence=q.get("evidence") or "none",
        show_if=(
            ShowIf(question=show_if["question"], values=tuple(option_value(v) for v in show_if["in"]))
            if show_if
            else None
        ),
        overall=bool(q.get("overall", False)),
        about=q.get("about", "case"),
        max_length=q.get("max_length"),
        min=q.get("min"),
        max=q.get("max"),
    )
