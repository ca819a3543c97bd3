"""What a reader outside partnership staff may see of the findings figures.

own_view keeps the partnership's figures and the reader's own organisation's, and drops every other
organisation's; without_small_spreads hides a spread across organisations too few to stay anonymous.
"""

from __future__ import annotations

from app.findings.figures.tallies import spread

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
    if "agreement" in figures:  # how far each named agency drifted from the agreed ratings is for staff only
        restricted["agreement"] = {**figures["agreement"], "drift": []}
    restricted["restricted_to"] = organisation_id
    return restricted


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
