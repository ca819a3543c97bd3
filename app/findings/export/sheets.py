"""Sheets every findings workbook has: labels of coded answers, the responses, the actions and the findings."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from openpyxl import Workbook

from app.accounts.models import Organisation
from app.actions.models import ActionItem
from app.actions.queries import is_overdue
from app.extensions import db
from app.findings.export.cells import YIELD_PER, Sheet, cell
from app.findings.figures import (
    RAG_LABELS,
)
from app.findings.models import FINDING_HEADINGS, Finding
from app.questionnaire import Catalogue
from app.selfassessment.models import ReturnAnswer
from app.utils import today

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
    sheet = Sheet(
        workbook,
        "Actions",
        [
            ("Action", 10),
            ("Source", 26),
            ("Finding or criterion", 50),
            ("Action to take", 60),
            ("Organisation", 34),
            ("Person responsible", 28),
            ("Due date", 12),
            ("Status", 14),
            ("Overdue", 10),
            ("Latest update", 60),
            ("Updated", 18),
        ],
    )
    today_ = today()
    rows = db.session.execute(actions_stmt.execution_options(yield_per=YIELD_PER)).all()
    for row in rows:
        action: ActionItem = row.ActionItem
        latest = action.updates[-1] if action.updates else None
        sheet.append(
            [
                action.id,
                row.source_label,
                row.parent_text,
                action.description,
                row.organisation_name,
                action.owner_name,
                action.due_date,
                action.status.label,
                "Yes" if is_overdue(action, today_) else "No",
                latest.note if latest else "",
                latest.created_at if latest else None,
            ]
        )
    sheet.close()


def _actions_statement(*, finding_parent, return_answer_ids=None, organisation_id=None):
    from sqlalchemy.orm import selectinload

    source = sa.case((ActionItem.finding_id.is_not(None), "Finding"), else_="Self-assessment criterion")
    parent_text = sa.func.coalesce(Finding.text, ReturnAnswer.question_key)
    conditions = [ActionItem.finding_id.in_(sa.select(Finding.id).where(finding_parent))]
    if return_answer_ids is not None:
        conditions.append(ActionItem.return_answer_id.in_(return_answer_ids))
    stmt = (
        sa.select(
            ActionItem,
            source.label("source_label"),
            parent_text.label("parent_text"),
            Organisation.name.label("organisation_name"),
        )
        .join(Organisation, ActionItem.owner_organisation_id == Organisation.id)
        .outerjoin(Finding, ActionItem.finding_id == Finding.id)
        .outerjoin(ReturnAnswer, ActionItem.return_answer_id == ReturnAnswer.id)
        .where(sa.or_(*conditions))
        .options(selectinload(ActionItem.updates))
        .order_by(ActionItem.due_date, ActionItem.id)
    )
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
