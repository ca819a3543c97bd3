"""Reading a case sample from .csv or .xlsx: rows of raw values keyed by field, with row numbers for messages."""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from app.errors import DomainError

MAX_ROWS = 2000

# Accepted column headings (compared case-insensitively, ignoring spaces, hyphens and underscores).
COLUMNS = {
    "reference": ("case reference", "reference", "case ref", "case id", "case number"),
    "age_band": ("age band", "age", "age group"),
    "gender": ("gender", "sex"),
    "ethnicity": ("ethnicity", "ethnicity group", "ethnic group", "ethnicity (ons 2021)"),
    "area": ("area", "locality"),
}
COLUMN_TITLES = {"reference": "Case reference", "age_band": "Age band", "gender": "Gender",
                 "ethnicity": "Ethnicity group", "area": "Area"}


class ImportFailed(DomainError):
    """Nothing was imported; `problems` lists every reason, most with a row number."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0], field="file")
        self.problems = problems


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it, counting the heading row
    values: dict[str, str | None]


def _key(text) -> str:
    return "".join(ch for ch in str(text or "").lower() if ch.isalnum() or ch in "()")


_HEADINGS = {_key(name): field for field, names in COLUMNS.items() for name in names}


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def read_rows(filename: str, content: bytes) -> list[Row]:
    name = (filename or "").lower()
    if not content:
        raise ImportFailed(["The selected file is empty"])
    if name.endswith(".csv"):
        table = _csv_table(content)
    elif name.endswith(".xlsx"):
        table = _xlsx_table(content)
    else:
        raise ImportFailed(["The selected file must be a CSV (.csv) or Excel (.xlsx) file"])
    return _rows(table)


def _csv_table(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ImportFailed(["The file could not be read: save it as “CSV UTF-8” and try again"])
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ImportFailed([f"The file is not a valid CSV file ({exc}). Save it as “CSV UTF-8” and try again"]) from None


def _xlsx_table(content: bytes) -> list[list]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFailed(["The selected file could not be opened as an Excel workbook: save it as .xlsx and try "
                            "again"]) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for _, row in zip(range(MAX_ROWS + 50), sheet.iter_rows(values_only=True))]
    finally:
        workbook.close()


def _rows(table: list[list]) -> list[Row]:
    heading_index = next((i for i, row in enumerate(table) if any(_cell(v) for v in row)), None)
    if heading_index is None:
        raise ImportFailed(["The file has no cases in it: put the column headings in the first row and one case "
                            "per row below"])
    headings = table[heading_index]
    columns: dict[int, str] = {}
    problems = []
    for position, heading in enumerate(headings):
        text = _cell(heading)
        if text is None:
            continue
        field = _HEADINGS.get(_key(text))
        if field is None:
            if "name" in text.lower():
                problems.append(f"Column “{text}”: remove this column. Case audits use pseudonymised case references "
                                "only, never names")
            else:
                problems.append(f"Column “{text}” is not recognised. Use the columns: "
                                + ", ".join(COLUMN_TITLES.values()))
        elif field in columns.values():
            problems.append(f"Column “{text}” appears more than once")
        else:
            columns[position] = field
    if "reference" not in columns.values() and not problems:
        problems.append("The file must have a “Case reference” column")
    if problems:
        raise ImportFailed(problems)
    rows = []
    for offset, raw in enumerate(table[heading_index + 1:], start=heading_index + 2):
        values = {field: (_cell(raw[pos]) if pos < len(raw) else None) for pos, field in columns.items()}
        extra = [_cell(v) for pos, v in enumerate(raw) if pos not in columns and _cell(v)]
        if not any(values.values()) and not extra:
            continue
        if extra:
            problems.append(f"Row {offset}: there is a value in a column without a heading")
            continue
        rows.append(Row(number=offset, values=values))
        if len(rows) > MAX_ROWS:
            raise ImportFailed([f"The file has more than {MAX_ROWS} cases: split it into smaller files"])
    if problems:
        raise ImportFailed(problems)
    return rows
