"""The charts of a whole findings page, assembled from its figures."""

from __future__ import annotations

from app.findings.charts.base import Chart
from app.findings.charts.campaigns import (
    org_type_chart,
    rag_heatmap,
    rag_side_by_side,
    triangulation_chart,
)
from app.findings.charts.rounds import (
    agreed_vs_self,
    breakdown_chart,
    count_bars,
    own_vs_partnership,
    percent_bars,
    question_distributions,
    standard_distribution,
)

# --- page assemblies -----------------------------------------------------------------------------------------


def _has_partial(questions: list[dict]) -> bool:
    return any(o.get("partial") for q in questions for o in q["options"])


def round_charts(figures: dict, *, own_name: str | None = None) -> dict[str, Chart | None]:
    cfg = figures["settings"]
    charts: dict[str, Chart | None] = {
        "questions": question_distributions("chart-questions", figures["questions"]),
        "agreed_grades": count_bars(
            "chart-agreed-grades",
            [(g["label"], g["count"]) for g in figures["agreed"]["grades"]],
            title="Agreed overall grade of each case",
            label="Grade",
            value_label="Cases",
        ),
        "agreed_vs_self": agreed_vs_self("chart-agreed-questions", figures["agreed"]["questions"]),
    }
    if _has_partial(figures["questions"]):
        charts["themes_standard"] = standard_distribution(
            "chart-themes-standard",
            figures["themes"],
            label="Theme",
            title="Criteria meeting, partly meeting and not meeting the standard, by theme",
        )
        charts["questions_standard"] = standard_distribution(
            "chart-questions-standard",
            [q for q in figures["questions"] if q["scored_question"] and not q["overall"]],
            label="Question",
            label_key="text",
            title="Criteria meeting, partly meeting and not meeting the standard, by question",
        )
    if own_name:
        charts["themes"] = own_vs_partnership(
            "chart-themes", figures["themes"], own_name=own_name, title="Criteria meeting the standard, by theme"
        )
        charts["own_questions"] = own_vs_partnership(
            "chart-own-questions",
            [q for q in figures["questions"] if q["scored_question"] and not q["overall"]],
            own_name=own_name,
            title="Criteria meeting the standard, by question",
        )
        return charts
    charts["themes"] = percent_bars(
        "chart-themes",
        figures["themes"],
        title="Criteria meeting the standard, by theme",
        label="Theme",
        thresholds=(cfg["strength"], cfg["improvement"]),
    )
    charts["agencies"] = percent_bars(
        "chart-agencies",
        figures["agencies"],
        label_key="name",
        label="Agency",
        title="Criteria meeting the standard, by agency",
    )
    for key, table in figures["breakdowns"].items():
        charts[f"breakdown_{key}"] = breakdown_chart(f"chart-breakdown-{key.replace('_', '-')}", table)
    return charts


def campaign_charts(figures: dict, *, own_name: str | None = None) -> dict[str, Chart | None]:
    summary = figures["summary"]
    states = [
        ("Not started", "not_started"),
        ("In progress", "in_progress"),
        ("Submitted", "submitted"),
        ("Returned for changes", "returned"),
        ("Accepted", "accepted"),
    ]
    charts: dict[str, Chart | None] = {
        "standards": rag_side_by_side(
            "chart-standards", figures["standards"], title="Ratings by standard: self-assessed and agreed"
        ),
        "themes": percent_bars(
            "chart-themes",
            figures["themes"],
            title="Criteria agreed Green, by theme",
            label="Theme",
            thresholds=(figures["settings"]["strength"], figures["settings"]["improvement"]),
        ),
    }
    if own_name:
        return charts
    if figures.get("area"):  # an area's returns are counted as received or not, suppressed (figures.areas)
        returned = [("Received", summary["received"]), ("Not received", summary["not_received"])]
        charts["returns"] = count_bars(
            "chart-returns", returned, title="Returns received", label="Returns", value_label="Organisations"
        )
    else:
        charts["returns"] = count_bars(
            "chart-returns",
            [(label, summary["by_state"].get(key, 0)) for label, key in states],
            title="Returns by state",
            label="State",
            value_label="Organisations",
        )
    charts["heatmap"] = rag_heatmap("chart-heatmap", figures["heatmap"])
    charts["org_types"] = org_type_chart("chart-org-types", figures["org_types"])
    if charts["org_types"] and figures.get("suppressed_below"):
        charts["org_types"].caption = (
            f"Counts below {figures['suppressed_below']} are not shown, nor the ratings of a type with fewer than "
            f"{figures['suppressed_below']} returns received, so that no organisation can be identified."
        )
    if figures.get("survey"):
        charts["survey"] = triangulation_chart("chart-survey", figures["survey"])
    if figures.get("statements"):
        charts["statements"] = count_bars(
            "chart-statements",
            [(s["label"], s["count"]) for s in figures["statements"]["statuses"]],
            title="Child Safeguarding Statements of these organisations",
            label="Statement",
            value_label="Organisations",
        )
    return charts
