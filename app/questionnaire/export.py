"""A blank instrument as a spreadsheet, for people who want to read it offline."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from app.questionnaire.definition import Instrument, Question
from app.questionnaire.loader import theme_titles
from app.utils import SPREADSHEET_FORMULA_PREFIXES

QUESTION_COLUMNS = (
    ("Key", 24),
    ("Section", 28),
    ("Question", 60),
    ("Hint", 60),
    ("Type", 14),
    ("Answers", 50),
    ("Themes", 30),
    ("Required", 10),
    ("Shown only if", 36),
    ("Comment", 20),
    ("Evidence", 12),
    ("Applies to", 24),
)


def _cell(sheet, value, *, bold: bool = False, wrap: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(SPREADSHEET_FORMULA_PREFIXES):
        cell.data_type = "s"  # text that looks like a formula is written as text, never run
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _answers(question: Question) -> str:
    parts = []
    for option in question.options:
        extra = []
        if option.excluded:
            extra.append("excluded from scores")
        if option.rag:
            extra.append(option.rag.capitalize())
        if option.meets_standard is True:
            extra.append("meets standard")
        elif option.partial:
            extra.append("partly meets standard")
        parts.append(f"{option.label}" + (f" ({', '.join(extra)})" if extra else ""))
    if question.kind.takes_range and (question.min is not None or question.max is not None):
        parts.append(
            f"from {question.min if question.min is not None else 'any'} to "
            f"{question.max if question.max is not None else 'any'}"
        )
    if question.max_length:
        parts.append(f"up to {question.max_length} characters")
    return "; ".join(parts)


def blank_workbook(instrument: Instrument) -> bytes:
    themes = theme_titles()
    workbook = Workbook(write_only=True)

    about = workbook.create_sheet("Instrument")
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 100
    for label, value in (
        ("Title", instrument.title),
        ("Key", instrument.key),
        ("Version", instrument.version),
        ("Kind", instrument.kind.replace("_", " ")),
        ("Summary", instrument.summary or ""),
        ("Source", instrument.source or ""),
        ("Applies to", ", ".join(instrument.applies_to)),
    ):
        about.append([_cell(about, label, bold=True), _cell(about, value, wrap=True)])

    sheet = workbook.create_sheet("Questions")
    for index, (_, width) in enumerate(QUESTION_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "C2"
    sheet.append([_cell(sheet, title, bold=True) for title, _ in QUESTION_COLUMNS])
    for section in instrument.sections:
        for question in section.questions:
            show_if = ""
            if question.show_if:
                target = instrument.question(question.show_if.question)
                labels = [(target.option(v).label if target.option(v) else v) for v in question.show_if.values]
                show_if = f"{target.key} is {' or '.join(labels)}"
            row = [
                question.key,
                section.title,
                question.text,
                question.hint or "",
                question.type.replace("_", " "),
                _answers(question),
                "; ".join(themes.get(t, t) for t in question.themes),
                "Yes" if question.required else "No",
                show_if,
                question.comment.replace("_", " ") if question.comment != "none" else "",
                question.evidence if question.evidence != "none" else "",
                ", ".join(section.applies_to) if section.applies_to else "all",
            ]
            sheet.append([_cell(sheet, value, wrap=i in (2, 3, 5)) for i, value in enumerate(row)])

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
