"""The agreed-grades sheets of a round's workbook: the answers the moderation panel agreed per case, and, for
instruments with questions about each agency, the answer agreed for each agency."""

from __future__ import annotations

from itertools import groupby

import sqlalchemy as sa
from openpyxl import Workbook

from app.accounts.models import Organisation
from app.audits.models import (
    Assignment,
    AuditCase,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    ResponseState,
)
from app.audits.queries import agency_questions
from app.findings.export.cells import Sheet, cell, stream
from app.questionnaire import Catalogue, get_version


def _agency_keys(audit_round, catalogue: Catalogue) -> set[str]:
    """Current keys of the round's questions about each agency's own work."""
    return {catalogue.canonical(q.key) for q in agency_questions(get_version(audit_round.instrument_version_id).parsed)}


def agreed_sheet(workbook: Workbook, audit_round, catalogue: Catalogue, *, organisation_id: int | None = None) -> None:
    own_work = _agency_keys(audit_round, catalogue)
    scored = [q for q in catalogue.ordered if q.scored and not q.overall and q.key not in own_work]
    overall = next((q for q in catalogue.ordered if q.overall), None)
    sheet = Sheet(
        workbook,
        "Agreed",
        [
            ("Case reference", 16),
            ("Agreed grade code", 20),
            ("Agreed grade", 24),
            ("Agreed on", 18),
            ("Strengths", 50),
            ("Areas for improvement", 50),
            ("Learning", 50),
        ]
        + [(q.key, 20) for q in scored],
        freeze="B2",
    )
    stmt = (
        sa.select(
            AuditCase.reference,
            Moderation.overall_grade,
            Moderation.moderated_at,
            Moderation.strengths,
            Moderation.areas_for_improvement,
            Moderation.learning,
            Moderation.id,
            ModeratedAnswer.question_key,
            ModeratedAnswer.value,
        )
        .join(AuditCase, Moderation.case_id == AuditCase.id)
        .outerjoin(
            ModeratedAnswer,
            sa.and_(ModeratedAnswer.moderation_id == Moderation.id, ModeratedAnswer.organisation_id.is_(None)),
        )
        .where(AuditCase.round_id == audit_round.id)
        .order_by(AuditCase.reference, Moderation.id)
    )
    if organisation_id is not None:
        stmt = stmt.where(
            AuditCase.id.in_(sa.select(Assignment.case_id).where(Assignment.organisation_id == organisation_id))
        )
    for _, rows in groupby(stream(stmt), key=lambda r: r.id):
        rows = list(rows)
        first = rows[0]
        values = {catalogue.canonical(r.question_key): r.value for r in rows if r.question_key}
        sheet.append(
            [
                first.reference,
                first.overall_grade,
                overall.option_label(first.overall_grade) if overall and first.overall_grade else "",
                first.moderated_at,
                cell(sheet.ws, first.strengths or "", wrap=True),
                cell(sheet.ws, first.areas_for_improvement or "", wrap=True),
                cell(sheet.ws, first.learning or "", wrap=True),
            ]
            + [values.get(q.key) for q in scored]
        )
    sheet.close()
    if own_work:
        agreed_by_agency_sheet(workbook, audit_round, catalogue, own_work, organisation_id=organisation_id)


def agreed_by_agency_sheet(
    workbook: Workbook, audit_round, catalogue: Catalogue, own_work: set[str], *, organisation_id: int | None = None
) -> None:
    """Questions about each agency's own work, agreed per agency: a row per moderated case and agency, with the
    agreed answer (the agency's own unless the panel changed it) and the panel's reason."""
    questions = [q for q in catalogue.ordered if q.key in own_work]
    columns = [("Case reference", 16), ("Agency", 34)]
    for q in questions:
        columns += [(q.key, 20), (f"{q.key}__changed", 12), (f"{q.key}__panel_reason", 40)]
    sheet = Sheet(workbook, "Agreed by agency", columns, freeze="C2")
    stored = [k for k, current in catalogue.key_rows() if current in own_work]
    panel = ModeratedAnswer
    stmt = (
        sa.select(
            AuditCase.reference,
            Organisation.name,
            Assignment.organisation_id,
            CaseAnswer.question_key,
            CaseAnswer.value,
            panel.value.label("panel_value"),
            panel.comment,
        )
        .join(CaseResponse, CaseAnswer.response_id == CaseResponse.id)
        .join(Assignment, CaseResponse.assignment_id == Assignment.id)
        .join(Organisation, Assignment.organisation_id == Organisation.id)
        .join(AuditCase, Assignment.case_id == AuditCase.id)
        .join(Moderation, Moderation.case_id == AuditCase.id)
        .outerjoin(
            panel,
            sa.and_(
                panel.moderation_id == Moderation.id,
                panel.question_key == CaseAnswer.question_key,
                panel.organisation_id == Assignment.organisation_id,
            ),
        )
        .where(
            AuditCase.round_id == audit_round.id,
            CaseResponse.state == ResponseState.submitted,
            CaseAnswer.question_key.in_(stored),
            CaseAnswer.value.is_not(None),
        )
        .order_by(AuditCase.reference, Organisation.name, Assignment.organisation_id)
    )
    if organisation_id is not None:
        stmt = stmt.where(Assignment.organisation_id == organisation_id)
    for _, rows in groupby(stream(stmt), key=lambda r: (r.reference, r.organisation_id)):
        rows = list(rows)
        by_key = {catalogue.canonical(r.question_key): r for r in rows}
        line = [rows[0].reference, rows[0].name]
        for q in questions:
            r = by_key.get(q.key)
            agreed = (r.panel_value or r.value) if r else None
            line += [
                agreed,
                ("Yes" if r.panel_value is not None and r.panel_value != r.value else "No") if r else None,
                (r.comment or "") if r else None,
            ]
        sheet.append(line)
    sheet.close()
