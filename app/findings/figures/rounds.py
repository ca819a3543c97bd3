"""Case audit round figures: everything the round findings page, its charts and its workbook show, including the
suppressed breakdown tables of audited cases by area, age band, gender and ethnic group."""

from __future__ import annotations

from collections import defaultdict

from app.audits.queries import agency_questions, agreement_snapshot
from app.audits.tallies import overall_answer_keys
from app.findings import freshness, queries
from app.findings.figures.tallies import (
    DIMENSIONS,
    HIDDEN,
    NOT_AGREED,
    NOT_RECORDED,
    _finish,
    _tally,
    pct,
    proposals,
    question_rows,
    settings,
    small_label,
    theme_rows,
)
from app.findings.suppression import suppress
from app.questionnaire import (
    Catalogue,
    catalogue_for_version,
    get_version,
)
from app.questionnaire.scoring import weighted_percent
from app.utils import utcnow

# --- suppressed breakdown tables -----------------------------------------------------------------------------


def breakdown_table(
    key: str, title: str, labels: dict | None, counts: dict, tallies: dict, columns: list[dict], min_size: int
) -> dict:
    """Cases by group (rows) × agreed grade (columns) with totals, suppressed; % meeting standard per group."""
    groups = sorted(counts, key=lambda g: (_order(labels, g), g))
    used_columns = [c for c in columns if any(counts[g].get(c["key"], 0) for g in groups)]
    matrix = [[counts[g].get(c["key"], 0) for c in used_columns] for g in groups]
    cells, row_totals, col_totals, grand = suppress(matrix, min_size)
    small = small_label(min_size)

    def show(cell):
        if not cell.suppressed:
            return cell.count
        return small if cell.count < min_size else HIDDEN

    rows = []
    for i, group in enumerate(groups):
        tally = tallies.get(group, {"scored": 0, "met": 0})
        rows.append(
            {
                "key": group,
                "label": _label(labels, group),
                "cells": [show(c) for c in cells[i]],
                "total": show(row_totals[i]),
                "pct": None if row_totals[i].suppressed else pct(tally["met"], tally["scored"]),
            }
        )
    all_scored = sum(t["scored"] for t in tallies.values())
    all_met = sum(t["met"] for t in tallies.values())
    return {
        "key": key,
        "title": title,
        "columns": used_columns,
        "rows": rows,
        "totals": {
            "cells": [show(c) for c in col_totals],
            "total": show(grand),
            "pct": None if grand.suppressed else pct(all_met, all_scored),
        },
        "suppressed": any(c.suppressed for row in cells for c in row) or any(c.suppressed for c in row_totals),
        "min_cell_size": min_size,
    }


def _order(labels: dict | None, group: str) -> int:
    if labels and group in labels:
        return list(labels).index(group)
    return 10_000 if group == NOT_RECORDED else 0


def _label(labels: dict | None, group: str) -> str:
    if group == NOT_RECORDED:
        return "Not recorded"
    return (labels or {}).get(group, group)


# --- case audit rounds ---------------------------------------------------------------------------------------


def round_catalogue(audit_round) -> Catalogue:
    # Through the round's relationship, which holds the version while the round is held: the session keeps
    # objects only while something refers to them, and each later lookup of the version by id would read it again.
    return catalogue_for_version(audit_round.instrument_version)


def round_figures(audit_round) -> dict:
    """Everything the round findings page, its charts and its workbook show; once the round's case-level data
    has been purged, the snapshot taken just before."""
    if audit_round.purged_at is not None and audit_round.figures_snapshot:
        return audit_round.figures_snapshot
    return freshness.stored("round", audit_round.id, lambda: round_snapshot(audit_round))


def round_snapshot(audit_round) -> dict:
    """The round's figures computed from its answers now."""
    cfg = settings()
    catalogue = round_catalogue(audit_round)
    if audit_round.tallied:
        counts = queries.kept_round_tallies(audit_round.id)
        all_cases, per_case = queries.kept_round_cases(audit_round.id)
    else:  # a round from before its answers were kept counted
        answers = queries.round_answers([audit_round.id])
        counts, per_case = queries.round_tallies(answers, exclude_keys=overall_answer_keys(audit_round))
        all_cases = queries.round_cases(audit_round.id)
    questions = question_rows(catalogue, counts)
    themes = theme_rows(catalogue, counts)
    criteria = [q for q in questions if q["scored_question"] and not q["overall"]]
    overall_question = next((q for q in questions if q["overall"]), None)

    agencies = []
    for row in queries.round_progress(audit_round.id):
        org = str(row.organisation_id)
        tally = _tally()
        for q in criteria:
            t = q["by_org"].get(org)
            if t:
                tally["scored"] += t["scored"]
                tally["met"] += t["met"]
                tally["partly"] += t["partly"]
        agencies.append(
            {
                "id": row.organisation_id,
                "name": row.name,
                "org_type": row.org_type,
                "assigned": row.assigned,
                "submitted": row.submitted,
                **_finish(tally, catalogue.partial_weight),
                "themes": {t["key"]: t["by_org"].get(org, _tally())["pct"] for t in themes},
            }
        )

    grade_scale = overall_question["options"] if overall_question else []
    grade_columns = [{"key": o["value"], "label": o["label"]} for o in grade_scale if not o["excluded"]]
    case_rows = [row for row in all_cases if row.audited]
    known = {c["key"] for c in grade_columns}
    grade_columns += [
        {"key": g, "label": g} for g in sorted({r.overall_grade for r in case_rows if r.overall_grade} - known)
    ]
    grade_columns.append({"key": NOT_AGREED, "label": "Not yet agreed"})
    breakdowns = {}
    for dim, (title, labels) in DIMENSIONS.items():
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        tallies: dict[str, dict] = defaultdict(lambda: {"scored": 0, "met": 0})
        for row in case_rows:
            group = getattr(row, dim) or NOT_RECORDED
            counts[group][row.overall_grade or NOT_AGREED] += 1
            case_scored, case_met = per_case.get(row.id, (0, 0))
            tallies[group]["scored"] += case_scored
            tallies[group]["met"] += case_met
        breakdowns[dim] = breakdown_table(dim, title, labels, counts, tallies, grade_columns, cfg["min_cell_size"])

    grades = {c["key"]: 0 for c in grade_columns}
    for row in case_rows:
        grades[row.overall_grade or NOT_AGREED] += 1
    agency_keys = [q.key for q in agency_questions(get_version(audit_round.instrument_version_id).parsed)]
    agreed_questions = question_rows(
        catalogue, queries.agreed_answer_counts(audit_round.id, agency_keys), org_field=None
    )
    self_pct = {q["key"]: q["pct"] for q in questions}
    agreed = {
        "grades": [{"value": c["key"], "label": c["label"], "count": grades.get(c["key"], 0)} for c in grade_columns],
        "moderated_cases": sum(v for k, v in grades.items() if k != NOT_AGREED),
        "questions": [
            {
                **{k: q[k] for k in ("key", "text", "options", "counts", "scored", "met", "pct", "answered")},
                "self_pct": self_pct.get(q["key"]),
            }
            for q in agreed_questions
            if q["scored_question"] and not q["overall"] and q["answered"]
        ],
    }
    all_scored = sum(q["scored"] for q in criteria)
    all_met = sum(q["met"] for q in criteria)
    all_partly = sum(q["partly"] for q in criteria)
    cases_audited = sum(grades.values())
    summary = {
        "cases": len(all_cases) if audit_round.purged_at is None else None,
        "cases_audited": cases_audited,
        "agencies": len(agencies),
        "assigned": sum(a["assigned"] for a in agencies),
        "submitted": sum(a["submitted"] for a in agencies),
        "scored": all_scored,
        "met": all_met,
        "partly": all_partly,
        "not_met": all_scored - all_met - all_partly,
        "pct": weighted_percent(all_met, all_partly, all_scored, catalogue.partial_weight),
        "moderated_cases": agreed["moderated_cases"],
        # how a "Partly" answer counts towards the share meeting the standard; None when no scale has one
        "partial_weight": catalogue.partial_weight if catalogue.has_partial else None,
    }
    return {
        "kind": "round",
        "id": audit_round.id,
        "title": audit_round.title,
        "instrument": catalogue.key,
        "instrument_title": catalogue.title,
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "settings": cfg,
        "summary": summary,
        "questions": questions,
        "themes": themes,
        "agencies": agencies,
        "breakdowns": breakdowns,
        "agreed": agreed,
        "proposals": proposals(themes, cfg),
        # how far the agencies agreed (app.audits.queries.agreement): kept with the rest, as the findings page and
        # the board report show it (figures.round_agreement_figures)
        "agreement": agreement_snapshot(audit_round),
    }
