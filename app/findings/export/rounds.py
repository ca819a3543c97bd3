"""The workbook of a case audit round: summary and breakdowns, themes, questions, responses, agreed grades."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import IO

import sqlalchemy as sa
from openpyxl import Workbook

from app.accounts.models import Organisation
from app.audits.models import (
    AGE_BANDS,
    ETHNICITIES,
    GENDERS,
    Assignment,
    AuditCase,
    CaseAnswer,
    CaseResponse,
    ResponseState,
)
from app.findings import queries
from app.findings.export.cells import Sheet, cell, rag_cell, stored_code, stream
from app.findings.export.sheets import (
    _actions_statement,
    actions_sheet,
    findings_rows,
    labels_sheet,
    responses_sheet,
)
from app.findings.figures import (
    own_view,
    round_catalogue,
    round_figures,
)
from app.findings.models import Finding
from app.questionnaire import Catalogue, question_type
from app.findings.export.agreed import agreed_sheet

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
    yield (
        ["Response", "Case reference", "Agency", "Case area", "Age band", "Gender", "Ethnic group", "Submitted"]
        + [key if part == "value" else f"{key}__comment" for key, part in columns]
    )
    # Responses and their answers are read as two streams in response order and merged: one joined statement
    # repeated each response's case details, agency and timestamp on every one of its answers. The responses are
    # chosen first; the answers stream is not filtered by state, so a response submitted or returned between the
    # two statements (PostgreSQL reads each at its own moment) is either left out whole or kept whole.
    conditions = [AuditCase.round_id == round_id]
    if organisation_id is not None:
        conditions.append(Assignment.organisation_id == organisation_id)
    responses = (
        sa.select(
            CaseResponse.id,
            AuditCase.reference,
            Organisation.name,
            AuditCase.area,
            AuditCase.age_band,
            AuditCase.gender,
            AuditCase.ethnicity,
            CaseResponse.submitted_at,
        )
        .join(Assignment, CaseResponse.assignment_id == Assignment.id)
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .join(Organisation, Assignment.organisation_id == Organisation.id)
        .where(*conditions, CaseResponse.state == ResponseState.submitted)
        .order_by(CaseResponse.id)
    )
    answers = (
        sa.select(CaseAnswer.response_id, CaseAnswer.question_key, CaseAnswer.value, CaseAnswer.comment)
        .join(CaseResponse, CaseAnswer.response_id == CaseResponse.id)
        .join(Assignment, CaseResponse.assignment_id == Assignment.id)
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .where(*conditions)
        .order_by(CaseAnswer.response_id)
    )
    # Where each stored key's value and comment go in the row (every earlier name of a question included).
    position = {column: index for index, column in enumerate(columns, start=8)}
    value_at = {stored: position[(key, "value")] for stored, key in catalogue.key_rows()}
    kind_of = {stored: catalogue.questions[key].kind for stored, key in catalogue.key_rows()}
    comment_at = {
        stored: position[(key, "comment")] for stored, key in catalogue.key_rows() if (key, "comment") in position
    }
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
    partly = catalogue.has_partial  # the partly band has its own columns only where a scale has one

    summary = Sheet(
        workbook,
        "Summary",
        [("Figure", 48), ("Value", 60), ("", 16), ("", 16), ("", 16), ("", 16), ("", 16), ("", 16)],
        autofilter=False,
    )
    s = figures["summary"]
    for label, value in (
        ("Round", figures["title"]),
        ("Instrument", figures["instrument_title"]),
        ("Figures as at", figures["generated_at"]),
        ("Cases in the round", s["cases"]),
        ("Cases audited", s["cases_audited"]),
        ("Agencies", s["agencies"]),
        ("Responses expected", s["assigned"]),
        ("Responses submitted", s["submitted"]),
        ("Criteria answered (excluding not applicable)", s["scored"]),
        ("Criteria meeting the standard", s["met"]),
        *(
            (
                ("Criteria partly meeting the standard", s["partly"]),
                ("Criteria not meeting the standard", s["not_met"]),
                ("A partly answer counts as", (f"{catalogue.partial_weight:g} of an answer meeting the standard")),
            )
            if partly
            else ()
        ),
        ("% of criteria meeting the standard", s["pct"]),
        ("Cases with an agreed grade", s["moderated_cases"]),
    ):
        summary.append([label, value])
    summary.append([])
    summary.append([cell(summary.ws, "Agreed overall grade", bold=True), cell(summary.ws, "Cases", bold=True)])
    for grade in figures["agreed"]["grades"]:
        summary.append([grade["label"], grade["count"]])
    if not own:
        summary.append([])
        summary.append(
            [
                cell(summary.ws, h, bold=True)
                for h in (
                    "Agency",
                    "Responses expected",
                    "Responses submitted",
                    "Criteria answered",
                    "Meeting the standard",
                    "% meeting the standard",
                )
            ]
        )
        for a in figures["agencies"]:
            summary.append([a["name"], a["assigned"], a["submitted"], a["scored"], a["met"], a["pct"]])
        for table in figures["breakdowns"].values():
            summary.append([])
            summary.append(
                [
                    cell(summary.ws, h, bold=True)
                    for h in [table["title"]]
                    + [c["label"] for c in table["columns"]]
                    + ["All cases", "% meeting the standard"]
                ]
            )
            for row in table["rows"]:
                summary.append([row["label"], *row["cells"], row["total"], row["pct"]])
            summary.append(["Total", *table["totals"]["cells"], table["totals"]["total"], table["totals"]["pct"]])
        summary.append([])
        summary.append(
            [
                cell(summary.ws, "Proposed", bold=True),
                cell(summary.ws, "Theme", bold=True),
                cell(summary.ws, "% meeting the standard", bold=True),
            ]
        )
        for kind, title in (("strengths", "Strength"), ("improvements", "Area for improvement")):
            for p in figures["proposals"][kind]:
                summary.append([title, p["title"], p["pct"]])
    findings_rows(summary, queries.findings_for(round_id=audit_round.id))
    summary.close()

    theme_columns = [
        ("Theme key", 30),
        ("Theme", 40),
        ("Criteria answered", 12),
        ("Meeting the standard", 12),
        *([("Partly meeting", 12)] if partly else []),
        ("% meeting the standard", 12),
    ]
    if own:
        theme_columns += [
            ("Your organisation: answered", 12),
            ("Your organisation: meeting", 12),
            ("Your organisation: %", 12),
        ]
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

    questions = Sheet(
        workbook,
        "Questions",
        [
            ("Question key", 30),
            ("Section", 28),
            ("Question", 60),
            ("Code", 22),
            ("Rating", 30),
            ("RAG", 8),
            ("Answers", 10),
            ("% of answers", 10),
            ("Question answers", 10),
            ("Criteria answered", 10),
            ("Meeting the standard", 10),
            *([("Partly meeting", 10)] if partly else []),
            ("% meeting the standard", 10),
        ],
    )
    for q in figures["questions"]:
        for option in q["options"]:
            count = q["counts"].get(option["value"], 0)
            share = (
                round(100.0 * count / q["answered"], 1)
                if q["answered"] and not question_type(q["type"]).is_list
                else None
            )
            questions.append(
                [
                    q["key"],
                    q["section_title"],
                    q["text"],
                    option["value"],
                    option["label"],
                    rag_cell(questions.ws, option["rag"]),
                    count,
                    share,
                    q["answered"],
                    q["scored"],
                    q["met"],
                    *([q["partly"]] if partly else []),
                    q["pct"],
                ]
            )
    questions.close()

    responses_sheet(workbook, round_response_rows(audit_round.id, catalogue, organisation_id=organisation_id), fixed=8)

    labels_sheet(
        workbook,
        catalogue,
        {
            "Age band": ("Age band", AGE_BANDS),
            "Gender": ("Gender", GENDERS),
            "Ethnic group": ("Ethnic group", ETHNICITIES),
        },
    )
    agreed_sheet(workbook, audit_round, catalogue, organisation_id=organisation_id)
    actions_sheet(
        workbook, _actions_statement(finding_parent=Finding.round_id == audit_round.id, organisation_id=organisation_id)
    )
    workbook.save(out)
