"""Self-assessment campaign figures: criteria, standards, heatmap, organisation types and themes, self-assessed
and moderated ratings side by side."""

from __future__ import annotations

from collections import Counter, defaultdict

from app.accounts.models import ORG_TYPE_LABELS
from app.findings import freshness, queries
from app.findings.figures.areas import area_figures
from app.findings.figures.survey import survey_figures, survey_partnership
from app.findings.figures.tallies import RAGS, SCORE_RAG, pct, proposals, settings
from app.questionnaire import Catalogue, catalogue_for_version
from app.selfassessment import survey_tally, tallies
from app.selfassessment.return_figures import ABSENT, NO_SCORE
from app.selfassessment.queries import ThemeRag
from app.utils import utcnow

# --- self-assessment campaigns -------------------------------------------------------------------------------


def _rag_counts(rows) -> tuple[Counter, Counter]:
    """(group, rag) -> answers self-assessed, and (group, agreed rag) -> answers, from (group, rag, agreed rag,
    answers) rows."""
    self_rated: Counter = Counter()
    agreed: Counter = Counter()
    for group, rag, agreed_rag, n in rows:
        self_rated[group, rag] += n
        agreed[group, agreed_rag] += n
    return self_rated, agreed


def _tally(counted: Counter, group) -> dict:
    """The Green, Amber and Red answers of `group` in `counted` ((group, rag) -> answers), their total and the
    share Green."""
    green, amber, red = (counted[group, rag] for rag in RAGS)
    n = green + amber + red
    return {"green": green, "amber": amber, "red": red, "n": n, "pct_green": pct(green, n)}


def _themes_of(catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    themes: dict[str, tuple[str, ...]] = {}
    for stored_key, theme in catalogue.theme_rows():
        themes[stored_key] = themes.get(stored_key, ()) + (theme,)
    return themes


def _theme_rags(layout, returns):
    """The triangulation's self-assessed side from each return's figures per theme (scored and other themed
    questions together), as app.selfassessment.queries.self_assessed_theme_rag gives it, without reading the
    answers again: for the given themes, (organisation id, theme) -> the worst self-assessed and agreed RAG and
    the count of each self-assessed RAG."""

    def rags(themes: set[str]) -> dict[tuple[int, str], ThemeRag]:
        found: dict[tuple[int, str], ThemeRag] = {}
        alike: dict[tuple, ThemeRag] = {}  # organisations rate alike: one ThemeRag (read, never changed) for each
        places = layout.rated_theme_places(themes)
        rated_at = layout.rated_at
        for org_id, values in returns:
            for theme, at in places:
                figures = rated_at(values, at)
                if figures is None:
                    continue
                rag = alike.get(figures)
                if rag is None:
                    worst_self, worst_agreed, green, amber, red = figures
                    rag = alike[figures] = ThemeRag(
                        SCORE_RAG.get(worst_self),
                        SCORE_RAG.get(worst_agreed),
                        {"green": green, "amber": amber, "red": red},
                    )
                found[org_id, theme] = rag
        return found

    return rags


def campaign_catalogue(campaign) -> Catalogue:
    # Through the relationship, which keeps the version loaded for the campaign's other readers (instrument_of)
    return catalogue_for_version(campaign.instrument_version)


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
    found = tallies.campaign_returns(campaign, organisation_ids, catalogue=catalogue)
    states, layout, returns = found.states, found.layout, found.figures
    by_key = tallies.rating_totals(campaign, organisation_ids)
    counted = survey_tally.survey_counts(campaign) if campaign.survey_version_id else None
    frozen = counted.frozen if counted is not None else {}
    by_type = _by_type(layout, returns, {row.organisation_id: row.org_type for row in states})
    canonical = dict(catalogue.key_rows())
    criteria = _criteria(catalogue, by_key, canonical)
    standards = _standards(catalogue, criteria, layout, returns)
    organisations = {
        row.organisation_id: {
            "id": row.organisation_id,
            "name": row.name,
            "org_type": row.org_type,
            "state": row.state.value,
        }
        for row in states
    }
    themes = _themes(catalogue, by_key, layout, returns)
    summary = _summary(states)
    rerated = _rerated(found.rerated, criteria, canonical)
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
        "heatmap": _heatmap(organisations, standards),
        "org_types": _org_types(states, by_type),
        "themes": themes,
        "proposals": proposals(themes, cfg),
        "survey": survey_figures(
            campaign,
            _theme_rags(layout, returns),
            [(row.organisation_id, row.name, row.org_type) for row in states],
            counted,
        ),
        "survey_partnership": survey_partnership(campaign, frozen),
        "returns": list(organisations.values()),
        "rerated": rerated,
    }


def _by_type(layout, returns, org_types: dict[int, str]) -> Counter:
    """(organisation type, self-assessed RAG, agreed RAG) -> rated criteria, from each return's figures
    (`org_types`: organisation id -> its type)."""
    by_type: Counter = Counter()
    for org_id, values in returns:
        org_type = org_types[org_id]
        for rag, agreed, n in layout.rags(values):
            by_type[org_type, rag, agreed] += n
    return by_type


def _summary(states) -> dict:
    """Returns invited, received (submitted or accepted) and in each state."""
    by_state: dict[str, int] = defaultdict(int)
    for row in states:
        by_state[row.state.value] += 1
    received = by_state["submitted"] + by_state["accepted"]
    return {
        "invited": len(states),
        "received": received,
        "pct_received": pct(received, len(states)),
        "by_state": dict(by_state),
    }


def _criteria(catalogue: Catalogue, by_key: Counter, canonical: dict[str, str]) -> dict[str, dict]:
    """Per scored question: its self-assessed and agreed ratings, answers under any of its keys added up."""
    self_rated, agreed = _rag_counts(
        (canonical.get(key), rag, moderated, n) for (key, rag, moderated), n in by_key.items()
    )
    return {
        q.key: {
            "key": q.key,
            "text": q.text,
            "section": q.section_key,
            "self": _tally(self_rated, q.key),
            "moderated": _tally(agreed, q.key),
        }
        for q in catalogue.scored_questions
    }


def _standards(catalogue: Catalogue, criteria: dict[str, dict], layout, returns) -> list[dict]:
    """Per section with scored questions: its criteria's ratings added up, and each organisation's lowest (from
    its return's figures)."""
    standards = {}
    for key, title in catalogue.sections.items():
        members = [c for c in criteria.values() if c["section"] == key]
        if not members:
            continue
        standards[key] = {
            "key": key,
            "title": title,
            **{side: _sum_tallies(c[side] for c in members) for side in ("self", "moderated")},
            "criteria": [c["key"] for c in members],
            "by_org": {},
        }
    places = [(standards[section]["by_org"], at) for section, at in layout.section_places(standards)]
    scores = (*SCORE_RAG, NO_SCORE)
    rags = {(s, m): (SCORE_RAG.get(s), SCORE_RAG.get(m)) for s in scores for m in scores}
    for org_id, values in returns:
        name = str(org_id)
        for by_org, at in places:
            if values[at] != ABSENT:
                self_rag, moderated_rag = rags[values[at], values[at + 1]]
                by_org[name] = {"self": self_rag, "moderated": moderated_rag}
    return list(standards.values())


def _sum_tallies(tallies) -> dict:
    """The tallies (_tally) added up."""
    green, amber, red = (sum(column) for column in zip(*((t["green"], t["amber"], t["red"]) for t in tallies)))
    n = green + amber + red
    return {"green": green, "amber": amber, "red": red, "n": n, "pct_green": pct(green, n)}


def _heatmap(organisations: dict[int, dict], standards: list[dict]) -> dict:
    """Each organisation whose return was received by standard: its lowest agreed rating."""
    received_ids = [o for o, info in organisations.items() if info["state"] in ("submitted", "accepted")]
    cells = {str(o): {} for o in received_ids}
    for standard in standards:
        by_org = standard["by_org"]
        for name, row in cells.items():
            rated = by_org.get(name)
            row[standard["key"]] = rated["moderated"] if rated else None
    return {
        "organisations": [organisations[o] for o in received_ids],
        "standards": [{"key": s["key"], "title": s["title"]} for s in standards],
        "cells": cells,
    }


def _org_types(states, by_type: Counter) -> list[dict]:
    """Per organisation type: returns invited and received, and their ratings."""
    self_rated, agreed = _rag_counts((*group, n) for group, n in by_type.items())
    types: dict[str, dict] = {}
    for row in states:
        entry = types.get(row.org_type)
        if entry is None:
            entry = types[row.org_type] = {
                "org_type": row.org_type,
                "label": ORG_TYPE_LABELS.get(row.org_type),
                "invited": 0,
                "received": 0,
                "self": _tally(self_rated, row.org_type),
                "moderated": _tally(agreed, row.org_type),
            }
        entry["invited"] += 1
        entry["received"] += 1 if row.state.value in ("submitted", "accepted") else 0
    return sorted(types.values(), key=lambda t: t["label"] or t["org_type"])


def _themes(catalogue: Catalogue, by_key: Counter, layout, returns) -> list[dict]:
    """Per theme of scored questions: their ratings added up, and each organisation's criteria rated and agreed
    Green."""
    themes_of = _themes_of(catalogue)
    self_rated, agreed = _rag_counts(
        (theme, rag, moderated, n) for (key, rag, moderated), n in by_key.items() for theme in themes_of.get(key, ())
    )
    themes: dict[str, dict] = {}
    titles = catalogue.theme_titles
    for key in catalogue.themes:
        moderated = _tally(agreed, key)
        themes[key] = {
            "key": key,
            "title": catalogue.theme_title(key, titles),
            "self": _tally(self_rated, key),
            "moderated": moderated,
            "by_org": {},
            "pct": moderated["pct_green"],
            "scored": moderated["n"],
            "met": moderated["green"],
        }
    by_counts: dict[tuple, dict] = {}  # organisations' counts repeat: each one's figures are worked out once
    places = [(themes[theme]["by_org"], at) for theme, at in layout.scored_theme_places(themes)]
    for org_id, values in returns:
        name = str(org_id)
        for by_org, at in places:
            if not values[at]:  # none of its criteria rated
                continue
            counts = (values[at], values[at + 1], values[at + 2])
            figures = by_counts.get(counts)
            if figures is None:
                rated, self_green, green = counts
                figures = by_counts[counts] = {
                    "n": rated,
                    "self_green": self_green,
                    "green": green,
                    "self_pct": pct(self_green, rated),
                    "pct": pct(green, rated),
                }
            by_org[name] = dict(figures)
    return list(themes.values())


def _rerated(rerated, criteria: dict[str, dict], canonical: dict[str, str]) -> list[dict]:
    """Criteria re-rated during the year, each with how many were re-rated and their ratings at submission (which
    every other figure uses) and now, in catalogue order, from the returns' (stored key, rating at submission,
    current rating) of each re-rated criterion."""
    pairs = []
    for key, submitted, current in rerated:
        criterion = criteria.get(canonical.get(key))
        if criterion is not None:
            pairs.append((criterion["key"], submitted, current, 1))
    at_submission, now = _rag_counts(pairs)
    found = Counter(key for key, *_ratings in pairs)
    return [
        {
            "key": key,
            "text": criteria[key]["text"],
            "n": found[key],
            "submitted": _tally(at_submission, key),
            "current": _tally(now, key),
        }
        for key in criteria
        if key in found
    ]
