"""Practitioner survey figures of a campaign: triangulation per organisation and the partnership's agreement."""

from __future__ import annotations

from app.questionnaire import theme_titles
from app.selfassessment import queries as sa_queries


def survey_figures(campaign, theme_rags=None, named=None, counted=None) -> dict | None:
    """Triangulation of each organisation's self-assessed rating per theme with its practitioners' agreement, from
    app.selfassessment.queries.triangulation (the one implementation the self-assessment pages use too: results
    only from a closed survey's frozen, noised snapshot, never a figure from fewer than MIN_CELL_SIZE
    practitioners), and the partnership's agreement per theme, exact and current, for partnership staff only
    ("themes"; organisations see survey_partnership instead). `theme_rags` (themes -> ratings by organisation and
    theme) gives the self-assessed side when the caller has already read the ratings, `named` the campaign's
    organisations, (id, name, type) in order of name, and `counted` its survey's snapshots and counts
    (app.selfassessment.survey_tally.survey_counts).
    """
    if campaign.survey_version_id is None:
        return None
    min_size = sa_queries.min_cell_size()
    threshold = float(sa_queries.agreement_threshold())
    organisations: dict[int, dict] = {}
    frozen = counted.frozen if counted is not None else None
    for row in sa_queries.triangulation(campaign.id, theme_rags=theme_rags, organisations=named, frozen=frozen):
        entry = organisations.get(row.organisation_id)
        if entry is None:
            entry = organisations[row.organisation_id] = {
                "id": row.organisation_id,
                "name": row.organisation_name,
                "status": row.status,
                "shown": isinstance(row.respondents, int),
                "responses": row.respondents,
                "themes": {},
                "mismatches": [],
            }
        self_rag = row.self_rag
        if self_rag is None and row.suppressed:
            continue
        entry["themes"][row.theme] = {
            "self_rag": self_rag.worst_self if self_rag else None,
            "status": row.status,
            "agree_pct": row.agree_percent,
        }
        if row.mismatch:
            entry["mismatches"].append(row.theme)
    exact = sa_queries.partnership_survey_figures(campaign, counted)
    titles = theme_titles()
    shared = sa_queries.shared_themes(campaign)
    themes = []
    for key in shared:
        tally = exact["themes"].get(key)
        if tally is None or tally["status"] != "shown":
            continue
        themes.append(
            {
                "key": key,
                "title": titles.get(key, key),
                "scored": tally["scored"],
                "met": tally["agreeing"],
                "pct": tally["percent"],
            }
        )
    columns = [
        {"key": key, "title": titles.get(key, key)}
        for key in shared
        if any(key in o["themes"] for o in organisations.values())
    ]
    shown = [o for o in organisations.values() if o["shown"]]
    return {
        "min_cell_size": min_size,
        "threshold": threshold,
        "responses_shown": exact["respondents"],
        "organisations_counted": exact["organisations"],
        "organisations_shown": len(shown),
        "themes": themes,
        "columns": columns,
        "organisations": sorted(organisations.values(), key=lambda o: o["name"]),
    }


def survey_partnership(campaign, snapshots=None) -> list[dict] | None:
    """The partnership's agreement per theme as frozen when the campaign closed: what organisations may compare
    themselves with (None until then). `snapshots`: the campaign's survey_snapshots, when the caller has them."""
    if campaign.survey_version_id is None:
        return None
    if snapshots is None:
        frozen = sa_queries.partnership_survey_snapshot(campaign.id)
    else:
        frozen = sa_queries.comparable(snapshots.get(None))
    if frozen is None:
        return None
    titles = theme_titles()
    return [
        {"key": key, "title": titles.get(key, key), "pct": frozen["themes"][key]["percent"]}
        for key in sa_queries.shared_themes(campaign)
        if (frozen["themes"].get(key) or {}).get("status") == "shown"
    ]
