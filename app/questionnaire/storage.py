"""Answer rows: the columns every feature's answer table shares, and the one way to write and read them.

Each feature keeps its own answer table (a case audit's, a return's, a survey's) with its own parent key and
extra columns. What an answer is in a row belongs to the engine: the question key, the value in its stored
form (the question type's `encode`/`decode`), and the score, meets-standard and not-applicable flags worked
out at save time so aggregation across many responses is plain SQL.

    class CaseAnswer(AnswerColumns, AnswerNotes, db.Model): ...

    write_answers(instrument, answers, rows_by_key, new_row)   # encode, score, set the columns
    read_answers(instrument, rows)                             # {key: {"value", "comment", "evidence"}}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.questionnaire.definition import Instrument
from app.questionnaire.scoring import score_question


class AnswerColumns:
    """Mixin for an answer table: one row per question answered."""

    question_key: Mapped[str] = mapped_column(sa.String(100), index=True)
    value: Mapped[str | None] = mapped_column(sa.Text)  # the answer as its question type encodes it
    score: Mapped[int | None]
    meets_standard: Mapped[bool | None]
    excluded: Mapped[bool] = mapped_column(default=False)


# How answers are counted in SQL, over the answer columns: those scored (with a meets_standard), those meeting the
# standard, those excluded (not applicable). Findings and the round tallies count with these.
def scored(meets_standard) -> sa.ColumnElement:
    return sa.func.count(meets_standard)


def count_true(flag) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((flag == sa.true(), 1), else_=0)), 0)


met = excluded_count = count_true


class AnswerNotes:
    """Mixin for an answer table that keeps the RAG rating and the comment and evidence given with the answer."""

    rag: Mapped[str | None] = mapped_column(sa.String(8))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    evidence: Mapped[str | None] = mapped_column(sa.Text)


Row = TypeVar("Row")


def encode_answer(instrument: Instrument, key: str, value: Any) -> str | None:
    """The stored text of an answer to the instrument's question `key`."""
    return instrument.question(key).kind.encode(value)


def decode_answer(instrument: Instrument, key: str, stored: str | None) -> Any:
    """An answer in the engine's format from its stored text. A key the version has no question for (it cannot
    happen for a version's own answers) reads as the text stored."""
    if stored is None or not instrument.has_question(key):
        return stored
    return instrument.question(key).kind.decode(stored)


def write_answer(row: Any, instrument: Instrument, entry: Mapping[str, Any] | None) -> None:
    """Set one row from an answer {"value", "comment", "evidence"}: the value encoded, the scoring beside it, and
    rag, comment and evidence where the row's table keeps them."""
    question = instrument.question(row.question_key)
    entry = entry or {}
    value = entry.get("value")
    scored = score_question(question, value)
    row.value = question.kind.encode(value)
    row.score, row.meets_standard, row.excluded = scored.score, scored.meets_standard, scored.excluded
    table = type(row)
    if hasattr(table, "rag"):
        row.rag = scored.rag
    if hasattr(table, "comment"):
        row.comment = entry.get("comment")
    if hasattr(table, "evidence"):
        row.evidence = entry.get("evidence")


def write_answers(
    instrument: Instrument,
    answers: Mapping[str, Mapping[str, Any] | None],
    rows: MutableMapping[str, Row],
    new_row: Callable[[str], Row],
    *,
    keys: Iterable[str] | None = None,
) -> dict[str, Row]:
    """Write the answers (the engine's format) to their rows, found by question key in `rows` or made by
    `new_row(key)` (which adds it to its parent or session) and put in `rows`. `keys` (default: the answers')
    are the questions to write; a missing answer empties its row. Keys the instrument has no question for are
    skipped. Returns the rows written, by key."""
    written: dict[str, Row] = {}
    for key in answers if keys is None else keys:
        if not instrument.has_question(key):
            continue
        row = rows.get(key)
        if row is None:
            row = rows[key] = new_row(key)
        write_answer(row, instrument, answers.get(key))
        written[key] = row
    return written


def read_answers(instrument: Instrument, rows: Iterable[Any]) -> dict[str, dict]:
    """Answer rows (objects or named result rows with question_key and value, and comment and evidence where
    kept) in the engine's format: {key: {"value", "comment", "evidence"}}."""
    return {
        row.question_key: {
            "value": decode_answer(instrument, row.question_key, row.value),
            "comment": getattr(row, "comment", None),
            "evidence": getattr(row, "evidence", None),
        }
        for row in rows
    }
