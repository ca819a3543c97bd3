"""Cells and sheets for write-only workbooks: values cleaned and typed, user text never a formula, styled headers,
and rows streamed from server-side cursors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from copy import copy
from datetime import date, datetime
from types import MethodType

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.extensions import db
from app.findings.figures import (
    RAG_LABELS,
)
from app.questionnaire import QuestionType
from app.utils import as_aware

YIELD_PER = 1000
RAG_FILLS = {
    rag: PatternFill("solid", fgColor=colour)
    for rag, colour in {"green": "CCE2D8", "amber": "FCD6C3", "red": "F4CDC6"}.items()
}
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F3F2F1")
WRAP = Alignment(wrap_text=True, vertical="top")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- cells and sheets ----------------------------------------------------------------------------------------


def clean(value):
    """Values as a spreadsheet stores them: dates without time zone, no control characters."""
    if isinstance(value, datetime):
        return as_aware(value).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def cell(sheet, value, *, bold=False, fill=None, wrap=False) -> WriteOnlyCell | None:
    if (value is None or value == "") and not bold and fill is None:
        return None  # nothing to show: no cell at all, as a spreadsheet leaves an empty one
    c = WriteOnlyCell(sheet, value=clean(value))
    if isinstance(value, str):
        c.data_type = "s"  # text is text: "=HYPERLINK(…)" typed by a user is shown, never run
    number_format = (
        "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "yyyy-mm-dd" if isinstance(value, date) else None
    )
    key = (number_format, bold, id(fill) if fill is not None else None, wrap)
    if key == (None, False, None, False):
        return c
    # Setting a font or fill looks the style up in the workbook by hashing it, which cost more than writing the
    # cell; each combination is looked up once per workbook and its style ids copied after that.
    known = sheet.parent.__dict__.setdefault("_app_styles", {})
    if key in known:
        c._style = copy(known[key])
        return c
    if number_format:
        c.number_format = number_format
    if bold:
        c.font = BOLD
    if fill is not None:
        c.fill = fill
    if wrap:
        c.alignment = WRAP
    known[key] = copy(c._style)
    return c


def rag_cell(sheet, rag: str | None) -> WriteOnlyCell:
    return cell(sheet, RAG_LABELS.get(rag, rag or "") if rag else "", fill=RAG_FILLS.get(rag))


def _values_to_row(ws, values, row_idx):
    """openpyxl's WriteOnlyWorksheet._values_to_row with its two cases swapped: a ready-made cell is recognised by
    its type instead of by the ValueError that assigning it as a value raises. That exception, with the repr of the
    cell in its message, was the single largest cost of writing a styled or text cell."""
    cell = WriteOnlyCell(ws)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            value.column, value.row = col_idx, row_idx
            yield value
            continue
        cell.value = value
        cell.column, cell.row = col_idx, row_idx
        yield cell


AS_THEY_ARE = frozenset({int, float, bool})


def plain(ws, value):
    """The value as the write-only sheet should receive it: numbers and ordinary text as they are (openpyxl makes
    the cell), anything needing a type or format of its own (dates, text starting "=") as a ready-made cell."""
    kind = type(value)
    if value is None or kind is int or kind is float or kind is bool or isinstance(value, Cell):
        return value
    if kind is str:
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return cell(ws, value) if value.startswith("=") else value or None
    return cell(ws, value)


class Sheet:
    """A write-only sheet with a frozen, filtered header row and set column widths."""

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        columns: list[tuple[str, int]],
        *,
        freeze: str = "A2",
        autofilter: bool = True,
    ):
        self.ws = workbook.create_sheet(title)
        self.ws._values_to_row = MethodType(_values_to_row, self.ws)
        for index, (_, width) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ws.freeze_panes = freeze
        self.width = len(columns)
        self.rows = 0
        self.autofilter = autofilter
        self.append([cell(self.ws, name, bold=True, fill=HEADER_FILL) for name, _ in columns])

    def append(self, values: Iterable) -> None:
        ws = self.ws
        # Most values are empty or numbers: pass those straight through without a call each.
        ws.append([v if v is None or type(v) in AS_THEY_ARE else plain(ws, v) for v in values])
        self.rows += 1

    def close(self) -> None:
        if self.autofilter and self.width:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(self.width)}{max(self.rows, 1)}"


def stored_code(kind: QuestionType | None, value: str | None) -> str | None:
    """An answer's stored text as the export writes it: a list answer's codes separated by semicolons."""
    if kind is None or value is None or not kind.is_list:
        return value
    return ";".join(str(v) for v in kind.decode(value))


def stream(stmt) -> Iterator[sa.Row]:
    """Rows of a column-only statement, fetched YIELD_PER at a time, without the ORM's per-row processing.

    PostgreSQL plans a cursor for its first tenth of rows (cursor_tuple_fraction): for the answers of a round in
    response order that meant walking every response in the database by its key, three to four times slower than
    joining and sorting the round's own. An export reads every row, so its cursors are planned for all of them."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
    return iter(connection.execute(stmt.execution_options(yield_per=YIELD_PER, stream_results=True)))
