"""The workbook of a self-assessment campaign: summary, themes, criteria, returns, agreed ratings and matrix."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import IO

import sqlalchemy as sa
from openpyxl import Workbook

from app.accounts.models import ORG_TYPE_LABELS, Organisation
from app.extensions import db
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
    RAG_LABELS,
    area_organisations,
    RAGS,
    campaign_catalogue,
    campaign_figures,
    own_view,
)
from app.findings.models import Finding
from app.questionnaire import Catalogue
from app.selfassessment.models import Challenge, Return, ReturnAnswer

# --- campaigns -----------------------------------------------------------------------------------------------


def _return_answers_statement(campaign_id: int, *, organisation_id=None, organisation_ids=None):
    stmt = (
        sa.select(
            Return.id.label("return_id"),
            Organisation.name,
            Organisation.org_type,
            Return.state,
            Return.submitted_at,
            ReturnAnswer.question_key,
            ReturnAnswer.value,
            ReturnAnswer.rag,
            Challenge.moderated_rag,
            Challenge.comment.label("challenge_comment"),
            ReturnAnswer.evidence,
            ReturnAnswer.comment,
            ReturnAnswer.reconfirmed,
        )
        .join(Organisation, Return.organisation_id == Organisation.id)
        .outerjoin(ReturnAnswer, ReturnAnswer.return_id == Return.id)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .where(Return.campaign_id == campaign_id, Return.state.in_(queries.COUNTED_RETURN_STATES))
        .order_by(Organisation.name, Return.id)
    )
    if organisation_id is not None:
        stmt = stmt.where(Return.organisation_id == organisation_id)
    if organisation_ids is not None:
        stmt = stmt.where(Return.organisation_id.in_(list(organisation_ids)))
    return stmt


def campaign_response_rows(
    campaign_id: int, catalogue: Catalogue, *, organisation_id: int | None = None, area: str | None = None
) -> Iterator[list]:
    """Header, then one row per counted return (of the organisations of `area` only, when given). Plain values
    only, as round_response_rows."""
    organisation_ids = area_organisations(campaign_id, area) if area is not None else None
    questions = catalogue.ordered
    yield ["Return", "Organisation", "Organisation type", "State", "Submitted"] + [q.key for q in questions]
    for _, answers in groupby(
        stream(
            _return_answers_statement(campaign_id, organisation_id=organisation_id, organisation_ids=organisation_ids)
        ),
        key=lambda r: r.return_id,
    ):
        answers = list(answers)
        first = answers[0]
        values = {
            key: stored_code(catalogue.questions[key].kind if key in catalogue.questions else None, a.value)
            for a in answers
            if a.question_key
            for key in (catalogue.canonical(a.question_key),)
        }
        yield (
            [first.return_id, first.name, first.org_type, first.state.value, first.submitted_at]
            + [values.get(q.key) for q in questions]
        )


def campaign_workbook(campaign, out: IO[bytes], *, organisation_id: int | None = None, area: str | None = None) -> None:
    """The campaign's workbook; with `area`, of the organisations reporting to that area only, with the page's
    suppressed area figures (app.findings.figures.areas)."""
    figures = campaign_figures(campaign, area=area)
    organisation_ids = area_organisations(campaign.id, area) if area is not None else None
    if organisation_id is not None:
        figures = own_view(figures, organisation_id)
    own = organisation_id is not None
    catalogue = campaign_catalogue(campaign)
    workbook = Workbook(write_only=True)

    summary = Sheet(
        workbook, "Summary", [("Figure", 48), ("Value", 40), ("", 16), ("", 16), ("", 16), ("", 16)], autofilter=False
    )
    s = figures["summary"]
    for label, value in (
        ("Campaign", figures["title"]),
        ("Cycle", figures["cycle"]),
        ("Instrument", figures["instrument_title"]),
        ("Figures as at", figures["generated_at"]),
        *((("Area", area),) if area is not None else ()),
        ("Organisations invited", s["invited"]),
        ("Returns received", s["received"]),
        ("% of returns received", s["pct_received"]),
    ):
        summary.append([label, value])
    for state, n in sorted(s["by_state"].items()):
        summary.append([f"Returns {state.replace('_', ' ')}", n])
    if area is not None:
        summary.append(["Returns not received", s["not_received"]])
    if not own:
        summary.append([])
        summary.append(
            [
                cell(summary.ws, h, bold=True)
                for h in ("Organisation type", "Invited", "Returns received", "% self-assessed Green", "% agreed Green")
            ]
        )
        for t in figures["org_types"]:
            summary.append(
                [t["label"], t["invited"], t["received"], t["self"]["pct_green"], t["moderated"]["pct_green"]]
            )
        survey = figures.get("survey")
        if survey:
            summary.append([])
            summary.append([cell(summary.ws, "Practitioner survey", bold=True)])
            summary.append(
                [f"Responses (organisations with at least {survey['min_cell_size']})", survey["responses_shown"]]
            )
            summary.append(
                [f"Organisations with at least {survey['min_cell_size']} responses", survey["organisations_counted"]]
            )
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

    themes = Sheet(
        workbook,
        "Themes",
        [("Theme key", 30), ("Theme", 40)]
        + [(f"Self-assessed {RAG_LABELS[r]}", 12) for r in RAGS]
        + [(f"Agreed {RAG_LABELS[r]}", 12) for r in RAGS]
        + [("% self-assessed Green", 12), ("% agreed Green", 12)],
    )
    for t in figures["themes"]:
        themes.append(
            [t["key"], t["title"]]
            + [t["self"][r] for r in RAGS]
            + [t["moderated"][r] for r in RAGS]
            + [t["self"]["pct_green"], t["moderated"]["pct_green"]]
        )
    themes.close()

    questions = Sheet(
        workbook,
        "Questions",
        [("Criterion key", 34), ("Standard", 40), ("Criterion", 60)]
        + [(f"Self-assessed {RAG_LABELS[r]}", 12) for r in RAGS]
        + [(f"Agreed {RAG_LABELS[r]}", 12) for r in RAGS]
        + [("% self-assessed Green", 12), ("% agreed Green", 12)],
    )
    standards = {st["key"]: st["title"] for st in figures["standards"]}
    for c in figures["criteria"]:
        questions.append(
            [c["key"], standards.get(c["section"], c["section"]), c["text"]]
            + [c["self"][r] for r in RAGS]
            + [c["moderated"][r] for r in RAGS]
            + [c["self"]["pct_green"], c["moderated"]["pct_green"]]
        )
    questions.close()

    responses_sheet(
        workbook, campaign_response_rows(campaign.id, catalogue, organisation_id=organisation_id, area=area), fixed=5
    )

    labels_sheet(workbook, catalogue, {"Organisation type": ("Organisation type", ORG_TYPE_LABELS)})

    agreed = Sheet(
        workbook,
        "Agreed",
        [("Organisation", 34), ("Criterion key", 34), ("Self-assessed", 14), ("Agreed", 14), ("Challenge", 60)],
    )
    returns = Sheet(
        workbook,
        "Returns",
        [
            ("Organisation", 34),
            ("Organisation type", 22),
            ("State", 12),
            ("Standard", 40),
            ("Criterion key", 34),
            ("Criterion", 60),
            ("Self-assessed", 14),
            ("Agreed", 14),
            ("Evidence", 70),
            ("Comment", 40),
            ("Re-confirmed", 12),
        ],
        freeze="B2",
    )
    # Both sheets read the same ordered stream; the Agreed rows are few, so they are kept until it ends.
    challenged = []
    for row in stream(
        _return_answers_statement(campaign.id, organisation_id=organisation_id, organisation_ids=organisation_ids)
    ):
        if row.question_key is None:
            continue
        key = catalogue.canonical(row.question_key)
        q = catalogue.questions.get(key)
        agreed_rag = row.moderated_rag or row.rag
        returns.append(
            [
                row.name,
                ORG_TYPE_LABELS.get(row.org_type, row.org_type),
                row.state.value,
                catalogue.sections.get(q.section_key, "") if q else "",
                key,
                q.text if q else "",
                rag_cell(returns.ws, row.rag),
                rag_cell(returns.ws, agreed_rag),
                row.evidence,
                row.comment,
                "Yes" if row.reconfirmed else "No",
            ]
        )
        if row.moderated_rag:
            challenged.append((row.name, key, row.rag, row.moderated_rag, row.challenge_comment or ""))
    returns.close()
    for name, key, rag, moderated, comment in challenged:
        agreed.append([name, key, rag_cell(agreed.ws, rag), rag_cell(agreed.ws, moderated), comment])
    agreed.close()

    matrix_standards = figures.get("heatmap", {}).get("standards") or [
        {"key": st["key"], "title": st["title"]} for st in figures["standards"]
    ]
    matrix = Sheet(
        workbook, "Matrix", [("Organisation", 34)] + [(st["title"], 18) for st in matrix_standards], freeze="B2"
    )
    if own:
        organisation = db.session.get(Organisation, organisation_id)
        matrix.append(
            [organisation.name if organisation else ""]
            + [rag_cell(matrix.ws, (st.get("own") or {}).get("moderated")) for st in figures["standards"]]
        )
    else:
        for org in figures["heatmap"]["organisations"]:
            cells = figures["heatmap"]["cells"].get(str(org["id"]), {})
            matrix.append([org["name"]] + [rag_cell(matrix.ws, cells.get(st["key"])) for st in matrix_standards])
    matrix.close()

    answer_ids = (
        sa.select(ReturnAnswer.id)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .where(Return.campaign_id == campaign.id)
    )
    if organisation_ids is not None:
        answer_ids = answer_ids.where(Return.organisation_id.in_(organisation_ids))
    actions_sheet(
        workbook,
        _actions_statement(
            finding_parent=Finding.campaign_id == campaign.id,
            return_answer_ids=answer_ids,
            organisation_id=organisation_id,
        ),
    )
    workbook.save(out)


def coverage_items(coverage: dict) -> list[tuple[str, int]]:
    return [("Organisations", coverage["total"])] + [(s["label"], s["count"]) for s in coverage["statuses"]]
