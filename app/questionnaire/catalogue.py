"""The questions of an instrument across all its versions: the one place renamed keys are followed.

Answers are stored under the key the question had in the version they were given against. Each later
version declares only its own renames (`renamed: {old_key: new_key}`); following those maps, in version
order, gives every stored key its current ("canonical") key, so a question's answers carry over across
versions and renames: in findings, trends, exports and a self-assessment's next cycle alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from app.questionnaire.definition import Instrument
from app.questionnaire.loader import theme_titles
from app.questionnaire.types import QuestionType, question_type


@dataclass(frozen=True)
class OptionInfo:
    value: str
    label: str
    rag: str | None = None
    meets_standard: bool | None = None
    excluded: bool = False
    partial: bool = False


@dataclass
class QuestionInfo:
    key: str
    text: str
    type: str
    section_key: str
    section_title: str
    themes: tuple[str, ...]
    options: tuple[OptionInfo, ...]
    scored: bool
    overall: bool
    comment: bool
    aliases: set[str] = field(default_factory=set)
    position: int = 0

    @property
    def kind(self) -> QuestionType:
        return question_type(self.type)

    @property
    def charted(self) -> bool:
        return self.kind.is_charted

    @property
    def partial_values(self) -> frozenset[str]:
        return frozenset(o.value for o in self.options if o.partial)

    def option_label(self, value) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return "" if value is None else str(value)


@dataclass
class Catalogue:
    key: str
    title: str
    kind: str
    questions: dict[str, QuestionInfo]
    sections: dict[str, str]
    renamed: dict[str, str]
    partial_weight: float = 0  # how a partly answer counts towards the share meeting the standard

    @property
    def theme_titles(self) -> dict[str, str]:
        return theme_titles()

    def canonical(self, stored_key: str) -> str:
        seen = {stored_key}
        key = stored_key
        while key in self.renamed and self.renamed[key] not in seen:
            key = self.renamed[key]
            seen.add(key)
        return key

    def question_for(self, stored_key: str) -> QuestionInfo | None:
        """The question an answer stored under `stored_key`, in any version, belongs to now."""
        return self.questions.get(self.canonical(stored_key))

    @property
    def has_partial(self) -> bool:
        """Whether any scale offers a "partly meets the standard" answer."""
        return any(q.partial_values for q in self.questions.values())

    @property
    def ordered(self) -> list[QuestionInfo]:
        return sorted(self.questions.values(), key=lambda q: q.position)

    @property
    def scored_questions(self) -> list[QuestionInfo]:
        return [q for q in self.ordered if q.scored]

    @property
    def themes(self) -> list[str]:
        """Theme keys used by scored questions, in themes.yaml order."""
        used = {t for q in self.questions.values() if q.scored for t in q.themes}
        return [t for t in self.theme_titles if t in used] + sorted(used - set(self.theme_titles))

    def key_rows(self) -> list[tuple[str, str]]:
        """(stored key, canonical key) for every key an answer may be stored under."""
        return sorted({(alias, q.key) for q in self.questions.values() for alias in q.aliases | {q.key}})

    def theme_rows(self, *, scored_only: bool = True) -> list[tuple[str, str]]:
        """(stored key, theme) pairs: one per theme a question is tagged with."""
        return sorted(
            {
                (alias, theme)
                for q in self.questions.values()
                if q.scored or not scored_only
                for alias in q.aliases | {q.key}
                for theme in q.themes
            }
        )

    def section_rows(self) -> list[tuple[str, str]]:
        return sorted({(alias, q.section_key) for q in self.questions.values() for alias in q.aliases | {q.key}})

    def theme_title(self, key: str, titles: dict[str, str] | None = None) -> str:
        """The theme's title (`titles`: theme_titles, when the caller names many themes and has read them once)."""
        return (self.theme_titles if titles is None else titles).get(key, key.replace("_", " ").capitalize())


def build_catalogue(instruments: Iterable[Instrument]) -> Catalogue:
    """Merge versions (any order): the newest version's wording, sections and options win.

    Published versions never change, so a catalogue is built once per set of versions and shared.
    """
    return _build(tuple(sorted(instruments, key=lambda i: i.version)))


@lru_cache(maxsize=64)
def _build(versions: tuple[Instrument, ...]) -> Catalogue:
    if not versions:
        raise ValueError("no instrument versions")
    latest = versions[-1]
    renamed: dict[str, str] = {}
    for inst in versions:
        renamed.update(inst.renamed)
    catalogue = Catalogue(
        key=latest.key,
        title=latest.title,
        kind=latest.kind,
        questions={},
        sections={},
        renamed=renamed,
        partial_weight=latest.partial_counts_as,
    )
    for inst in reversed(versions):  # newest first, so its definitions win
        position = 0
        for section in inst.sections:
            catalogue.sections.setdefault(section.key, section.title)
            for question in section.questions:
                position += 1
                key = catalogue.canonical(question.key)
                info = catalogue.questions.get(key)
                if info is None:
                    catalogue.questions[key] = QuestionInfo(
                        key=key,
                        text=question.text,
                        type=question.type,
                        section_key=section.key,
                        section_title=section.title,
                        themes=tuple(question.themes),
                        options=tuple(
                            OptionInfo(o.value, o.label, o.rag, o.meets_standard, o.excluded, o.partial)
                            for o in question.options
                        ),
                        scored=question.is_scored,
                        overall=question.overall,
                        comment=question.has_comment or question.kind.is_text,
                        position=position if inst is latest else 100000 + position,
                    )
                    info = catalogue.questions[key]
                if question.key != key:
                    info.aliases.add(question.key)
    for old in renamed:
        new = catalogue.canonical(old)
        if new in catalogue.questions and old != new:
            catalogue.questions[new].aliases.add(old)
    return catalogue
