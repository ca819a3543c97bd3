"""Self-assessment campaign figures: criteria, standards, heatmap, organisation types and themes, self-assessed
and moderated ratings side by side."""

from __future__ import annotations

from collections import defaultdict

from app.accounts.models import ORG_TYPE_LABELS
from app.extensions import db
from app.findings import freshness, queries
from app.findings.figures.areas import area_figures
from app.findings.figures.survey import survey_figures, survey_partnership
from app.findings.queries.campaigns import return_ratings
from app.findings.figures.tallies import RAGS, SCORE_RAG, pct, proposals, settings
from app.questionnaire import Catalogue, InstrumentVersion, catalogue_for_version
from app.selfassessment import queries as sa_queries
from app.selfassessment.queries import ThemeRag
from app.utils import utcnow

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


def _theme_rags(theme_rows):
    """The triangulation's self-assessed side from the campaign's per-theme rows (scored and other themed
    questions together), as app.selfassessment.queries.self_assessed_theme_rag gives it, without reading the
    answers again: for the given themes, (organisation id, theme) -> the worst self-assessed and agreed RAG and
    the count of each self-assessed RAG."""

    def rags(themes: set[str]) -> dict[tuple[int, str], ThemeRag]:
        folded: dict[tuple[int, str], list] = {}
        for org, _per, key, _scored, rated, self_green, _green, self_score, _mod, rated_mod, amber, red in theme_rows:
            if not rated or key not in themes:
                continue
            place = (org, key)
            entry = folded.get(place)
            if entry is None:
                folded[place] = [self_score, rated_mod, self_green, amber, red]
            else:  # the theme's scored and other questions: the lower ratings, the counts added
                entry[0] = _lower(entry[0], self_score)
                entry[1] = _lower(entry[1], rated_mod)
                entry[2] += self_green
                entry[3] += amber
                entry[4] += red
        return {
            place: ThemeRag(
                worst_self=SCORE_RAG.get(worst_self),
                worst_moderated=SCORE_RAG.get(worst_agreed),
                counts={"green": int(green or 0), "amber": int(amber or 0), "red": int(red or 0)},
            )
            for place, (worst_self, worst_agreed, green, amber, red) in folded.items()
        }

    return rags


def _lower(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def campaign_catalogue(campaign) -> Catalogue:
    return catalogue_for_version(db.session.get(InstrumentVersion, campaign.instrument_version_id))


def campaign_figures(campaign, area: str | None = None) -> dict:
    """Everything the campaign findings page, its charts and its workbook show. Statement coverage depends on
    today's date (a statement falls due for review), so it is looked up afresh; the rest is kept between
    requests until something it is computed from changes (app/findings/freshness.py).

    `area`: the figures of the organisations reporting to that area only (Organisation.areas), computed afresh
    and suppressed below MIN_CELL_SIZE (app.findings.figures.areas)."""
    if area is not None:
        return area_figures(campaign, area, campaign_snapshot)
    return {
        **_kept_campaign_figures(campaign),
        "statements": queries.statement_coverage(queries.return_organisations(campaign.id)),
    }


def _kept_campaign_figures(campaign) -> dict:
    """The campaign's figures but for statement coverage, kept between requests."""
    return freshness.stored("campaign", campaign.id, lambda: campaign_snapshot(campaign))


def campaign_snapshot(campaign, organisation_ids=None) -> dict:
    """The campaign's figures, but for statement coverage, computed from its returns and survey now (of the
    organisations `organisation_ids` only, when given: see app.findings.figures.areas)."""
    cfg = settings()
    catalogue = campaign_catalogue(campaign)
    states = queries.return_states(campaign.id, organisation_ids)
    answers = return_ratings(campaign.id, organisation_ids)
    counts = queries.rating_counts(answers, {row.organisation_id: row.org_type for row in states})
    # rows of queries.organisation_ratings, unpacked by position: there is one per organisation and standard or
    # theme, thousands at national scale
    org_sections, theme_rows, org_themes = {}, [], {}
    for row in queries.organisation_ratings(answers, catalogue):
        org_id, per, key, scored = row[:4]
        if per == "section":
            org_sections[org_id, key] = row
        else:
            theme_rows.append(row)
            if scored == "1":
                org_themes[org_id, key] = row
    themes_of = _themes_of(catalogue)

    by_state: dict[str, int] = defaultdict(int)
    for row in states:
        by_state[row.state.value] += 1
    received = by_state["submitted"] + by_state["accepted"]
    summary = {
        "invited": len(states),
        "received": received,
        "pct_received": pct(received, len(states)),
        "by_state": dict(by_state),
    }

    criteria: dict[str, dict] = {
        q.key: {"key": q.key, "text": q.text, "section": q.section_key, "self": _rag_tally(), "moderated": _rag_tally()}
        for q in catalogue.scored_questions
    }
    canonical = dict(catalogue.key_rows())
    for (key, _org_type, rag, agreed), n in counts.items():
        entry = criteria.get(canonical.get(key))
        if entry is not None:
            _add_rag(entry["self"], rag, n)
            _add_rag(entry["moderated"], agreed, n)
    standards = []
    for key, title in catalogue.sections.items():
        members = [c for c in criteria.values() if c["section"] == key]
        if not members:
            continue
        standard = {
            "key": key,
            "title": title,
            "self": _rag_tally(),
            "moderated": _rag_tally(),
            "criteria": [c["key"] for c in members],
            "by_org": {},
        }
        for c in members:
            for side in ("self", "moderated"):
                for rag in RAGS:
                    _add_rag(standard[side], rag, c[side][rag])
            _finish_rag(c["self"])
            _finish_rag(c["moderated"])
        _finish_rag(standard["self"])
        _finish_rag(standard["moderated"])
        standards.append(standard)

    organisations = {
        row.organisation_id: {
            "id": row.organisation_id,
            "name": row.name,
            "org_type": row.org_type,
            "state": row.state.value,
        }
        for row in states
    }
    standards_by_key = {standard["key"]: standard for standard in standards}
    for (org_id, section), (*_counts, self_score, moderated_score, _rated_mod, _amber, _red) in org_sections.items():
        if section in standards_by_key:
            standards_by_key[section]["by_org"][str(org_id)] = {
                "self": SCORE_RAG.get(self_score),
                "moderated": SCORE_RAG.get(moderated_score),
            }
    received_ids = [o for o, info in organisations.items() if info["state"] in ("submitted", "accepted")]
    cells = {str(o): {} for o in received_ids}
    for standard in standards:
        by_org = standard["by_org"]
        for name, row in cells.items():
            rated = by_org.get(name)
            row[standard["key"]] = rated["moderated"] if rated else None
    heatmap = {
        "organisations": [organisations[o] for o in received_ids],
        "standards": [{"key": s["key"], "title": s["title"]} for s in standards],
        "cells": cells,
    }

    types: dict[str, dict] = {}
    for row in states:
        entry = types.setdefault(
            row.org_type,
            {
                "org_type": row.org_type,
                "label": ORG_TYPE_LABELS.get(row.org_type),
                "invited": 0,
                "received": 0,
                "self": _rag_tally(),
                "moderated": _rag_tally(),
            },
        )
        entry["invited"] += 1
        entry["received"] += 1 if row.state.value in ("submitted", "accepted") else 0
    for (_key, org_type, rag, agreed), n in counts.items():
        entry = types.get(org_type)
        if entry is not None:
            _add_rag(entry["self"], rag, n)
            _add_rag(entry["moderated"], agreed, n)
    for entry in types.values():
        _finish_rag(entry["self"])
        _finish_rag(entry["moderated"])

    themes: dict[str, dict] = {
        key: {
            "key": key,
            "title": catalogue.theme_title(key),
            "self": _rag_tally(),
            "moderated": _rag_tally(),
            "by_org": {},
        }
        for key in catalogue.themes
    }
    for (key, _org_type, rag, agreed), n in counts.items():
        for theme in themes_of.get(key, ()):
            entry = themes.get(theme)
            if entry is not None:
                _add_rag(entry["self"], rag, n)
                _add_rag(entry["moderated"], agreed, n)
    for (org_id, theme), (_org, _per, _key, _scored, rated, self_green, green, *_rest) in org_themes.items():
        if rated and theme in themes:
            themes[theme]["by_org"][str(org_id)] = {
                "n": rated,
                "self_green": self_green,
                "green": green,
                "self_pct": pct(self_green, rated),
                "pct": pct(green, rated),
            }
    for entry in themes.values():
        _finish_rag(entry["self"])
        _finish_rag(entry["moderated"])
        entry["pct"] = entry["moderated"]["pct_green"]
        entry["scored"], entry["met"] = entry["moderated"]["n"], entry["moderated"]["green"]

    theme_list = list(themes.values())
    rerated = _rerated(campaign, criteria, canonical)
    summary["rerated"] = sum(entry["n"] for entry in rerated)
    return {
        "kind": "campaign",
        "id": campaign.id,
        "title": campaign.title,
        "cycle": campaign.cycle,
        "instrument": catalogue.key,
        "instrument_title": catalogue.title,
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "settings": cfg,
        "summary": summary,
        "criteria": list(criteria.values()),
        "standards": standards,
        "heatmap": heatmap,
        "org_types": sorted(types.values(), key=lambda t: t["label"] or t["org_type"]),
        "themes": theme_list,
        "proposals": proposals(theme_list, cfg),
        "survey": survey_figures(campaign, _theme_rags(theme_rows)),
        "survey_partnership": survey_partnership(campaign),
        "returns": list(organisations.values()),
        "rerated": rerated,
    }


def _rerated(campaign, criteria: dict[str, dict], canonical: dict[str, str]) -> list[dict]:
    """Criteria re-rated during the year, each with how many were re-rated and their ratings at submission (which
    every other figure uses) and now, in catalogue order."""
    found: dict[str, dict] = {}
    for key, submitted, current in sa_queries.rerated_pairs(campaign.id):
        criterion = criteria.get(canonical.get(key))
        if criterion is None:
            continue
        entry = found.setdefault(
            criterion["key"],
            {
                "key": criterion["key"],
                "text": criterion["text"],
                "n": 0,
                "submitted": _rag_tally(),
                "current": _rag_tally(),
            },
        )
        entry["n"] += 1
        _add_rag(entry["submitted"], submitted, 1)
        _add_rag(entry["current"], current, 1)
    return [found[key] for key in criteria if key in found]
