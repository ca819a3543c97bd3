"""Excel and CSV exports of a round's or a campaign's findings.

Workbooks are write-only and row-level sheets are fed from server-side cursors (yield_per), so memory
stays flat however many answers there are. Aggregated sheets come from the same figures as the page.
Text typed by users is always written as a text cell, never as a formula (DESIGN §8).
"""
from __future__ import annotations

import csv
import io
from copy import copy
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from types import MethodType
from typing import IO, Iterable, Iterator

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.accounts.models import ORG_TYPE_LABELS, Organisation
from app.actions.models import ActionItem
from app.actions.queries import is_overdue
from app.audits.models import (
    AGE_BANDS,
    ETHNICITIES,
    GENDERS,
    Assignment,
    AuditCase,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    ResponseState,
)
from app.audits.queries import agency_questions
from app.extensions import db
from app.findings import queries
from app.findings.figures import (
    RAG_LABELS,
    RAGS,
    campaign_catalogue,
    campaign_figures,
    own_view,
    round_catalogue,
    round_figures,
)
from app.findings.models import FINDING_HEADINGS, Finding
from app.questionnaire import Catalogue, QuestionType, get_version, question_type
from app.selfassessment.models import Challenge, Return, ReturnAnswer
from app.utils import as_aware, csv_safe, today

YIELD_PER = 1000
RAG_FILLS = {rag: PatternFill("solid", fgColor=colour)
             for rag, colour in {"green": "CCE2D8", "amber": "FCD6C3", "red": "F4CDC6"}.items()}
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
    number_format = ("yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "yyyy-mm-dd" if isinstance(value, date)
                     else None)
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

    def __init__(self, workbook: Workbook, title: str, columns: list[tuple[str, int]], *, freeze: str = "A2",
                 autofilter: bool = True):
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


# --- shared sheets -------------------------------------------------------------------------------------------

def labels_sheet(workbook: Workbook, catalogue: Catalogue, extra: dict[str, dict] | None = None) -> None:
    sheet = Sheet(workbook, "Labels", [("Column", 34), ("Question", 70), ("Code", 24), ("Label", 50), ("RAG", 10)])
    for q in catalogue.ordered:
        if q.options:
            for option in q.options:
                sheet.append([q.key, q.text, option.value, option.label, RAG_LABELS[option.rag] if option.rag else ""])
        else:
            sheet.append([q.key, q.text, "", f"{q.type.replace('_', ' ')} answer, as written", ""])
        if q.comment:
            sheet.append([f"{q.key}__comment", q.text, "", "Comment, as written", ""])
    for column, (title, labels) in (extra or {}).items():
        for code, label in labels.items():
            sheet.append([column, title, code, label, ""])
    sheet.close()


def responses_sheet(workbook: Workbook, rows: Iterator[list], *, fixed: int) -> None:
    """One row per response from a streamed generator whose first row is the header."""
    header = next(rows)
    sheet = Sheet(workbook, "Responses", [(h, 16 if i < fixed else 20) for i, h in enumerate(header)], freeze="C2")
    for row in rows:
        sheet.append(row)
    sheet.close()


def actions_sheet(workbook: Workbook, actions_stmt) -> None:
    sheet = Sheet(workbook, "Actions", [("Action", 10), ("Source", 26), ("Finding or criterion", 50),
                                         ("Action to take", 60), ("Organisation", 34), ("Person responsible", 28),
                                         ("Due date", 12), ("Status", 14), ("Overdue", 10),
                                         ("Latest update", 60), ("Updated", 18)])
    today_ = today()
    rows = db.session.execute(actions_stmt.execution_options(yield_per=YIELD_PER)).all()
    for row in rows:
        action: ActionItem = row.ActionItem
        latest = action.updates[-1] if action.updates else None
        sheet.append([action.id, row.source_label, row.parent_text, action.description, row.organisation_name,
                      action.owner_name, action.due_date, action.status.label,
                      "Yes" if is_overdue(action, today_) else "No",
                      latest.note if latest else "", latest.created_at if latest else None])
    sheet.close()


def _actions_statement(*, finding_parent, return_answer_ids=None, organisation_id=None):
    from sqlalchemy.orm import selectinload

    source = sa.case((ActionItem.finding_id.is_not(None), "Finding"), else_="Self-assessment criterion")
    parent_text = sa.func.coalesce(Finding.text, ReturnAnswer.question_key)
    conditions = [ActionItem.finding_id.in_(sa.select(Finding.id).where(finding_parent))]
    if return_answer_ids is not None:
        conditions.append(ActionItem.return_answer_id.in_(return_answer_ids))
    stmt = (sa.select(ActionItem, source.label("source_label"), parent_text.label("parent_text"),
                      Organisation.name.label("organisation_name"))
            .join(Organisation, ActionItem.owner_organisation_id == Organisation.id)
            .outerjoin(Finding, ActionItem.finding_id == Finding.id)
            .outerjoin(ReturnAnswer, ActionItem.return_answer_id == ReturnAnswer.id)
            .where(sa.or_(*conditions))
            .options(selectinload(ActionItem.updates))
            .order_by(ActionItem.due_date, ActionItem.id))
    if organisation_id is not None:
        stmt = stmt.where(ActionItem.owner_organisation_id == organisation_id)
    return stmt


def findings_rows(sheet: Sheet, findings: list[Finding]) -> None:
    if not findings:
        return
    sheet.append([])
    sheet.append([cell(sheet.ws, "Findings", bold=True)])
    for heading, title in FINDING_HEADINGS.items():
        for finding in (f for f in findings if f.heading == heading):
            sheet.append([title, cell(sheet.ws, finding.text, wrap=True)])


# --- rounds --------------------------------------------------------------------------------------------------

def round_response_rows(round_id: int, catalogue: Catalogue, *, organisation_id: int | None = None) -> Iterator[list]:
    """Header, then one row per submitted response: case details, then one column per question key (codes).

    Takes plain values, never ORM instances: a CSV download runs this generator after the request's session has
    ended (app.findings.routes._csv_response), where a loaded instance is detached and cannot be read."""
    questions = catalogue.ordered
    columns: list[tuple[str, str]] = []
    for q in questions:
        columns.append((q.key, "value"))
        if q.comment:
            columns.append((q.key, "comment"))
    yield (["Response", "Case reference", "Agency", "Case area", "Age band", "Gender", "Ethnic group", "Submitted"]
           + [key if part == "value" else f"{key}__comment" for key, part in columns])
    # Responses and their answers are read as two streams in response order and merged: one joined statement
    # repeated each response's case details, agency and timestamp on every one of its answers. The responses are
    # chosen first; the answers stream is not filtered by state, so a response submitted or returned between the
    # two statements (PostgreSQL reads each at its own moment) is either left out whole or kept whole.
    conditions = [AuditCase.round_id == round_id]
    if organisation_id is not None:
        conditions.append(Assignment.organisation_id == organisation_id)
    responses = (sa.select(CaseResponse.id, AuditCase.reference, Organisation.name, AuditCase.area,
                           AuditCase.age_band, AuditCase.gender, AuditCase.ethnicity, CaseResponse.submitted_at)
                 .join(Assignment, CaseResponse.assignment_id == Assignment.id)
                 .join(AuditCase, Assignment.case_id == AuditCase.id)
                 .join(Organisation, Assignment.organisation_id == Organisation.id)
                 .where(*conditions, CaseResponse.state == ResponseState.submitted).order_by(CaseResponse.id))
    answers = (sa.select(CaseAnswer.response_id, CaseAnswer.question_key, CaseAnswer.value, CaseAnswer.comment)
               .join(CaseResponse, CaseAnswer.response_id == CaseResponse.id)
               .join(Assignment, CaseResponse.assignment_id == Assignment.id)
               .join(AuditCase, Assignment.case_id == AuditCase.id)
               .where(*conditions).order_by(CaseAnswer.response_id))
    # Where each stored key's value and comment go in the row (every earlier name of a question included).
    position = {column: index for index, column in enumerate(columns, start=8)}
    value_at = {stored: position[(key, "value")] for stored, key in catalogue.key_rows()}
    kind_of = {stored: catalogue.questions[key].kind for stored, key in catalogue.key_rows()}
    comment_at = {stored: position[(key, "comment")] for stored, key in catalogue.key_rows()
                  if (key, "comment") in position}
    blank = [None] * len(columns)
    listed = stream(responses)
    by_response = groupby(stream(answers), key=itemgetter(0))
    group = next(by_response, None)
    for response in listed:
        row = [*response, *blank]
        while group is not None and group[0] < response[0]:  # answers of a response not listed (not submitted)
            group = next(by_response, None)
        if group is not None and group[0] == response[0]:
            for _, stored_key, value, comment in group[1]:
                index = value_at.get(stored_key)
                if index is not None:
                    row[index] = stored_code(kind_of[stored_key], value)
                    if stored_key in comment_at:
                        row[comment_at[stored_key]] = comment
            group = next(by_response, None)
        yield row


def round_workbook(audit_round, out: IO[bytes], *, organisation_id: int | None = None) -> None:
    figures = round_figures(audit_round)
    if organisation_id is not None:
        figures = own_view(figures, organisation_id)
    catalogue = round_catalogue(audit_round)
    workbook = Workbook(write_only=True)
    own = organisation_id is not None
    partly = catalogue.has_partial   # the partly band has its own columns only where a scale has one

    summary = Sheet(workbook, "Summary", [("Figure", 48), ("Value", 60), ("", 16), ("", 16), ("", 16), ("", 16),
                                          ("", 16), ("", 16)], autofilter=False)
    s = figures["summary"]
    for label, value in (("Round", figures["title"]), ("Instrument", figures["instrument_title"]),
                         ("Figures as at", figures["generated_at"]), ("Cases in the round", s["cases"]),
                         ("Cases audited", s["cases_audited"]), ("Agencies", s["agencies"]),
                         ("Responses expected", s["assigned"]), ("Responses submitted", s["submitted"]),
                         ("Criteria answered (excluding not applicable)", s["scored"]),
                         ("Criteria meeting the standard", s["met"]),
                         *((("Criteria partly meeting the standard", s["partly"]),
                            ("Criteria not meeting the standard", s["not_met"]),
                            ("A partly answer counts as", f"{catalogue.partial_weight:g} of an answer meeting the "
                                                          "standard")) if partly else ()),
                         ("% of criteria meeting the standard", s["pct"]),
                         ("Cases with an agreed grade", s["moderated_cases"])):
        summary.append([label, value])
    summary.append([])
    summary.append([cell(summary.ws, "Agreed overall grade", bold=True), cell(summary.ws, "Cases", bold=True)])
    for grade in figures["agreed"]["grades"]:
        summary.append([grade["label"], grade["count"]])
    if not own:
        summary.append([])
        summary.append([cell(summary.ws, h, bold=True) for h in ("Agency", "Responses expected", "Responses submitted",
                                                                  "Criteria answered", "Meeting the standard",
                                                                  "% meeting the standard")])
        for a in figures["agencies"]:
            summary.append([a["name"], a["assigned"], a["submitted"], a["scored"], a["met"], a["pct"]])
        for table in figures["breakdowns"].values():
            summary.append([])
            summary.append([cell(summary.ws, h, bold=True) for h in
                            [table["title"]] + [c["label"] for c in table["columns"]]
                            + ["All cases", "% meeting the standard"]])
            for row in table["rows"]:
                summary.append([row["label"], *row["cells"], row["total"], row["pct"]])
            summary.append(["Total", *table["totals"]["cells"], table["totals"]["total"], table["totals"]["pct"]])
        summary.append([])
        summary.append([cell(summary.ws, "Proposed", bold=True), cell(summary.ws, "Theme", bold=True),
                        cell(summary.ws, "% meeting the standard", bold=True)])
        for kind, title in (("strengths", "Strength"), ("improvements", "Area for improvement")):
            for p in figures["proposals"][kind]:
                summary.append([title, p["title"], p["pct"]])
    findings_rows(summary, queries.findings_for(round_id=audit_round.id))
    summary.close()

    theme_columns = [("Theme key", 30), ("Theme", 40), ("Criteria answered", 12), ("Meeting the standard", 12),
                     *([("Partly meeting", 12)] if partly else []), ("% meeting the standard", 12)]
    if own:
        theme_columns += [("Your organisation: answered", 12), ("Your organisation: meeting", 12),
                          ("Your organisation: %", 12)]
    else:
        theme_columns += [(f"{a['name']} %", 14) for a in figures["agencies"]]
    themes = Sheet(workbook, "Themes", theme_columns)
    for t in figures["themes"]:
        row = [t["key"], t["title"], t["scored"], t["met"], *([t["partly"]] if partly else []), t["pct"]]
        if own:
            mine = t.get("own") or {}
            row += [mine.get("scored"), mine.get("met"), mine.get("pct")]
        else:
            row += [(t["by_org"].get(str(a["id"])) or {}).get("pct") for a in figures["agencies"]]
        themes.append(row)
    themes.close()

    questions = Sheet(workbook, "Questions", [("Question key", 30), ("Section", 28), ("Question", 60),
                                              ("Code", 22), ("Rating", 30), ("RAG", 8), ("Answers", 10),
                                              ("% of answers", 10), ("Question answers", 10),
                                              ("Criteria answered", 10), ("Meeting the standard", 10),
                                              *([("Partly meeting", 10)] if partly else []),
                                              ("% meeting the standard", 10)])
    for q in figures["questions"]:
        for option in q["options"]:
            count = q["counts"].get(option["value"], 0)
            share = round(100.0 * count / q["answered"], 1) if q["answered"] and not question_type(q["type"]).is_list else None
            questions.append([q["key"], q["section_title"], q["text"], option["value"], option["label"],
                              rag_cell(questions.ws, option["rag"]), count, share, q["answered"],
                              q["scored"], q["met"], *([q["partly"]] if partly else []), q["pct"]])
    questions.close()

    responses_sheet(workbook, round_response_rows(audit_round.id, catalogue, organisation_id=organisation_id), fixed=8)

    labels_sheet(workbook, catalogue, {"Age band": ("Age band", AGE_BANDS), "Gender": ("Gender", GENDERS),
                                       "Ethnic group": ("Ethnic group", ETHNICITIES)})
    agreed_sheet(workbook, audit_round, catalogue, organisation_id=organisation_id)
    actions_sheet(workbook, _actions_statement(finding_parent=Finding.round_id == audit_round.id,
                                               organisation_id=organisation_id))
    workbook.save(out)


def _agency_keys(audit_round, catalogue: Catalogue) -> set[str]:
    """Current keys of the round's questions about each agency's own work."""
    return {catalogue.canonical(q.key) for q in agency_questions(get_version(audit_round.instrument_version_id).parsed)}


def agreed_sheet(workbook: Workbook, audit_round, catalogue: Catalogue, *, organisation_id: int | None = None) -> None:
    own_work = _agency_keys(audit_round, catalogue)
    scored = [q for q in catalogue.ordered if q.scored and not q.overall and q.key not in own_work]
    overall = next((q for q in catalogue.ordered if q.overall), None)
    sheet = Sheet(workbook, "Agreed", [("Case reference", 16), ("Agreed grade code", 20), ("Agreed grade", 24),
                                       ("Agreed on", 18), ("Strengths", 50), ("Areas for improvement", 50),
                                       ("Learning", 50)] + [(q.key, 20) for q in scored], freeze="B2")
    stmt = (sa.select(AuditCase.reference, Moderation.overall_grade, Moderation.moderated_at, Moderation.strengths,
                      Moderation.areas_for_improvement, Moderation.learning, Moderation.id,
                      ModeratedAnswer.question_key, ModeratedAnswer.value)
            .join(AuditCase, Moderation.case_id == AuditCase.id)
            .outerjoin(ModeratedAnswer, sa.and_(ModeratedAnswer.moderation_id == Moderation.id,
                                                ModeratedAnswer.organisation_id.is_(None)))
            .where(AuditCase.round_id == audit_round.id)
            .order_by(AuditCase.reference, Moderation.id))
    if organisation_id is not None:
        stmt = stmt.where(AuditCase.id.in_(sa.select(Assignment.case_id)
                                           .where(Assignment.organisation_id == organisation_id)))
    for _, rows in groupby(stream(stmt), key=lambda r: r.id):
        rows = list(rows)
        first = rows[0]
        values = {catalogue.canonical(r.question_key): r.value for r in rows if r.question_key}
        sheet.append([first.reference, first.overall_grade,
                      overall.option_label(first.overall_grade) if overall and first.overall_grade else "",
                      first.moderated_at, cell(sheet.ws, first.strengths or "", wrap=True),
                      cell(sheet.ws, first.areas_for_improvement or "", wrap=True),
                      cell(sheet.ws, first.learning or "", wrap=True)] + [values.get(q.key) for q in scored])
    sheet.close()
    if own_work:
        agreed_by_agency_sheet(workbook, audit_round, catalogue, own_work, organisation_id=organisation_id)


def agreed_by_agency_sheet(workbook: Workbook, audit_round, catalogue: Catalogue, own_work: set[str], *,
                           organisation_id: int | None = None) -> None:
    """Questions about each agency's own work, agreed per agency: a row per moderated case and agency, with the
    agreed answer (the agency's own unless the panel changed it) and the panel's reason."""
    questions = [q for q in catalogue.ordered if q.key in own_work]
    columns = [("Case reference", 16), ("Agency", 34)]
    for q in questions:
        columns += [(q.key, 20), (f"{q.key}__changed", 12), (f"{q.key}__panel_reason", 40)]
    sheet = Sheet(workbook, "Agreed by agency", columns, freeze="C2")
    stored = [k for k, current in catalogue.key_rows() if current in own_work]
    panel = ModeratedAnswer
    stmt = (sa.select(AuditCase.reference, Organisation.name, Assignment.organisation_id, CaseAnswer.question_key,
                      CaseAnswer.value, panel.value.label("panel_value"), panel.comment)
            .join(CaseResponse, CaseAnswer.response_id == CaseResponse.id)
            .join(Assignment, CaseResponse.assignment_id == Assignment.id)
            .join(Organisation, Assignment.organisation_id == Organisation.id)
            .join(AuditCase, Assignment.case_id == AuditCase.id)
            .join(Moderation, Moderation.case_id == AuditCase.id)
            .outerjoin(panel, sa.and_(panel.moderation_id == Moderation.id, panel.question_key == CaseAnswer.question_key,
                                      panel.organisation_id == Assignment.organisation_id))
            .where(AuditCase.round_id == audit_round.id, CaseResponse.state == ResponseState.submitted,
                   CaseAnswer.question_key.in_(stored), CaseAnswer.value.is_not(None))
            .order_by(AuditCase.reference, Organisation.name, Assignment.organisation_id))
    if organisation_id is not None:
        stmt = stmt.where(Assignment.organisation_id == organisation_id)
    for _, rows in groupby(stream(stmt), key=lambda r: (r.reference, r.organisation_id)):
        rows = list(rows)
        by_key = {catalogue.canonical(r.question_key): r for r in rows}
        line = [rows[0].reference, rows[0].name]
        for q in questions:
            r = by_key.get(q.key)
            agreed = (r.panel_value or r.value) if r else None
            line += [agreed, ("Yes" if r.panel_value is not None and r.panel_value != r.value else "No") if r else None,
                     (r.comment or "") if r else None]
        sheet.append(line)
    sheet.close()


# --- campaigns -----------------------------------------------------------------------------------------------

def _return_answers_statement(campaign_id: int, *, organisation_id=None):
    stmt = (sa.select(Return.id.label("return_id"), Organisation.name, Organisation.org_type, Return.state,
                      Return.submitted_at, ReturnAnswer.question_key, ReturnAnswer.value, ReturnAnswer.rag,
                      Challenge.moderated_rag, Challenge.comment.label("challenge_comment"), ReturnAnswer.evidence,
                      ReturnAnswer.comment, ReturnAnswer.reconfirmed)
            .join(Organisation, Return.organisation_id == Organisation.id)
            .outerjoin(ReturnAnswer, ReturnAnswer.return_id == Return.id)
            .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
            .where(Return.campaign_id == campaign_id, Return.state.in_(queries.COUNTED_RETURN_STATES))
            .order_by(Organisation.name, Return.id))
    if organisation_id is not None:
        stmt = stmt.where(Return.organisation_id == organisation_id)
    return stmt


def campaign_response_rows(campaign_id: int, catalogue: Catalogue, *,
                           organisation_id: int | None = None) -> Iterator[list]:
    """Header, then one row per counted return. Plain values only, as round_response_rows."""
    questions = catalogue.ordered
    yield ["Return", "Organisation", "Organisation type", "State", "Submitted"] + [q.key for q in questions]
    for _, answers in groupby(stream(_return_answers_statement(campaign_id, organisation_id=organisation_id)),
                              key=lambda r: r.return_id):
        answers = list(answers)
        first = answers[0]
        values = {key: stored_code(catalogue.questions[key].kind if key in catalogue.questions else None, a.value)
                  for a in answers if a.question_key for key in (catalogue.canonical(a.question_key),)}
        yield ([first.return_id, first.name, first.org_type, first.state.value, first.submitted_at]
               + [values.get(q.key) for q in questions])


def campaign_workbook(campaign, out: IO[bytes], *, organisation_id: int | None = None) -> None:
    figures = campaign_figures(campaign)
    if organisation_id is not None:
        figures = own_view(figures, organisation_id)
    own = organisation_id is not None
    catalogue = campaign_catalogue(campaign)
    workbook = Workbook(write_only=True)

    summary = Sheet(workbook, "Summary", [("Figure", 48), ("Value", 40), ("", 16), ("", 16), ("", 16), ("", 16)],
                    autofilter=False)
    s = figures["summary"]
    for label, value in (("Campaign", figures["title"]), ("Cycle", figures["cycle"]),
                         ("Instrument", figures["instrument_title"]), ("Figures as at", figures["generated_at"]),
                         ("Organisations invited", s["invited"]), ("Returns received", s["received"]),
                         ("% of returns received", s["pct_received"])):
        summary.append([label, value])
    for state, n in sorted(s["by_state"].items()):
        summary.append([f"Returns {state.replace('_', ' ')}", n])
    if not own:
        summary.append([])
        summary.append([cell(summary.ws, h, bold=True) for h in ("Organisation type", "Invited", "Returns received",
                                                                  "% self-assessed Green", "% agreed Green")])
        for t in figures["org_types"]:
            summary.append([t["label"], t["invited"], t["received"], t["self"]["pct_green"],
                            t["moderated"]["pct_green"]])
        survey = figures.get("survey")
        if survey:
            summary.append([])
            summary.append([cell(summary.ws, "Practitioner survey", bold=True)])
            summary.append([f"Responses (organisations with at least {survey['min_cell_size']})",
                            survey["responses_shown"]])
            summary.append([f"Organisations with at least {survey['min_cell_size']} responses",
                            survey["organisations_counted"]])
            summary.append(["Organisations with closed surveys and results shown", survey["organisations_shown"]])
            for t in survey["themes"]:
                summary.append([f"Practitioners agreeing: {t['title']}", t["pct"]])
        coverage = figures.get("statements")
        if coverage:
            summary.append([])
            summary.append([cell(summary.ws, "Child Safeguarding Statements", bold=True)])
            for key, value in coverage_items(coverage):
                summary.append([key, value])
    findings_rows(summary, queries.findings_for(campaign_id=campaign.id))
    summary.close()

    themes = Sheet(workbook, "Themes", [("Theme key", 30), ("Theme", 40)]
                   + [(f"Self-assessed {RAG_LABELS[r]}", 12) for r in RAGS]
                   + [(f"Agreed {RAG_LABELS[r]}", 12) for r in RAGS]
                   + [("% self-assessed Green", 12), ("% agreed Green", 12)])
    for t in figures["themes"]:
        themes.append([t["key"], t["title"]] + [t["self"][r] for r in RAGS] + [t["moderated"][r] for r in RAGS]
                      + [t["self"]["pct_green"], t["moderated"]["pct_green"]])
    themes.close()

    questions = Sheet(workbook, "Questions", [("Criterion key", 34), ("Standard", 40), ("Criterion", 60)]
                      + [(f"Self-assessed {RAG_LABELS[r]}", 12) for r in RAGS]
                      + [(f"Agreed {RAG_LABELS[r]}", 12) for r in RAGS]
                      + [("% self-assessed Green", 12), ("% agreed Green", 12)])
    standards = {st["key"]: st["title"] for st in figures["standards"]}
    for c in figures["criteria"]:
        questions.append([c["key"], standards.get(c["section"], c["section"]), c["text"]]
                         + [c["self"][r] for r in RAGS] + [c["moderated"][r] for r in RAGS]
                         + [c["self"]["pct_green"], c["moderated"]["pct_green"]])
    questions.close()

    responses_sheet(workbook, campaign_response_rows(campaign.id, catalogue, organisation_id=organisation_id),
                    fixed=5)

    labels_sheet(workbook, catalogue, {"Organisation type": ("Organisation type", ORG_TYPE_LABELS)})

    agreed = Sheet(workbook, "Agreed", [("Organisation", 34), ("Criterion key", 34), ("Self-assessed", 14),
                                        ("Agreed", 14), ("Challenge", 60)])
    returns = Sheet(workbook, "Returns", [("Organisation", 34), ("Organisation type", 22), ("State", 12),
                                          ("Standard", 40), ("Criterion key", 34), ("Criterion", 60),
                                          ("Self-assessed", 14), ("Agreed", 14), ("Evidence", 70), ("Comment", 40),
                                          ("Re-confirmed", 12)], freeze="B2")
    # Both sheets read the same ordered stream; the Agreed rows are few, so they are kept until it ends.
    challenged = []
    for row in stream(_return_answers_statement(campaign.id, organisation_id=organisation_id)):
        if row.question_key is None:
            continue
        key = catalogue.canonical(row.question_key)
        q = catalogue.questions.get(key)
        agreed_rag = row.moderated_rag or row.rag
        returns.append([row.name, ORG_TYPE_LABELS.get(row.org_type, row.org_type), row.state.value,
                        catalogue.sections.get(q.section_key, "") if q else "", key, q.text if q else "",
                        rag_cell(returns.ws, row.rag), rag_cell(returns.ws, agreed_rag),
                        row.evidence, row.comment,
                        "Yes" if row.reconfirmed else "No"])
        if row.moderated_rag:
            challenged.append((row.name, key, row.rag, row.moderated_rag, row.challenge_comment or ""))
    returns.close()
    for name, key, rag, moderated, comment in challenged:
        agreed.append([name, key, rag_cell(agreed.ws, rag), rag_cell(agreed.ws, moderated), comment])
    agreed.close()

    matrix_standards = figures.get("heatmap", {}).get("standards") or [
        {"key": st["key"], "title": st["title"]} for st in figures["standards"]]
    matrix = Sheet(workbook, "Matrix", [("Organisation", 34)] + [(st["title"], 18) for st in matrix_standards],
                   freeze="B2")
    if own:
        organisation = db.session.get(Organisation, organisation_id)
        matrix.append([organisation.name if organisation else ""]
                      + [rag_cell(matrix.ws, (st.get("own") or {}).get("moderated")) for st in figures["standards"]])
    else:
        for org in figures["heatmap"]["organisations"]:
            cells = figures["heatmap"]["cells"].get(str(org["id"]), {})
            matrix.append([org["name"]] + [rag_cell(matrix.ws, cells.get(st["key"])) for st in matrix_standards])
    matrix.close()

    answer_ids = sa.select(ReturnAnswer.id).join(Return, ReturnAnswer.return_id == Return.id).where(
        Return.campaign_id == campaign.id)
    actions_sheet(workbook, _actions_statement(finding_parent=Finding.campaign_id == campaign.id,
                                               return_answer_ids=answer_ids, organisation_id=organisation_id))
    workbook.save(out)


def coverage_items(coverage: dict) -> list[tuple[str, int]]:
    return [("Organisations", coverage["total"])] + [(s["label"], s["count"]) for s in coverage["statuses"]]


# --- CSV -----------------------------------------------------------------------------------------------------

def csv_lines(rows: Iterator[list]) -> Iterator[str]:
    """CSV text, a row at a time; text a spreadsheet could run as a formula is neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else csv_safe(clean(v)) if isinstance(v, str)
                         else v.isoformat() if isinstance(v, (date, datetime)) else v for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
