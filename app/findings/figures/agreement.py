"""How far the agencies of a round agreed with each other: the agreement figures of the audit round page, for
the findings page and the board report, in the shape the reader may see."""

from __future__ import annotations

from app.audits.agreement import MIN_CASES_FOR_ALPHA, too_few_cases
from app.findings.figures.rounds import round_figures


def round_agreement_figures(audit_round, organisation_id: int | None = None, *, figures: dict | None = None) -> dict:
    """Percentage agreement and Krippendorff's alpha between the agencies that rated the same cases, for the round
    and per question, computed as the audit round page computes them (app.audits.queries.agreement) and kept with
    the round's other figures between requests (or in the snapshot taken when its case-level data was purged).

    `few_cases` says alpha rests on fewer than MIN_CASES_FOR_ALPHA cases. For a reader outside partnership staff
    (`organisation_id` set) the drift of each named agency from the agreed ratings is left out: the rest is
    aggregated over every agency. Read-only; anyone who may read the round's findings may have it. `figures`: the
    round's figures (round_figures, or an organisation's view of them), when the caller has them already.
    """
    nothing = {"percent": None, "alpha": None, "units": 0, "pairs": 0, "note": None, "cases": 0}
    kept = (figures if figures is not None else round_figures(audit_round)).get("agreement") or {"overall": nothing}
    overall = kept["overall"]
    cases = overall.get("cases", 0)
    return {
        "percent": overall["percent"],
        "alpha": overall["alpha"],
        "alpha_note": overall["note"],
        "cases": cases,
        "units": overall["units"],
        "pairs": overall["pairs"],
        "few_cases": too_few_cases(cases),
        "min_cases": MIN_CASES_FOR_ALPHA,
        "questions": [dict(q) for q in kept.get("questions", [])],
        "drift": [dict(d) for d in kept.get("drift", [])] if organisation_id is None else [],
        "moderated_cases": kept.get("moderated_cases", 0),
        "kept": audit_round.purged_at is not None,
    }
