"""Figures for the findings pages and exports, assembled from the grouped rows of app.findings.queries.

Every figure is a plain JSON-friendly dict so the same numbers feed the page, the charts, the
workbook and the snapshot kept when a round's case-level data is purged.
"""
from __future__ import annotations

from collections import defaultdict
from operator import attrgetter
from statistics import median
from types import SimpleNamespace

from flask import current_app

from app.accounts.models import ORG_TYPE_LABELS, Organisation
from app.audits.models import AGE_BANDS, ETHNICITIES, GENDERS
from app.audits.queries import agency_questions
from app.extensions import db
from app.findings import freshness, queries
from app.findings.suppression import suppress
from app.questionnaire import (
    Catalogue,
    InstrumentVersion,
    catalogue_for_key,
    catalogue_for_version,
    get_version,
    theme_titles,
)
from app.questionnaire.scoring import weighted_percent
from app.selfassessment import queries as sa_queries
from app.utils import utcnow

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
    return {"min_cell_size": int(config["MIN_CELL_SIZE"]), "strength": float(config["STRENGTH_THRESHOLD"]),
            "improvement": float(config["IMPROVEMENT_THRESHOLD"])}


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
    return {"counts": counts if counts is not None else {}, "answered": 0, "excluded": 0, "scored": 0, "met": 0,
            "partly": 0, "pct": None}


def _finish_all(entries, weight: float = 0) -> list[dict]:
    entries = list(entries)
    for entry in entries:
        _finish(entry, weight)
        for org in entry["by_org"].values():
            _finish(org, weight)
    return entries


def question_rows(catalogue: Catalogue, counts, *, org_field: str | None = "organisation_id") -> list[dict]:
    """Per question: answers per option, answered/excluded/scored/met and % meeting, partnership and per org,
    from the grouped rows of queries.answer_counts."""
    questions: dict[str, dict] = {}
    for q in catalogue.ordered:
        if not (q.charted or q.kind.is_list):
            continue
        questions[q.key] = {
            "key": q.key, "text": q.text, "type": q.type, "section": q.section_key, "section_title": q.section_title,
            "themes": list(q.themes), "overall": q.overall, "scored_question": q.scored,
            "options": [{"value": o.value, "label": o.label, "rag": o.rag, "excluded": o.excluded,
                         "meets_standard": o.meets_standard, "partial": o.partial} for o in q.options],
            **_entry({o.value: 0 for o in q.options}), "by_org": {},
        }
    partial_values = {q.key: q.partial_values for q in catalogue.questions.values() if q.partial_values}
    entry_of: dict[str, dict | None] = {}    # stored key -> its question's entry (keys repeat on every row)
    lists = {q.key: q.kind for q in catalogue.questions.values() if q.kind.is_list}
    ticked: dict[tuple, list[str]] = {}        # (key, a list answer's stored text) -> its options
    group_of = attrgetter(org_field) if org_field else None
    for row in counts:
        stored_key = row.question_key
        if stored_key not in entry_of:
            entry_of[stored_key] = questions.get(catalogue.canonical(stored_key))
        entry = entry_of[stored_key]
        if entry is None:
            continue
        targets = [entry]
        if group_of:
            group = str(group_of(row))
            by_org = entry["by_org"]
            if group not in by_org:
                by_org[group] = _entry()
            targets.append(by_org[group])
        value, answers = row.value, row.answers
        partly = row.scored if value in partial_values.get(entry["key"], ()) else 0
        if entry["key"] in lists:
            if (entry["key"], value) not in ticked:
                ticked[entry["key"], value] = lists[entry["key"]].decode(value) or []
            values = ticked[entry["key"], value]
        else:
            values = (value,)
        for target in targets:
            target_counts = target["counts"]
            for v in values:
                target_counts[v] = target_counts.get(v, 0) + answers
            target["answered"] += answers
            target["excluded"] += row.excluded
            target["scored"] += row.scored
            target["met"] += row.met
            target["partly"] += partly
    return _finish_all(questions.values(), catalogue.partial_weight)


def theme_rows(catalogue: Catalogue, counts, *, org_field: str | None = "organisation_id") -> list[dict]:
    """Per theme: criteria answered and meeting the standard, summed from the per-question grouped rows."""
    themes = {key: {"key": key, "title": catalogue.theme_title(key), "scored": 0, "met": 0, "partly": 0, "pct": None,
                    "questions": [q.key for q in catalogue.scored_questions if key in q.themes], "by_org": {}}
              for key in catalogue.themes}
    for row in counts:
        question = catalogue.questions.get(catalogue.canonical(row.question_key))
        if question is None or not question.scored:
            continue
        partly = row.scored if row.value in question.partial_values else 0
        for theme in question.themes:
            entry = themes[theme]
            entry["scored"] += row.scored
            entry["met"] += row.met
            entry["partly"] += partly
            if org_field:
                org = entry["by_org"].setdefault(str(getattr(row, org_field)), _tally())
                org["scored"] += row.scored
                org["met"] += row.met
                org["partly"] += partly
    return _finish_all(themes.values(), catalogue.partial_weight)


def proposals(themes: list[dict], cfg: dict, *, value: str = "pct") -> dict:
    """Themes at or above the strength threshold and below the improvement threshold, best/worst first."""
    rated = [t for t in themes if t.get(value) is not None]
    strengths = sorted((t for t in rated if t[value] >= cfg["strength"]), key=lambda t: -t[value])
    improvements = sorted((t for t in rated if t[value] < cfg["improvement"]), key=lambda t: t[value])
    shape = lambda t: {"theme": t["key"], "title": t["title"], "pct": t[value],  # noqa: E731
                       "scored": t.get("scored"), "met": t.get("met")}
    return {"strength_threshold": cfg["strength"], "improvement_threshold": cfg["improvement"],
            "strengths": [shape(t) for t in strengths], "improvements": [shape(t) for t in improvements]}


def spread(values: list[float]) -> dict:
    """Median, quartiles (inclusive method) and range of organisations' percentages."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return {"n": 0, "median": None, "q1": None, "q3": None, "min": None, "max": None, "mean": None}
    if len(values) == 1:
        q1 = q3 = values[0]
    else:
        q1, q3 = _quartile(values, 0.25), _quartile(values, 0.75)
    return {"n": len(values), "median": round(median(values), 1), "q1": round(q1, 1), "q3": round(q3, 1),
            "min": values[0], "max": values[-1], "mean": round(sum(values) / len(values), 1)}


def _quartile(values: list[float], q: float) -> float:
    position = (len(values) - 1) * q
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


# --- suppressed breakdown tables -----------------------------------------------------------------------------

def breakdown_table(key: str, title: str, labels: dict | None, counts: dict, tallies: dict, columns: list[dict],
                    min_size: int) -> dict:
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
        rows.append({
            "key": group,
            "label": _label(labels, group),
            "cells": [show(c) for c in cells[i]],
            "total": show(row_totals[i]),
            "pct": None if row_totals[i].suppressed else pct(tally["met"], tally["scored"]),
        })
    all_scored = sum(t["scored"] for t in tallies.values())
    all_met = sum(t["met"] for t in tallies.values())
    return {
        "key": key, "title": title, "columns": used_columns, "rows": rows,
        "totals": {"cells": [show(c) for c in col_totals], "total": show(grand),
                   "pct": None if grand.suppressed else pct(all_met, all_scored)},
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

def _aliases(catalogue: Catalogue, keys) -> set[str]:
    return {alias for key in keys for alias in catalogue.questions[key].aliases | {key}}


def round_catalogue(audit_round) -> Catalogue:
    return catalogue_for_version(db.session.get(InstrumentVersion, audit_round.instrument_version_id))


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
    answers = queries.round_answers([audit_round.id])
    overall_keys = {q.key for q in catalogue.questions.values() if q.overall}
    counts = queries.answer_counts(answers, "organisation_id")
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
        agencies.append({"id": row.organisation_id, "name": row.name, "org_type": row.org_type,
                         "assigned": row.assigned, "submitted": row.submitted,
                         **_finish(tally, catalogue.partial_weight),
                         "themes": {t["key"]: t["by_org"].get(org, _tally())["pct"] for t in themes}})

    grade_scale = overall_question["options"] if overall_question else []
    grade_columns = [{"key": o["value"], "label": o["label"]} for o in grade_scale if not o["excluded"]]
    case_rows = queries.audited_case_grades(audit_round.id)
    known = {c["key"] for c in grade_columns}
    grade_columns += [{"key": g, "label": g} for g in sorted({r.overall_grade for r in case_rows if r.overall_grade}
                                                             - known)]
    grade_columns.append({"key": NOT_AGREED, "label": "Not yet agreed"})
    dims_tallies = queries.met_totals(answers, "area", "age_band", "gender", "ethnicity",
                                      exclude_keys=_aliases(catalogue, overall_keys))
    breakdowns = {}
    for dim, (title, labels) in DIMENSIONS.items():
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        tallies: dict[str, dict] = defaultdict(lambda: {"scored": 0, "met": 0})
        for row in case_rows:
            group = getattr(row, dim) or NOT_RECORDED
            counts[group][row.overall_grade or NOT_AGREED] += row.cases
        for row in dims_tallies:
            group = getattr(row, dim) or NOT_RECORDED
            tallies[group]["scored"] += row.scored
            tallies[group]["met"] += row.met
        breakdowns[dim] = breakdown_table(dim, title, labels, counts, tallies, grade_columns, cfg["min_cell_size"])

    grades = {c["key"]: 0 for c in grade_columns}
    for row in case_rows:
        grades[row.overall_grade or NOT_AGREED] += row.cases
    agency_keys = [q.key for q in agency_questions(get_version(audit_round.instrument_version_id).parsed)]
    agreed_questions = question_rows(
        catalogue, queries.answer_counts(queries.moderated_answers(audit_round.id, agency_keys)), org_field=None)
    self_pct = {q["key"]: q["pct"] for q in questions}
    agreed = {
        "grades": [{"value": c["key"], "label": c["label"], "count": grades.get(c["key"], 0)} for c in grade_columns],
        "moderated_cases": sum(v for k, v in grades.items() if k != NOT_AGREED),
        "questions": [{**{k: q[k] for k in ("key", "text", "options", "counts", "scored", "met", "pct", "answered")},
                       "self_pct": self_pct.get(q["key"])}
                      for q in agreed_questions if q["scored_question"] and not q["overall"] and q["answered"]],
    }
    all_scored = sum(q["scored"] for q in criteria)
    all_met = sum(q["met"] for q in criteria)
    all_partly = sum(q["partly"] for q in criteria)
    cases_audited = sum(grades.values())
    summary = {
        "cases": len(audit_round.cases) if audit_round.purged_at is None else None,
        "cases_audited": cases_audited,
        "agencies": len(agencies),
        "assigned": sum(a["assigned"] for a in agencies),
        "submitted": sum(a["submitted"] for a in agencies),
        "scored": all_scored, "met": all_met, "partly": all_partly, "not_met": all_scored - all_met - all_partly,
        "pct": weighted_percent(all_met, all_partly, all_scored, catalogue.partial_weight),
        "moderated_cases": agreed["moderated_cases"],
    }
    return {
        "kind": "round", "id": audit_round.id, "title": audit_round.title, "instrument": catalogue.key,
        "instrument_title": catalogue.title, "generated_at": utcnow().isoformat(timespec="seconds"),
        "settings": cfg, "summary": summary, "questions": questions, "themes": themes, "agencies": agencies,
        "breakdowns": breakdowns, "agreed": agreed, "proposals": proposals(themes, cfg),
    }


HIDDEN_FROM_ORGANISATIONS = ("agencies", "breakdowns", "heatmap", "org_types", "returns", "survey", "statements")


def own_view(figures: dict, organisation_id: int | None) -> dict:
    """What an auditor or organisation lead sees: the partnership's figures and their own organisation's, and
    nothing about any other organisation."""
    org = str(organisation_id) if organisation_id is not None else None

    def strip(entry: dict) -> dict:
        own = entry.get("by_org", {}).get(org) if org else None
        return {**{k: v for k, v in entry.items() if k != "by_org"}, "own": own}

    restricted: dict = {}
    for key, value in figures.items():
        if key in HIDDEN_FROM_ORGANISATIONS:
            continue
        if isinstance(value, list) and any(isinstance(e, dict) and "by_org" in e for e in value):
            restricted[key] = [strip(e) for e in value]
        else:
            restricted[key] = value
    restricted["agencies"] = [a for a in figures.get("agencies", []) if str(a["id"]) == org]
    restricted["restricted_to"] = organisation_id
    return restricted


# --- self-assessment campaigns -------------------------------------------------------------------------------

def _rag_tally() -> dict:
    return {"green": 0, "amber": 0, "red": 0, "n": 0, "pct_green": None}


def _add_rag(tally: dict, rag: str | None, n: int) -> None:
    if rag in RAGS:
        tally[rag] += n
        tally["n"] += n


def _finish_rag(tally: dict) -> dict:
    tally["pct_green"] = pct(tally["green"], tally["n"])
    return tally


def _themes_of(catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    themes: dict[str, tuple[str, ...]] = {}
    for stored_key, theme in catalogue.theme_rows():
        themes[stored_key] = themes.get(stored_key, ()) + (theme,)
    return themes


def campaign_catalogue(campaign) -> Catalogue:
    return catalogue_for_version(db.session.get(InstrumentVersion, campaign.instrument_version_id))


def campaign_figures(campaign) -> dict:
    """Everything the campaign findings page, its charts and its workbook show. Statement coverage depends on
    today's date (a statement falls due for review), so it is looked up afresh; the rest is kept between
    requests until something it is computed from changes (app/findings/freshness.py)."""
    return {**_kept_campaign_figures(campaign),
            "statements": queries.statement_coverage(queries.return_organisations(campaign.id))}


def _kept_campaign_figures(campaign) -> dict:
    """The campaign's figures but for statement coverage, kept between requests."""
    return freshness.stored("campaign", campaign.id, lambda: campaign_snapshot(campaign))


def campaign_snapshot(campaign) -> dict:
    """The campaign's figures, but for statement coverage, computed from its returns and survey now."""
    cfg = settings()
    catalogue = campaign_catalogue(campaign)
    counts = queries.rating_counts(queries.campaign_answers([campaign.id]))
    ratings = queries.campaign_answers([campaign.id], with_org_type=False)
    org_sections = {(row.organisation_id, row.key): row
                    for row in queries.organisation_ratings(ratings, catalogue, per="section")}
    org_themes = {(row.organisation_id, row.key): row
                  for row in queries.organisation_ratings(ratings, catalogue, per="theme")}
    themes_of = _themes_of(catalogue)

    states = queries.return_states(campaign.id)
    by_state: dict[str, int] = defaultdict(int)
    for row in states:
        by_state[row.state.value] += 1
    received = by_state["submitted"] + by_state["accepted"]
    summary = {"invited": len(states), "received": received, "pct_received": pct(received, len(states)),
               "by_state": dict(by_state)}

    criteria: dict[str, dict] = {q.key: {"key": q.key, "text": q.text, "section": q.section_key,
                                         "self": _rag_tally(), "moderated": _rag_tally()}
                                 for q in catalogue.scored_questions}
    canonical = dict(catalogue.key_rows())
    for key, _org_type, rag, agreed, n in counts:
        entry = criteria.get(canonical.get(key))
        if entry is not None:
            _add_rag(entry["self"], rag, n)
            _add_rag(entry["moderated"], agreed, n)
    standards = []
    for key, title in catalogue.sections.items():
        members = [c for c in criteria.values() if c["section"] == key]
        if not members:
            continue
        standard = {"key": key, "title": title, "self": _rag_tally(), "moderated": _rag_tally(),
                    "criteria": [c["key"] for c in members], "by_org": {}}
        for c in members:
            for side in ("self", "moderated"):
                for rag in RAGS:
                    _add_rag(standard[side], rag, c[side][rag])
            _finish_rag(c["self"])
            _finish_rag(c["moderated"])
        _finish_rag(standard["self"])
        _finish_rag(standard["moderated"])
        standards.append(standard)

    organisations = {row.organisation_id: {"id": row.organisation_id, "name": row.name, "org_type": row.org_type,
                                           "state": row.state.value} for row in states}
    standards_by_key = {standard["key"]: standard for standard in standards}
    for (org_id, section), row in org_sections.items():
        if section in standards_by_key:
            standards_by_key[section]["by_org"][str(org_id)] = {
                "self": SCORE_RAG.get(row.self_score), "moderated": SCORE_RAG.get(row.moderated_score)}
    heatmap = {
        "organisations": [o for o in organisations.values() if o["state"] in ("submitted", "accepted")],
        "standards": [{"key": s["key"], "title": s["title"]} for s in standards],
        "cells": {str(o): {s["key"]: s["by_org"].get(str(o), {}).get("moderated") for s in standards}
                  for o, info in organisations.items() if info["state"] in ("submitted", "accepted")},
    }

    types: dict[str, dict] = {}
    for row in states:
        entry = types.setdefault(row.org_type, {"org_type": row.org_type, "label": ORG_TYPE_LABELS.get(row.org_type),
                                                "invited": 0, "received": 0, "self": _rag_tally(),
                                                "moderated": _rag_tally()})
        entry["invited"] += 1
        entry["received"] += 1 if row.state.value in ("submitted", "accepted") else 0
    for _key, org_type, rag, agreed, n in counts:
        entry = types.get(org_type)
        if entry is not None:
            _add_rag(entry["self"], rag, n)
            _add_rag(entry["moderated"], agreed, n)
    for entry in types.values():
        _finish_rag(entry["self"])
        _finish_rag(entry["moderated"])

    themes: dict[str, dict] = {key: {"key": key, "title": catalogue.theme_title(key), "self": _rag_tally(),
                                     "moderated": _rag_tally(), "by_org": {}} for key in catalogue.themes}
    for key, _org_type, rag, agreed, n in counts:
        for theme in themes_of.get(key, ()):
            entry = themes.get(theme)
            if entry is not None:
                _add_rag(entry["self"], rag, n)
                _add_rag(entry["moderated"], agreed, n)
    for (org_id, theme), row in org_themes.items():
        if row.rated and theme in themes:
            themes[theme]["by_org"][str(org_id)] = {"n": row.rated, "self_green": row.self_green, "green": row.green,
                                                    "self_pct": pct(row.self_green, row.rated),
                                                    "pct": pct(row.green, row.rated)}
    for entry in themes.values():
        _finish_rag(entry["self"])
        _finish_rag(entry["moderated"])
        entry["pct"] = entry["moderated"]["pct_green"]
        entry["scored"], entry["met"] = entry["moderated"]["n"], entry["moderated"]["green"]

    theme_list = list(themes.values())
    return {
        "kind": "campaign", "id": campaign.id, "title": campaign.title, "cycle": campaign.cycle,
        "instrument": catalogue.key, "instrument_title": catalogue.title,
        "generated_at": utcnow().isoformat(timespec="seconds"), "settings": cfg, "summary": summary,
        "criteria": list(criteria.values()), "standards": standards, "heatmap": heatmap,
        "org_types": sorted(types.values(), key=lambda t: t["label"] or t["org_type"]),
        "themes": theme_list, "proposals": proposals(theme_list, cfg),
        "survey": survey_figures(campaign),
        "survey_partnership": survey_partnership(campaign),
        "returns": list(organisations.values()),
    }


def survey_figures(campaign) -> dict | None:
    """Triangulation of each organisation's self-assessed rating per theme with its practitioners' agreement, from
    app.selfassessment.queries.triangulation (the one implementation the self-assessment pages use too: results
    only from a closed survey's frozen, noised snapshot, never a figure from fewer than MIN_CELL_SIZE
    practitioners), and the partnership's agreement per theme, exact and current, for partnership staff only
    ("themes"; organisations see survey_partnership instead).
    """
    if campaign.survey_version_id is None:
        return None
    min_size = sa_queries.min_cell_size()
    threshold = float(sa_queries.agreement_threshold())
    organisations: dict[int, dict] = {}
    for row in sa_queries.triangulation(campaign.id):
        entry = organisations.setdefault(row.organisation_id, {
            "id": row.organisation_id, "name": row.organisation_name, "status": row.status,
            "shown": isinstance(row.respondents, int), "responses": row.respondents, "themes": {},
            "mismatches": []})
        if row.self_rag is None and row.suppressed:
            continue
        entry["themes"][row.theme] = {"self_rag": row.self_rag.worst_self if row.self_rag else None,
                                      "status": row.status, "agree_pct": row.agree_percent}
        if row.mismatch:
            entry["mismatches"].append(row.theme)
    exact = sa_queries.partnership_survey_figures(campaign)
    titles = theme_titles()
    shared = sa_queries.shared_themes(campaign)
    themes = []
    for key in shared:
        tally = exact["themes"].get(key)
        if tally is None or tally["status"] != "shown":
            continue
        themes.append({"key": key, "title": titles.get(key, key), "scored": tally["scored"], "met": tally["agreeing"],
                       "pct": tally["percent"]})
    columns = [{"key": key, "title": titles.get(key, key)} for key in shared
               if any(key in o["themes"] for o in organisations.values())]
    shown = [o for o in organisations.values() if o["shown"]]
    return {
        "min_cell_size": min_size, "threshold": threshold,
        "responses_shown": exact["respondents"], "organisations_counted": exact["organisations"],
        "organisations_shown": len(shown),
        "themes": themes, "columns": columns,
        "organisations": sorted(organisations.values(), key=lambda o: o["name"]),
    }


def survey_partnership(campaign) -> list[dict] | None:
    """The partnership's agreement per theme as frozen when the campaign closed: what organisations may compare
    themselves with (None until then)."""
    frozen = sa_queries.partnership_survey_snapshot(campaign.id) if campaign.survey_version_id else None
    if frozen is None:
        return None
    titles = theme_titles()
    return [{"key": key, "title": titles.get(key, key), "pct": frozen["themes"][key]["percent"]}
            for key in sa_queries.shared_themes(campaign)
            if (frozen["themes"].get(key) or {}).get("status") == "shown"]


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
        periods = [{"id": r.id, "label": r.title, "date": r.period_start.isoformat(), "kind": "round"}
                   for r in queries.rounds_for_key(key, states=states, organisation_id=organisation_id)]
        answers = queries.round_answers([p["id"] for p in periods])
        period_field = "round_id"
    elif catalogue.kind == "self_assessment":
        periods = [{"id": c.id, "label": f"{c.title} ({c.cycle})", "date": c.cycle, "kind": "campaign"}
                   for c in queries.campaigns_for_key(key, organisation_id=organisation_id)
                   if c.state.value != "draft"]
        answers = queries.campaign_answers([p["id"] for p in periods])
        period_field = "campaign_id"
    elif catalogue.kind == "survey" and participant_only:
        # Organisations see each campaign's partnership results only as frozen (and noised) when it closed.
        frozen = {c.id: (c, sa_queries.partnership_survey_snapshot(c.id)) for c in queries.campaigns_with_survey(key)}
        frozen = {cid: pair for cid, pair in frozen.items() if pair[1] is not None}
        periods = [{"id": c.id, "label": f"{c.title} ({c.cycle})", "date": c.cycle, "kind": "campaign"}
                   for c, _ in frozen.values()]
        answers, period_field = None, "campaign_id"
    elif catalogue.kind == "survey":
        periods = [{"id": c.id, "label": f"{c.title} ({c.cycle})", "date": c.cycle, "kind": "campaign"}
                   for c in queries.campaigns_with_survey(key, organisation_id=organisation_id)]
        answers = queries.survey_answers([p["id"] for p in periods], min_responses=settings()["min_cell_size"])
        period_field = "campaign_id"
    else:
        return None
    if answers is None:
        counts = _snapshot_counts(catalogue, {cid: figures for cid, (_, figures) in frozen.items()})
    else:
        counts = queries.answer_counts(answers, period_field) if periods else []
    by_period = {q["key"]: q for q in question_rows(catalogue, counts, org_field=period_field)}
    questions = [{"key": q.key, "text": q.text, "periods": by_period[q.key]["by_org"] if q.key in by_period else {}}
                 for q in catalogue.scored_questions]
    themes = [{"key": t["key"], "title": t["title"], "periods": t["by_org"]}
              for t in theme_rows(catalogue, counts, org_field=period_field)]
    return {"key": key, "title": catalogue.title, "kind": catalogue.kind, "periods": periods,
            "renamed": catalogue.renamed, "questions": questions, "themes": themes,
            "partial_weight": catalogue.partial_weight if catalogue.has_partial else None}


def _snapshot_counts(catalogue: Catalogue, snapshots: dict[int, dict]) -> list[SimpleNamespace]:
    """Rows like queries.answer_counts's, per campaign, from the option counts shown in its frozen partnership
    snapshot (those shown as "fewer" are left out)."""
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
                rows.append(SimpleNamespace(
                    campaign_id=campaign_id, question_key=key, value=option.value, answers=n,
                    scored=n if scored_option else 0, met=n if option.meets_standard else 0,
                    excluded=n if option.excluded else 0))
    return rows


# --- organisation view ---------------------------------------------------------------------------------------

def organisation_figures(organisation: Organisation) -> dict:
    """The organisation's own results against the partnership: median and quartiles across organisations."""
    org = str(organisation.id)
    rounds_out = []
    for row in queries.visible_rounds(organisation_id=organisation.id)[:3]:
        figures = round_figures(row.AuditRound)
        themes = []
        for theme in figures["themes"]:
            values = [t["pct"] for t in theme.get("by_org", {}).values()]
            own = theme.get("by_org", {}).get(org)
            themes.append({"key": theme["key"], "title": theme["title"], "own": own["pct"] if own else None,
                           "own_n": own["scored"] if own else 0, "partnership": theme["pct"], **spread(values)})
        own_agency = next((a for a in figures["agencies"] if str(a["id"]) == org), None)
        rounds_out.append({"kind": "round", "id": row.AuditRound.id, "title": row.AuditRound.title, "themes": themes,
                           "own": own_agency["pct"] if own_agency else None,
                           "partnership": figures["summary"]["pct"],
                           "spread": spread([a["pct"] for a in figures["agencies"]])})
    campaigns_out = []
    for row in queries.visible_campaigns(organisation_id=organisation.id)[:2]:
        campaign = row.Campaign
        figures = _kept_campaign_figures(campaign)  # (the page shows no statement coverage)
        standards = []
        for standard in figures["standards"]:
            own = standard["by_org"].get(org, {})
            standards.append({"key": standard["key"], "title": standard["title"], "own_self": own.get("self"),
                              "own_moderated": own.get("moderated"),
                              "partnership_pct_green": standard["moderated"]["pct_green"]})
        themes = []
        for theme in figures["themes"]:
            values = [t["pct"] for t in theme["by_org"].values()]
            own = theme["by_org"].get(org)
            themes.append({"key": theme["key"], "title": theme["title"], "own": own["pct"] if own else None,
                           "partnership": theme["moderated"]["pct_green"], **spread(values)})
        survey = None
        if figures["survey"]:
            survey = next((o for o in figures["survey"]["organisations"] if o["id"] == organisation.id), None)
        campaigns_out.append({"kind": "campaign", "id": campaign.id, "title": campaign.title, "cycle": campaign.cycle,
                              "standards": standards, "themes": themes, "survey": survey,
                              "survey_themes": figures["survey_partnership"] or []})
    return {"organisation": {"id": organisation.id, "name": organisation.name, "org_type": organisation.org_type},
            "rounds": rounds_out, "campaigns": campaigns_out}


def without_small_spreads(data: dict, min_size: int) -> dict:
    """The organisation view for a reader outside partnership staff: the spread across organisations (median,
    quartiles, range, mean) only where at least `min_size` organisations have a result. With fewer, the range and
    quartiles are other organisations' own results, and together with the reader's own they name them."""
    hidden = {k: v for k, v in spread([]).items() if k != "n"}

    def thin(entry: dict) -> dict:
        if entry.get("n", 0) >= min_size:
            return entry
        return {**entry, **hidden, "n": 0, "spread_hidden": True}

    rounds = [{**r, "spread": thin(r["spread"]), "themes": [thin(t) for t in r["themes"]]} for r in data["rounds"]]
    campaigns = [{**c, "themes": [thin(t) for t in c["themes"]]} for c in data["campaigns"]]
    return {**data, "rounds": rounds, "campaigns": campaigns, "spread_min": min_size}


# --- cross-instrument themes ---------------------------------------------------------------------------------

def theme_description(theme: str) -> str | None:
    from app.questionnaire import load_themes

    try:
        found = load_themes().get(theme)
    except Exception:  # the page still works from theme keys if the themes file cannot be read
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
            trend = (trend_figures(model.key, participant_only=participant_only, organisation_id=organisation_id)
                     or {"periods": [], "questions": [], "themes": []})
            period = trend["periods"][-1] if trend["periods"] else None
            by_question = {q["key"]: q for q in trend["questions"]}
            theme_entry = next((t for t in trend["themes"] if t["key"] == theme), None)
            rows = []
            for q in tagged:
                tally = by_question.get(q.key, {}).get("periods", {}).get(str(period["id"])) if period else None
                rows.append({"key": q.key, "text": q.text, "scored": tally["scored"] if tally else 0,
                             "met": tally["met"] if tally else 0, "pct": tally["pct"] if tally else None})
            overall = theme_entry["periods"].get(str(period["id"])) if period and theme_entry else None
            sources.append({"instrument": model.key, "title": model.title, "kind": kind, "period": period,
                            "questions": rows, "overall": overall,
                            "history": [{"period": p, **(theme_entry["periods"].get(str(p["id"])) or _tally())}
                                        for p in trend["periods"]] if theme_entry else []})
    return {"theme": theme, "sources": sources}
