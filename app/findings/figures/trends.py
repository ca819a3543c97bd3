"""Trends: one instrument over its rounds or campaigns, and one theme across every instrument tagging it."""

from __future__ import annotations


from app.findings import queries
from app.findings.figures.tallies import _tally, question_rows, settings, theme_rows
from app.questionnaire import Catalogue, catalogue_for_key, load_themes
from app.selfassessment import queries as sa_queries

# --- trends --------------------------------------------------------------------------------------------------


def trend_figures(key: str, *, participant_only: bool = False, organisation_id: int | None = None) -> dict | None:
    """The same instrument key over its rounds or campaigns, per question and theme (partnership figures).

    participant_only: leave out rounds still open for audit (what auditors and organisation leads may see).
    organisation_id: only the rounds and campaigns this organisation took part in (app.findings.access.trend_scope).
    """
    catalogue = catalogue_for_key(key)
    if catalogue is None:
        return None
    if catalogue.kind == "case_audit":
        states = queries.PARTICIPANT_ROUND_STATES if participant_only else queries.REPORTED_ROUND_STATES
        periods = [
            {"id": r.id, "label": r.title, "date": r.period_start.isoformat(), "kind": "round"}
            for r in queries.rounds_for_key(key, states=states, organisation_id=organisation_id)
        ]
        answers = queries.round_answers([p["id"] for p in periods])
        period_field = "round_id"
    elif catalogue.kind == "self_assessment":
        periods = [
            {"id": c.id, "label": f"{c.title} ({c.cycle})", "date": c.cycle, "kind": "campaign"}
            for c in queries.campaigns_for_key(key, organisation_id=organisation_id)
            if c.state.value != "draft"
        ]
        answers = queries.campaign_answers([p["id"] for p in periods])
        period_field = "campaign_id"
    elif catalogue.kind == "survey" and participant_only:
        # Organisations see each campaign's partnership results only as frozen (and noised) when it closed.
        frozen = {c.id: (c, sa_queries.partnership_survey_snapshot(c.id)) for c in queries.campaigns_with_survey(key)}
        frozen = {cid: pair for cid, pair in frozen.items() if pair[1] is not None}
        periods = [
            {"id": c.id, "label": f"{c.title} ({c.cycle})", "date": c.cycle, "kind": "campaign"}
            for c, _ in frozen.values()
        ]
        answers, period_field = None, "campaign_id"
    elif catalogue.kind == "survey":
        periods = [
            {"id": c.id, "label": f"{c.title} ({c.cycle})", "date": c.cycle, "kind": "campaign"}
            for c in queries.campaigns_with_survey(key, organisation_id=organisation_id)
        ]
        answers = queries.survey_answers([p["id"] for p in periods], min_responses=settings()["min_cell_size"])
        period_field = "campaign_id"
    else:
        return None
    if answers is None:
        counts = _snapshot_counts(catalogue, {cid: figures for cid, (_, figures) in frozen.items()})
    else:
        counts = queries.answer_counts(answers, period_field) if periods else []
    by_period = {q["key"]: q for q in question_rows(catalogue, counts, org_field=period_field)}
    questions = [
        {"key": q.key, "text": q.text, "periods": by_period[q.key]["by_org"] if q.key in by_period else {}}
        for q in catalogue.scored_questions
    ]
    themes = [
        {"key": t["key"], "title": t["title"], "periods": t["by_org"]}
        for t in theme_rows(catalogue, counts, org_field=period_field)
    ]
    return {
        "key": key,
        "title": catalogue.title,
        "kind": catalogue.kind,
        "periods": periods,
        "renamed": catalogue.renamed,
        "questions": questions,
        "themes": themes,
        "partial_weight": catalogue.partial_weight if catalogue.has_partial else None,
    }


def _snapshot_counts(catalogue: Catalogue, snapshots: dict[int, dict]) -> list[tuple]:
    """Rows like queries.answer_counts's, per campaign: (campaign_id, question_key, value, answers, scored, met,
    excluded), from the option counts shown in its frozen partnership snapshot (those shown as "fewer" are left
    out)."""
    rows = []
    for campaign_id, figures in snapshots.items():
        for key, statement in figures["statements"].items():
            question = catalogue.questions.get(catalogue.canonical(key))
            if question is None or statement["status"] != "shown":
                continue
            for option in question.options:
                n = statement["options"].get(option.value)
                if not isinstance(n, int):
                    continue
                scored_option = option.meets_standard is not None and not option.excluded
                rows.append(
                    (
                        campaign_id,
                        key,
                        option.value,
                        n,
                        n if scored_option else 0,
                        n if option.meets_standard else 0,
                        n if option.excluded else 0,
                    )
                )
    return rows


# --- cross-instrument themes ---------------------------------------------------------------------------------


def theme_description(theme: str) -> str | None:
    try:
        found = load_themes().get(theme)
    except Exception:  # noqa: BLE001 - the page still works from theme keys if the themes file cannot be read
        return None
    return found.description if found else None


def theme_figures(theme: str, *, participant_only: bool = False, organisation_id: int | None = None) -> dict:
    """Every question tagged with the theme, in every instrument, with its latest figures and links (over the
    periods trend_figures gives for the same arguments)."""
    sources = []
    for kind, models in queries.instruments_by_kind().items():
        if kind == "statement":
            continue
        for model in models:
            catalogue = catalogue_for_key(model.key)
            if catalogue is None:
                continue
            tagged = [q for q in catalogue.ordered if theme in q.themes]
            if not tagged:
                continue
            trend = trend_figures(model.key, participant_only=participant_only, organisation_id=organisation_id) or {
                "periods": [],
                "questions": [],
                "themes": [],
            }
            period = trend["periods"][-1] if trend["periods"] else None
            by_question = {q["key"]: q for q in trend["questions"]}
            theme_entry = next((t for t in trend["themes"] if t["key"] == theme), None)
            rows = []
            for q in tagged:
                tally = by_question.get(q.key, {}).get("periods", {}).get(str(period["id"])) if period else None
                rows.append(
                    {
                        "key": q.key,
                        "text": q.text,
                        "scored": tally["scored"] if tally else 0,
                        "met": tally["met"] if tally else 0,
                        "pct": tally["pct"] if tally else None,
                    }
                )
            overall = theme_entry["periods"].get(str(period["id"])) if period and theme_entry else None
            sources.append(
                {
                    "instrument": model.key,
                    "title": model.title,
                    "kind": kind,
                    "period": period,
                    "questions": rows,
                    "overall": overall,
                    "history": [
                        {"period": p, **(theme_entry["periods"].get(str(p["id"])) or _tally())}
                        for p in trend["periods"]
                    ]
                    if theme_entry
                    else [],
                }
            )
    return {"theme": theme, "sources": sources}
