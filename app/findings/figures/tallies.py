"""The counting helpers every figure is built from: per-question and per-theme tallies of the grouped answer rows
of app.findings.queries, percentages, thresholds, proposals and the spread across organisations."""

from __future__ import annotations

from statistics import median

from flask import current_app

from app.audits.models import AGE_BANDS, ETHNICITIES, GENDERS
from app.questionnaire import Catalogue
from app.questionnaire.scoring import weighted_percent

RAGS = ("green", "amber", "red")
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", None: "Not rated"}
SCORE_RAG = {2: "green", 1: "amber", 0: "red"}
NOT_RECORDED = "not_recorded"
NOT_AGREED = "not_agreed"
HIDDEN = "hidden"
DIMENSIONS = {
    "area": ("Area", None),
    "age_band": ("Age band", AGE_BANDS),
    "gender": ("Gender", GENDERS),
    "ethnicity": ("Ethnic group", ETHNICITIES),
}


def pct(met: int, scored: int) -> float | None:
    return round(100.0 * met / scored, 1) if scored else None


def settings() -> dict:
    config = current_app.config
    return {
        "min_cell_size": int(config["MIN_CELL_SIZE"]),
        "strength": float(config["STRENGTH_THRESHOLD"]),
        "improvement": float(config["IMPROVEMENT_THRESHOLD"]),
    }


def small_label(min_size: int) -> str:
    return f"fewer than {min_size}"


def _tally() -> dict:
    return {"scored": 0, "met": 0, "partly": 0, "pct": None}


def _finish(tally: dict, weight: float = 0) -> dict:
    """The share meeting the standard (a partly answer counting as `weight` of a met one) and the answers
    neither meeting nor partly meeting it."""
    partly = tally.get("partly", 0)
    tally["pct"] = weighted_percent(tally["met"], partly, tally["scored"], weight)
    tally["not_met"] = tally["scored"] - tally["met"] - partly
    return tally


# --- shared pieces -------------------------------------------------------------------------------------------


def _entry(counts: dict | None = None) -> dict:
    return {
        "counts": counts if counts is not None else {},
        "answered": 0,
        "excluded": 0,
        "scored": 0,
        "met": 0,
        "partly": 0,
        "pct": None,
    }


def _finish_all(entries, weight: float = 0) -> list[dict]:
    entries = list(entries)
    for entry in entries:
        _finish(entry, weight)
        for org in entry["by_org"].values():
            _finish(org, weight)
    return entries


def _named_groups(counts, org_field: str | None):
    """The rows of queries.answer_counts as (group, question_key, value, answers, scored, met, excluded), the group
    as its key in a figure's by_org (its text), or None when the rows have no group (`org_field` None)."""
    if org_field is None:
        for row in counts:
            yield (None, *row)
        return
    names: dict = {}
    for group, *rest in counts:
        name = names.get(group)
        if name is None:
            name = names[group] = str(group)
        yield (name, *rest)


def question_rows(catalogue: Catalogue, counts, *, org_field: str | None = "organisation_id") -> list[dict]:
    """Per question: answers per option, answered/excluded/scored/met and % meeting, partnership and per group,
    from the grouped rows of queries.answer_counts: (group, question_key, value, answers, scored, met, excluded),
    the group (its `org_field`: an organisation, or a period) left out when `org_field` is None.

    The rows are unpacked by position: there may be thousands, and a row's attributes cost far more to read."""
    questions: dict[str, dict] = {}
    for q in catalogue.ordered:
        if not (q.charted or q.kind.is_list):
            continue
        questions[q.key] = {
            "key": q.key,
            "text": q.text,
            "type": q.type,
            "section": q.section_key,
            "section_title": q.section_title,
            "themes": list(q.themes),
            "overall": q.overall,
            "scored_question": q.scored,
            "options": [
                {
                    "value": o.value,
                    "label": o.label,
                    "rag": o.rag,
                    "excluded": o.excluded,
                    "meets_standard": o.meets_standard,
                    "partial": o.partial,
                }
                for o in q.options
            ],
            **_entry({o.value: 0 for o in q.options}),
            "by_org": {},
        }
    # stored key -> (its question's entry, its "partly" values, its list type or None); keys repeat on every row
    found: dict[str, tuple | None] = {}
    ticked: dict[tuple, list[str]] = {}  # (key, a list answer's stored text) -> its options
    for group, stored_key, value, answers, n_scored, n_met, n_excluded in _named_groups(counts, org_field):
        if stored_key not in found:
            question = catalogue.question_for(stored_key)
            entry = questions.get(question.key) if question else None
            found[stored_key] = (
                (entry, question.partial_values, question.kind if question.kind.is_list else None) if entry else None
            )
        this = found[stored_key]
        if this is None:
            continue
        entry, partial_values, list_kind = this
        partly = n_scored if value in partial_values else 0
        if list_kind is not None:
            if (entry["key"], value) not in ticked:
                ticked[entry["key"], value] = list_kind.decode(value) or []
            values = ticked[entry["key"], value]
        else:
            values = (value,)
        targets = [entry]
        if group is not None:
            by_org = entry["by_org"]
            target = by_org.get(group)
            if target is None:
                target = by_org[group] = _entry()
            targets.append(target)
        for target in targets:
            target_counts = target["counts"]
            for v in values:
                target_counts[v] = target_counts.get(v, 0) + answers
            target["answered"] += answers
            target["excluded"] += n_excluded
            target["scored"] += n_scored
            target["met"] += n_met
            target["partly"] += partly
    return _finish_all(questions.values(), catalogue.partial_weight)


def theme_rows(catalogue: Catalogue, counts, *, org_field: str | None = "organisation_id") -> list[dict]:
    """Per theme: criteria answered and meeting the standard, summed from the per-question grouped rows (shaped as
    question_rows reads them)."""
    titles = catalogue.theme_titles
    themes = {
        key: {
            "key": key,
            "title": catalogue.theme_title(key, titles),
            "scored": 0,
            "met": 0,
            "partly": 0,
            "pct": None,
            "questions": [q.key for q in catalogue.scored_questions if key in q.themes],
            "by_org": {},
        }
        for key in catalogue.themes
    }
    found: dict[str, tuple | None] = {}  # stored key -> (its theme entries, its "partly" values), if scored
    for group, stored_key, value, _answers, n_scored, n_met, _excluded in _named_groups(counts, org_field):
        if stored_key not in found:
            question = catalogue.question_for(stored_key)
            found[stored_key] = (
                ([themes[theme] for theme in question.themes], question.partial_values)
                if question is not None and question.scored
                else None
            )
        this = found[stored_key]
        if this is None:
            continue
        entries, partial_values = this
        partly = n_scored if value in partial_values else 0
        for entry in entries:
            entry["scored"] += n_scored
            entry["met"] += n_met
            entry["partly"] += partly
            if group is not None:
                org = entry["by_org"].get(group)
                if org is None:
                    org = entry["by_org"][group] = _tally()
                org["scored"] += n_scored
                org["met"] += n_met
                org["partly"] += partly
    return _finish_all(themes.values(), catalogue.partial_weight)


def proposals(themes: list[dict], cfg: dict, *, value: str = "pct") -> dict:
    """Themes at or above the strength threshold and below the improvement threshold, best/worst first."""
    rated = [t for t in themes if t.get(value) is not None]
    strengths = sorted((t for t in rated if t[value] >= cfg["strength"]), key=lambda t: -t[value])
    improvements = sorted((t for t in rated if t[value] < cfg["improvement"]), key=lambda t: t[value])

    def shape(t):
        return {"theme": t["key"], "title": t["title"], "pct": t[value], "scored": t.get("scored"), "met": t.get("met")}

    return {
        "strength_threshold": cfg["strength"],
        "improvement_threshold": cfg["improvement"],
        "strengths": [shape(t) for t in strengths],
        "improvements": [shape(t) for t in improvements],
    }


def spread(values: list[float]) -> dict:
    """Median, quartiles (inclusive method) and range of organisations' percentages."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return {"n": 0, "median": None, "q1": None, "q3": None, "min": None, "max": None, "mean": None}
    if len(values) == 1:
        q1 = q3 = values[0]
    else:
        q1, q3 = _quartile(values, 0.25), _quartile(values, 0.75)
    return {
        "n": len(values),
        "median": round(median(values), 1),
        "q1": round(q1, 1),
        "q3": round(q3, 1),
        "min": values[0],
        "max": values[-1],
        "mean": round(sum(values) / len(values), 1),
    }


def _quartile(values: list[float], q: float) -> float:
    position = (len(values) - 1) * q
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)
