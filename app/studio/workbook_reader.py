"""Reading an authoring workbook (app.studio.workbook) back into an instrument definition, checked with the
engine's own rules, every problem reported as "Sheet questions, row 7, column text: …" (AuthoringProblems)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook

from app.questionnaire.loader import Problem, definition_problems
from app.studio.authoring import AuthoringProblems
from app.studio.question_types import takes
from app.studio.workbook import (
    LIST_FIELDS,
    MAX_WORKBOOK_ROWS,
    QUESTION_COLUMNS,
    SECTION_COLUMNS,
    SETTINGS_COLUMNS,
    SHEETS,
)


# ---------------------------------------------------------------------------------------------
# Workbook: reading
# ---------------------------------------------------------------------------------------------
@dataclass
class _Reader:
    problems: list[str] = field(default_factory=list)
    # Where each part of the definition came from: path -> (sheet, row); columns are named after fields.
    rows: dict[tuple, tuple[str, int]] = field(default_factory=dict)

    def problem(self, sheet: str, row: int, column: str | None, message: str) -> None:
        where = f"Sheet {sheet}, row {row}" + (f", column {column}" if column else "")
        self.problems.append(f"{where}: {message}")


def _value(raw: Any) -> Any:
    if isinstance(raw, str):
        raw = raw.strip()
        return raw or None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


def _text(raw: Any) -> Any:
    """A cell read as text where the definition wants text (a number typed into a text column stays its digits)."""
    value = _value(raw)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _list(raw: Any) -> list | None:
    value = _value(raw)
    if value is None:
        return None
    if not isinstance(value, str):
        return [value]
    return [part.strip() for part in value.split(",") if part.strip()]


def _bool(reader: _Reader, sheet: str, row: int, column: str, raw: Any) -> Any:
    value = _value(raw)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes", "y"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "no", "n"):
        return False
    reader.problem(sheet, row, column, "must be TRUE or FALSE, or left blank")
    return None


def _rows(reader: _Reader, workbook, sheet: str) -> list[tuple[int, dict]]:
    columns = SHEETS[sheet]
    if sheet not in workbook.sheetnames:
        if sheet in ("settings", "sections", "questions"):
            reader.problems.append(f"Sheet {sheet} is missing; the workbook needs sheets {', '.join(SHEETS)}")
        return []
    result = []
    headings: list[str | None] = []
    for number, values in enumerate(workbook[sheet].iter_rows(values_only=True), start=1):
        if number == 1:
            headings = [str(h).strip().lower() if h is not None else None for h in values]
            for index, heading in enumerate(headings):
                if heading is not None and heading not in columns:
                    reader.problem(
                        sheet, 1, heading, f"unknown column; the columns of {sheet} are {', '.join(columns)}"
                    )
            for column in columns:
                if column not in headings and column in ("key", "section", "scale", "question", "value"):
                    reader.problems.append(f"Sheet {sheet}: column {column} is missing")
            continue
        if number > MAX_WORKBOOK_ROWS:
            reader.problems.append(f"Sheet {sheet} has more than {MAX_WORKBOOK_ROWS} rows")
            break
        row = {headings[i]: v for i, v in enumerate(values) if i < len(headings) and headings[i] in columns}
        if all(_value(v) is None for v in row.values()):
            continue
        result.append((number, row))
    return result


def _mapping(reader: _Reader, sheet: str, row: int, column: str, raw: Any, joiner: str, as_list: bool) -> dict | None:
    value = _value(raw)
    if value is None:
        return None
    result: dict = {}
    for part in str(value).split(";"):
        if not part.strip():
            continue
        if joiner not in part:
            reader.problem(sheet, row, column, f"write each entry as name{joiner.strip()} value, separated by ;")
            continue
        name, rest = part.split(joiner, 1)
        result[name.strip()] = _list(rest) if as_list else rest.strip()
    return result


def _option(reader: _Reader, sheet: str, number: int, row: dict) -> dict:
    option: dict[str, Any] = {}
    raw_value = _value(row.get("value"))
    if raw_value is not None:
        option["value"] = raw_value
    if _text(row.get("label")) is not None:
        option["label"] = _text(row.get("label"))
    if _value(row.get("score")) is not None:
        option["score"] = _value(row.get("score"))
    for name in ("meets_standard", "excluded", "needs_reason", "partial"):
        flag = _bool(reader, sheet, number, name, row.get(name))
        if flag is not None:
            option[name] = flag
    if _value(row.get("rag")) is not None:
        option["rag"] = _text(row.get("rag")).lower()
    return option


def from_workbook(raw: bytes) -> dict:
    """A valid definition from an authoring workbook, or AuthoringProblems as "Sheet s, row r, column c: …"."""
    try:
        workbook = load_workbook(BytesIO(raw), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise AuthoringProblems(["The file is not an Excel workbook (.xlsx)"]) from None
    reader = _Reader()
    definition: dict[str, Any] = {}
    settings = _rows(reader, workbook, "settings")
    if reader.problems:
        raise AuthoringProblems(reader.problems)
    if len(settings) != 1:
        raise AuthoringProblems(["Sheet settings must have exactly one row under its headings"])
    number, row = settings[0]
    for column in SETTINGS_COLUMNS:
        if column == "signatories":
            value = _mapping(reader, "settings", number, column, row.get(column), ":", as_list=True)
        elif column == "renamed":
            value = _mapping(reader, "settings", number, column, row.get(column), "=", as_list=False)
        elif column == "applies_to":
            value = _list(row.get(column))
        elif column in ("version", "review_months", "partial_counts_as"):
            value = _value(row.get(column))
        else:
            value = _text(row.get(column))
        if value is not None:
            definition[column] = value
        reader.rows[(column,)] = ("settings", number)

    scales: dict[str, list] = {}
    for number, row in _rows(reader, workbook, "scales"):
        name = _text(row.get("scale"))
        if name is None:
            reader.problem("scales", number, "scale", "name the scale this option belongs to")
            continue
        options = scales.setdefault(name, [])
        reader.rows.setdefault(("scales", name), ("scales", number))
        reader.rows[("scales", name, len(options))] = ("scales", number)
        options.append(_option(reader, "scales", number, row))
    if scales:
        definition["scales"] = scales

    sections: list[dict] = []
    by_key: dict[str, int] = {}
    for number, row in _rows(reader, workbook, "sections"):
        section: dict[str, Any] = {}
        for column in SECTION_COLUMNS:
            value = _list(row.get(column)) if column == "applies_to" else _text(row.get(column))
            if value is not None:
                section[column] = value
        section["questions"] = []
        reader.rows[("sections", len(sections))] = ("sections", number)
        if isinstance(section.get("key"), str):
            by_key.setdefault(section["key"], len(sections))
        sections.append(section)

    questions: dict[str, dict] = {}
    for number, row in _rows(reader, workbook, "questions"):
        section_key = _text(row.get("section"))
        if section_key not in by_key:
            reader.problem(
                "questions",
                number,
                "section",
                f"no section with key '{section_key}' on sheet sections"
                if section_key
                else "name the section (its key on sheet sections) this question belongs to",
            )
            continue
        si = by_key[section_key]
        question: dict[str, Any] = {}
        for column in QUESTION_COLUMNS[1:]:
            raw_value = row.get(column)
            if column in ("required", "overall"):
                value = _bool(reader, "questions", number, column, raw_value)
            elif column in LIST_FIELDS:
                value = _list(raw_value)
            elif column in ("max_length", "min", "max"):
                value = _value(raw_value)
            else:
                value = _text(raw_value)
            if value is None or column.startswith("show_if"):
                continue
            question[column] = value
        if _value(row.get("show_if_question")) is not None or _value(row.get("show_if_in")) is not None:
            question["show_if"] = {"question": _text(row.get("show_if_question")), "in": _list(row.get("show_if_in"))}
        qi = len(sections[si]["questions"])
        reader.rows[("sections", si, "questions", qi)] = ("questions", number)
        sections[si]["questions"].append(question)
        if isinstance(question.get("key"), str):
            questions.setdefault(question["key"], question)
    if sections:
        definition["sections"] = sections

    for number, row in _rows(reader, workbook, "choices"):
        key = _text(row.get("question"))
        question = questions.get(key) if key else None
        if question is None:
            reader.problem(
                "choices",
                number,
                "question",
                f"no question with key '{key}' on sheet questions"
                if key
                else "name the question (its key on sheet questions) this choice belongs to",
            )
            continue
        options = question.setdefault("options", [])
        path = _question_path(sections, question)
        reader.rows[path + ("options", len(options))] = ("choices", number)
        options.append(_option(reader, "choices", number, row))

    if reader.problems:
        raise AuthoringProblems(reader.problems)
    _place_option_values(definition)
    problems = definition_problems(definition)
    if problems:
        raise AuthoringProblems([_where(reader, p) for p in problems])
    return definition


def _question_path(sections: list[dict], question: dict) -> tuple:
    for si, section in enumerate(sections):
        for qi, candidate in enumerate(section["questions"]):
            if candidate is question:
                return ("sections", si, "questions", qi)
    raise LookupError("question not in sections")


def _place_option_values(definition: dict) -> None:
    """show_if values are text in a cell; where the answers they name are numbers (value: 1), match them."""
    values: dict[str, list] = {}
    scales = definition.get("scales") or {}
    for section in definition.get("sections") or []:
        for question in section.get("questions") or []:
            options = scales.get(question.get("scale")) if takes(question, "takes_scale") else question.get("options")
            if isinstance(question.get("key"), str) and isinstance(options, list):
                values[question["key"]] = [o.get("value") for o in options if isinstance(o, dict)]
    for section in definition.get("sections") or []:
        for question in section.get("questions") or []:
            show_if = question.get("show_if")
            if not isinstance(show_if, dict) or not isinstance(show_if.get("in"), list):
                continue
            known = values.get(show_if.get("question"), [])
            show_if["in"] = [
                next((v for v in known if isinstance(v, int) and str(v) == item), item) for item in show_if["in"]
            ]


_QUESTION_COLUMN_OF = {"show_if": "show_if_question"}
_MISSING_KEY = re.compile(r"missing required key '(\w+)'")


def _where(reader: _Reader, problem: Problem) -> str:
    """An engine problem placed on the sheet, row and column it came from."""
    path = problem.path
    for length in range(len(path), 0, -1):
        if path[:length] in reader.rows:
            sheet, row = reader.rows[path[:length]]
            rest = path[length:]
            break
    else:
        sheet, row, rest = "settings", 2, path
    column = next((p for p in rest if isinstance(p, str)), None)
    missing = _MISSING_KEY.search(problem.message)
    if column is None and missing:
        column = missing.group(1)  # a blank required cell: the engine names the key that has no value
    if sheet == "questions" and column is not None:
        if rest[:2] == ("show_if", "in"):
            column = "show_if_in"
        column = _QUESTION_COLUMN_OF.get(column, column)
    if sheet == "questions" and column == "options":
        sheet_text = f"Sheet questions, row {row}"
        return f"{sheet_text}: {problem.message}"
    if column is not None and column not in SHEETS.get(sheet, ()):
        column = None
    where = f"Sheet {sheet}, row {row}" + (f", column {column}" if column else "")
    return f"{where}: {problem.message}"
