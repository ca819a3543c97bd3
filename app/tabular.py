"""Reading an uploaded table (.csv or .xlsx) into rows keyed by column, numbered as the spreadsheet shows them.

Importers describe their columns (the headings people may write for each) and get back one `Row` per non-blank
line under the heading row, or `TableRejected` listing every reason the file cannot be used as it is.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from app.errors import DomainError

TABLE_EXTENSIONS = ("csv", "xlsx")
WRONG_TYPE_MESSAGE = "The selected file must be a CSV (.csv) or Excel (.xlsx) file"

# Delimiters a spreadsheet may save "CSV" with: a comma, or a semicolon where the comma is the decimal point.
CSV_DELIMITERS = (",", ";", "\t")


class TableRejected(DomainError):
    """Nothing was read; `problems` lists every reason, one message each, most with a row number."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0], field="file")
        self.problems = problems


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the heading the importer's instructions and template use
    aliases: tuple[str, ...] = ()  # other headings people naturally write for it
    required: bool = False


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it, counting the heading row
    values: dict[str, str]  # every column's key -> trimmed text, "" where blank
    unheaded: bool = False  # a value sits in a column with no heading


def heading_key(text) -> str:
    """Headings match whatever their case, spacing and punctuation: “Case ref”, “case_ref” and “CASE-REF” agree."""
    return re.sub(r"[^a-z0-9]+", "", str(text or "").lower())


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # Excel stores 123 as 123.0
        value = int(value)
    return str(value).strip()


def read_table(
    filename: str,
    data: bytes,
    columns: Sequence[Column],
    *,
    max_rows: int,
    unknown_heading: Callable[[str], str | None] | None = None,
) -> list[Row]:
    """The rows under the first non-blank row, which holds the headings. Blank rows are skipped.

    `unknown_heading(text)` may give the message for a heading no column accepts (default: list the columns).
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension not in TABLE_EXTENSIONS:
        raise TableRejected([WRONG_TYPE_MESSAGE])
    if not data:
        raise TableRejected(["The selected file is empty"])
    numbered = _csv_lines(data, max_rows) if extension == "csv" else _xlsx_lines(data, max_rows)
    if not numbered:
        raise TableRejected(["The selected file is empty"])
    (_, headings), body = numbered[0], numbered[1:]
    positions = _column_positions(headings, columns, unknown_heading)
    rows = []
    for number, texts in body:
        values = {column.key: "" for column in columns}
        for position, key in positions.items():
            if position < len(texts):
                values[key] = texts[position]
        unheaded = any(text for position, text in enumerate(texts) if position not in positions)
        rows.append(Row(number=number, values=values, unheaded=unheaded))
    return rows


def _column_positions(
    headings: list[str], columns: Sequence[Column], unknown_heading: Callable[[str], str | None] | None
) -> dict[int, str]:
    accepted = {heading_key(name): column for column in columns for name in (column.key, column.title, *column.aliases)}
    positions: dict[int, str] = {}
    first_heading: dict[str, str] = {}
    problems = []
    for position, text in enumerate(headings):
        if not text:
            continue
        column = accepted.get(heading_key(text))
        if column is None:
            message = unknown_heading(text) if unknown_heading else None
            problems.append(
                message or f"Column “{text}” is not recognised. Use the columns: " + ", ".join(c.title for c in columns)
            )
        elif column.key in first_heading:
            earlier = first_heading[column.key]
            problems.append(
                f"Column “{text}” appears more than once"
                if heading_key(earlier) == heading_key(text)
                else f"Columns “{earlier}” and “{text}” are the same column: keep one of them"
            )
        else:
            first_heading[column.key] = text
            positions[position] = column.key
    problems.extend(
        f"The file must have a column headed “{column.title}”"
        for column in columns
        if column.required and column.key not in first_heading
    )
    if problems:
        raise TableRejected(problems)
    return positions


def _filled(lines: Iterable[Sequence], max_rows: int) -> list[tuple[int, list[str]]]:
    """(row number, cell texts) of each non-blank row; refuses more rows than the heading and `max_rows`."""
    numbered = []
    for number, cells in enumerate(lines, start=1):
        texts = [cell_text(v) for v in cells]
        if any(texts):
            numbered.append((number, texts))
            if len(numbered) > max_rows + 1:
                raise TableRejected([f"The file has more than {max_rows:,} rows: split it into smaller files"])
    return numbered


def _csv_lines(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows saves CSV as cp1252 unless told otherwise
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise TableRejected(["The selected file could not be read: save it as “CSV UTF-8” and try again"])
    try:
        return _filled(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)), max_rows)
    except csv.Error as exc:
        raise TableRejected(
            [f"The selected file is not a valid CSV file ({exc}): save it as “CSV UTF-8” and try again"]
        ) from None


def _delimiter(text: str) -> str:
    """The separator the heading row uses most; a comma unless another is clearly meant."""
    heading = next((line for line in text.splitlines() if line.strip()), "")
    return max(CSV_DELIMITERS, key=heading.count)  # ties go to the comma, listed first


def _xlsx_lines(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    unreadable = TableRejected(
        ["The selected file could not be opened as an Excel workbook: save it as .xlsx or .csv and try again"]
    )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise unreadable from None
    try:
        return _filled(workbook.worksheets[0].iter_rows(values_only=True), max_rows)
    except TableRejected:
        raise
    except Exception:  # a damaged sheet inside a readable workbook
        raise unreadable from None
    finally:
        workbook.close()
