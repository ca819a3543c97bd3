"""The case moderation page laid out for a panel working through it in a meeting: the agencies' answers grouped
by the instrument's sections, and the questions they disagree on, with how many agencies gave each answer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.audits.queries.answers import CaseGrid, QuestionRow
from app.questionnaire import Instrument, Section


@dataclass
class AnswerCount:
    answer: str
    agencies: int


@dataclass
class Disagreement:
    row: QuestionRow
    section: Section
    answers: list[AnswerCount]  # each answer given, most agencies first, then in the scale's order


@dataclass
class SectionRows:
    section: Section
    rows: list[QuestionRow]

    @property
    def disagreements(self) -> int:
        return sum(1 for row in self.rows if row.disagreement)


@dataclass
class ModerationLayout:
    sections: list[SectionRows]
    disagreements: list[Disagreement]
    # Questions shown unfolded although the agencies agree: the panel's answer differs from theirs or has a comment,
    # or one of its fields has a problem (its error summary link must reach the field).
    unfolded: set[str]

    def folded(self, row: QuestionRow) -> bool:
        return not row.disagreement and row.question.key not in self.unfolded


def _answer_counts(row: QuestionRow) -> list[AnswerCount]:
    answered = [c for c in row.cells if c.value is not None]
    order = {str(o.value): i for i, o in enumerate(row.question.options)}
    counts = Counter(str(c.value) for c in answered)
    labels = {str(c.value): c.display for c in answered}
    return [
        AnswerCount(answer=labels[value], agencies=n)
        for value, n in sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], len(order))))
    ]


def _problem_keys(errors: dict[str, str]) -> set[str]:
    """Question keys of the page's problems: fields are named rating__<key>[__<organisation id>] and comment__…"""
    return {name.split("__")[1] for name in errors if name.startswith(("rating__", "comment__"))}


def _panel_differs(row: QuestionRow, values: dict) -> bool:
    """Whether what the panel has agreed (or is entering) for this question is other than the agencies' own."""
    key = row.question.key
    answered = [c for c in row.cells if c.value is not None]
    if row.question.about_agency:
        ratings = values["agency_ratings"].get(key, {})
        notes = values["agency_comments"].get(key, {})
        changed = any(ratings.get(c.organisation.id) not in (None, str(c.value)) for c in answered)
        return changed or any(notes.values())
    agreed = values["ratings"].get(key)
    return bool(values["comments"].get(key)) or (agreed is not None and {str(c.value) for c in answered} != {agreed})


def moderation_layout(grid: CaseGrid, instrument: Instrument, values: dict, errors: dict[str, str]) -> ModerationLayout:
    """The grid's questions in the instrument's sections (sections with nothing to show left out), the questions
    about the case whose rating differs between agencies, in page order, and which agreed questions stay unfolded.
    `values` are the panel's answers as the page shows them (stored, or as posted), `errors` the page's problems."""
    rows = {row.question.key: row for row in grid.rows}
    sections: list[SectionRows] = []
    disagreements: list[Disagreement] = []
    for section in instrument.sections:
        section_rows = [rows[q.key] for q in section.questions if q.key in rows]
        if not section_rows:
            continue
        sections.append(SectionRows(section=section, rows=section_rows))
        disagreements += [
            Disagreement(row=row, section=section, answers=_answer_counts(row))
            for row in section_rows
            if row.disagreement
        ]
    problems = _problem_keys(errors)
    unfolded = {key for key, row in rows.items() if key in problems or _panel_differs(row, values)}
    return ModerationLayout(sections=sections, disagreements=disagreements, unfolded=unfolded)
