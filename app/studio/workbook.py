"""The authoring workbook: an instrument definition written as a spreadsheet (read back by
app.studio.workbook_reader).

It follows XLSForm in spirit: one row per section, question, scale option and choice option, columns named after
the definition's fields.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from app.utils import SPREADSHEET_FORMULA_PREFIXES

MAX_WORKBOOK_ROWS = 5000

SETTINGS_COLUMNS = (
    "key",
    "version",
    "kind",
    "title",
    "summary",
    "source",
    "applies_to",
    "signatories",
    "review_months",
    "renamed",
    "partial_counts_as",
)
SECTION_COLUMNS = ("key", "title", "description", "applies_to")
QUESTION_COLUMNS = (
    "section",
    "key",
    "type",
    "scale",
    "text",
    "hint",
    "required",
    "themes",
    "comment",
    "evidence",
    "show_if_question",
    "show_if_in",
    "overall",
    "about",
    "max_length",
    "min",
    "max",
)
OPTION_FIELDS = ("value", "label", "score", "meets_standard", "rag", "excluded", "needs_reason", "partial")
SCALE_COLUMNS = ("scale",) + OPTION_FIELDS
CHOICE_COLUMNS = ("question",) + OPTION_FIELDS
LIST_FIELDS = {"applies_to", "themes", "show_if_in"}
SHEETS = {
    "settings": SETTINGS_COLUMNS,
    "sections": SECTION_COLUMNS,
    "questions": QUESTION_COLUMNS,
    "scales": SCALE_COLUMNS,
    "choices": CHOICE_COLUMNS,
}


# ---------------------------------------------------------------------------------------------
# Workbook: writing
# ---------------------------------------------------------------------------------------------
def _cell(sheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(SPREADSHEET_FORMULA_PREFIXES):
        cell.data_type = "s"  # text that looks like a formula is written as text, never run
    if bold:
        cell.font = Font(bold=True)
    return cell


def _mapping_text(mapping: dict | None, joiner: str) -> str | None:
    if not mapping:
        return None
    return "; ".join(f"{k}{joiner}{', '.join(v) if isinstance(v, list) else v}" for k, v in mapping.items())


def to_workbook(definition: dict) -> bytes:
    workbook = Workbook(write_only=True)
    sheets = {name: workbook.create_sheet(name) for name in SHEETS}
    for name, columns in SHEETS.items():
        sheets[name].append([_cell(sheets[name], column, bold=True) for column in columns])

    settings = dict(definition)
    settings["signatories"] = _mapping_text(definition.get("signatories"), ": ")
    settings["renamed"] = _mapping_text(definition.get("renamed"), " = ")
    sheets["settings"].append([_cell(sheets["settings"], settings.get(c)) for c in SETTINGS_COLUMNS])

    for name, options in (definition.get("scales") or {}).items():
        for option in options:
            sheets["scales"].append(
                [_cell(sheets["scales"], name)] + [_cell(sheets["scales"], option.get(f)) for f in OPTION_FIELDS]
            )
    for section in definition.get("sections") or []:
        sheets["sections"].append([_cell(sheets["sections"], section.get(c)) for c in SECTION_COLUMNS])
        for question in section.get("questions") or []:
            row = dict(question, section=section.get("key"))
            show_if = question.get("show_if") or {}
            row["show_if_question"] = show_if.get("question")
            row["show_if_in"] = show_if.get("in")
            sheets["questions"].append([_cell(sheets["questions"], row.get(c)) for c in QUESTION_COLUMNS])
            for option in question.get("options") or []:
                sheets["choices"].append(
                    [_cell(sheets["choices"], question.get("key"))]
                    + [_cell(sheets["choices"], option.get(f)) for f in OPTION_FIELDS]
                )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
