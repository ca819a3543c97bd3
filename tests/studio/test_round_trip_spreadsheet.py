"""The authoring workbook as a business manager uses it: downloaded from a published version, edited in a
spreadsheet program, uploaded back as a draft that means exactly what was edited; mistakes named by sheet, row
and column in the GOV.UK error summary."""

from __future__ import annotations

import copy
import html
import re
from io import BytesIO

from openpyxl import load_workbook

from app.questionnaire import load_files
from app.studio.models import InstrumentDraft
from tests.questionnaire.helpers import write

BASE = "/admin/instruments/studio"

VERSION_1 = """\
key: missing-episodes-sheet
version: 1
kind: case_audit
title: Repeat missing episodes
scales:
  practice:
    - {value: in_line, label: In line with practice standards, score: 2, meets_standard: true, rag: green}
    - {value: partly, label: Partially in line, score: 1, meets_standard: false, rag: amber}
    - {value: not_in_line, label: Not in line, score: 0, meets_standard: false, rag: red}
    - {value: na, label: Not applicable, excluded: true}
sections:
  - key: interview
    title: The return interview
    questions:
      - key: interview_offered
        type: scale
        scale: practice
        text: Was a return interview offered within 72 hours?
        themes: [timeliness]
      - key: who_interviewed
        type: choice
        text: Who carried out the interview?
        options:
          - {value: social_worker, label: Social worker}
          - {value: police, label: Police officer}
      - key: plan_updated
        type: scale
        scale: practice
        text: Was the safety plan updated after the episode?
  - key: planning
    title: Planning
    applies_to: [police, local_authority]
    questions:
      - key: why_not
        type: long_text
        text: Why was the interview not offered in time?
        show_if: {question: interview_offered, in: [partly, not_in_line]}
"""


def _version(tmp_path):
    [version] = load_files([write(tmp_path, VERSION_1)])
    return version


def _download(client, version) -> object:
    response = client.get(f"{BASE}/versions/{version.id}/download.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('missing-episodes-sheet-v1.xlsx"')
    return load_workbook(BytesIO(response.data))


def _upload(client, book):
    buffer = BytesIO()
    book.save(buffer)
    return client.post(
        f"{BASE}/upload", data={"file": (BytesIO(buffer.getvalue()), "edited.xlsx")}, content_type="multipart/form-data"
    )


def _row_of(sheet, column: str, value) -> int:
    headings = [c.value for c in sheet[1]]
    index = headings.index(column)
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row[index] == value:
            return number
    raise LookupError(value)


def _set(sheet, row: int, column: str, value) -> None:
    headings = [c.value for c in sheet[1]]
    sheet.cell(row=row, column=headings.index(column) + 1).value = value


def _swap_rows(sheet, first: int, second: int) -> None:
    for column in range(1, sheet.max_column + 1):
        a, b = sheet.cell(row=first, column=column), sheet.cell(row=second, column=column)
        a.value, b.value = b.value, a.value


def test_an_edited_workbook_becomes_a_draft_meaning_exactly_what_was_edited(client, login_as, db, tmp_path):
    version = _version(tmp_path)
    login_as("qa")
    book = _download(client, version)

    questions = book["questions"]
    _set(
        questions,
        _row_of(questions, "key", "interview_offered"),
        "text",
        "Was a return home interview offered within 72 hours?",
    )
    _swap_rows(questions, _row_of(questions, "key", "who_interviewed"), _row_of(questions, "key", "plan_updated"))
    book["choices"].append(["who_interviewed", "independent", "Independent return interview service"])

    response = _upload(client, book)
    assert response.status_code == 302, response.get_data(as_text=True)
    draft = db.session.get(InstrumentDraft, int(response.headers["Location"].rsplit("/", 1)[-1]))

    expected = copy.deepcopy(version.definition)
    interview = expected["sections"][0]["questions"]
    interview[0]["text"] = "Was a return home interview offered within 72 hours?"
    interview[1], interview[2] = interview[2], interview[1]
    interview[2]["options"].append({"value": "independent", "label": "Independent return interview service"})
    assert draft.definition == expected
    assert draft.definition != version.definition


def _summary(response) -> list[str]:
    page = response.get_data(as_text=True)
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "the problems are listed in a GOV.UK error summary"
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    ]


def test_a_workbook_with_mistakes_names_sheet_row_and_column_and_saves_nothing(client, login_as, db, tmp_path):
    version = _version(tmp_path)
    login_as("qa")
    book = _download(client, version)
    questions = book["questions"]
    scale_row = _row_of(questions, "key", "plan_updated")
    blank_row = _row_of(questions, "key", "who_interviewed")
    type_row = _row_of(questions, "key", "why_not")
    _set(questions, scale_row, "scale", "practise")
    _set(questions, blank_row, "text", None)
    _set(questions, type_row, "type", "essay")
    drafts_before = db.session.query(InstrumentDraft).count()

    response = _upload(client, book)
    assert response.status_code == 200
    problems = _summary(response)
    assert any(
        p.startswith(f"Sheet questions, row {scale_row}, column scale:") and "practise" in p for p in problems
    ), problems
    assert any(p.startswith(f"Sheet questions, row {blank_row}, column text:") for p in problems), problems
    assert any(p.startswith(f"Sheet questions, row {type_row}, column type:") and "essay" in p for p in problems), (
        problems
    )
    assert db.session.query(InstrumentDraft).count() == drafts_before
