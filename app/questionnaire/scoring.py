"""Scores, meets-standard flags and summaries of a set of answers.

Features store `score_answer` results on each answer row so aggregation across many responses
is plain SQL; `summarise` is the same arithmetic for one response, for its own pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from app.questionnaire.answers import Answers, answer_parts, is_blank, visibility
from app.questionnaire.definition import Instrument, Question
from app.questionnaire.types import NO_SCORE, AnswerScore


def weighted_percent(met: int, partly: int, scored: int, weight: float = 0) -> float | None:
    """Percentage meeting the standard, each partial answer counting as `weight` (0 or 0.5) of a met one."""
    return round(100.0 * (met + weight * partly) / scored, 1) if scored else None


def score_answer(instrument: Instrument, question_key: str, value: Any) -> AnswerScore:
    if not instrument.has_question(question_key):
        return NO_SCORE
    return score_question(instrument.question(question_key), value)


def score_question(question: Question, value: Any) -> AnswerScore:
    if is_blank(value):
        return NO_SCORE
    return question.kind.score(question, value)


@dataclass
class Tally:
    """Counts for a group of questions (a section, a theme, or the whole response)."""

    key: str
    title: str
    questions: int = 0  # shown questions that can be scored
    answered: int = 0  # of those, answered (including not applicable)
    scored: int = 0  # answered with an option that has meets_standard
    meeting: int = 0
    partly: int = 0  # answered with a partial option (counted in scored, not in meeting)
    excluded: int = 0  # answered "not applicable"
    score_total: int = 0
    score_max: int = 0
    rag_counts: dict[str, int] = field(default_factory=lambda: {"green": 0, "amber": 0, "red": 0})
    partial_weight: float = 0  # the instrument's partial_counts_as

    @property
    def not_meeting(self) -> int:
        return self.scored - self.meeting

    @property
    def not_met(self) -> int:
        """Scored answers neither meeting nor partly meeting the standard."""
        return self.scored - self.meeting - self.partly

    @property
    def percent_meeting(self) -> float | None:
        """The share meeting the standard, a partial answer counting as `partial_weight` of one."""
        return weighted_percent(self.meeting, self.partly, self.scored, self.partial_weight)

    def add(self, question: Question, value: Any) -> None:
        self.questions += 1
        if is_blank(value):
            return
        if question.option(value) is None:
            return
        result = score_question(question, value)
        self.answered += 1
        if result.excluded:
            self.excluded += 1
            return
        if result.meets_standard is not None:
            self.scored += 1
            self.meeting += 1 if result.meets_standard else 0
            self.partly += 1 if question.option(value).partial else 0
        if result.score is not None:
            self.score_total += result.score
            self.score_max += max(
                (o.score for o in question.options if o.score is not None and not o.excluded), default=0
            )
        if result.rag in self.rag_counts:
            self.rag_counts[result.rag] += 1


@dataclass(frozen=True)
class OverallJudgement:
    question_key: str
    value: str
    label: str
    score: int | None
    rag: str | None
    meets_standard: bool | None


@dataclass(frozen=True)
class Summary:
    sections: list[Tally]
    themes: list[Tally]
    total: Tally
    overall: OverallJudgement | None

    def section(self, key: str) -> Tally | None:
        return next((t for t in self.sections if t.key == key), None)

    def theme(self, key: str) -> Tally | None:
        return next((t for t in self.themes if t.key == key), None)


def summarise(
    instrument: Instrument,
    answers: Answers | None,
    org_type: str | None = None,
    *,
    theme_titles: Mapping[str, str] | None = None,
) -> Summary:
    """Per-section and per-theme counts of shown, scored questions, and the overall judgement.

    The overall-judgement question is reported separately and not counted in the tallies.
    """
    shown = visibility(instrument, answers, org_type)
    if theme_titles is None:
        from app.questionnaire.loader import theme_titles as titles_from_file

        theme_titles = titles_from_file()
    weight = instrument.partial_counts_as
    total = Tally(key="all", title="All criteria", partial_weight=weight)
    sections: list[Tally] = []
    themes: dict[str, Tally] = {}
    for section in instrument.sections_for(org_type):
        tally = Tally(key=section.key, title=section.title, partial_weight=weight)
        for question in section.questions:
            if question.overall or not shown.get(question.key) or not question.kind.is_scored:
                continue
            value, _, _ = answer_parts(answers, question.key)
            tally.add(question, value)
            total.add(question, value)
            for theme in question.themes:
                if theme not in themes:
                    themes[theme] = Tally(
                        key=theme,
                        title=theme_titles.get(theme, theme.replace("_", " ").capitalize()),
                        partial_weight=weight,
                    )
                themes[theme].add(question, value)
        sections.append(tally)
    return Summary(
        sections=sections,
        themes=list(themes.values()),
        total=total,
        overall=overall_judgement(instrument, answers, org_type, shown=shown),
    )


def overall_judgement(
    instrument: Instrument,
    answers: Answers | None,
    org_type: str | None = None,
    *,
    shown: dict[str, bool] | None = None,
) -> OverallJudgement | None:
    question = instrument.overall_question
    if question is None:
        return None
    shown = shown if shown is not None else visibility(instrument, answers, org_type)
    if not shown.get(question.key):
        return None
    value, _, _ = answer_parts(answers, question.key)
    option = question.option(value)
    if option is None:
        return None
    return OverallJudgement(
        question_key=question.key,
        value=option.value,
        label=option.label,
        score=option.score,
        rag=option.rag,
        meets_standard=option.meets_standard,
    )
