"""A campaign's figures for one area: the organisations reporting to it (Organisation.areas; a partnership covering
two boroughs reports to two boards), with every count of organisations suppressed below MIN_CELL_SIZE.

The figures are those of the whole campaign (app.findings.figures.campaigns.campaign_snapshot) computed over the
area's organisations only, then:

- organisations by type and whether their return was received form one table with its totals (invited, received)
  and are suppressed as a round's breakdowns are (app.findings.suppression): a type's ratings are shown only where
  its count of returns received is;
- returns are counted as received or not (the five states of each return would be a second table over the same
  organisations, and hiding cells of both consistently is not worth it for an area);
- the practitioner survey keeps the area's organisations' triangulation rows; the partnership's agreement per
  theme and re-ratings during the year are not split by area and are left out.
"""

from __future__ import annotations

from app.findings import queries
from app.findings.figures.tallies import HIDDEN, RAGS, pct, settings, small_label
from app.findings.suppression import suppress


def campaign_areas(campaign_id: int) -> list[str]:
    """The areas the organisations invited to the campaign report to, in alphabetical order."""
    return sorted({area for row in queries.return_areas(campaign_id) for area in (row.areas or [])})


def chosen_area(campaign_id: int, requested: str | None, organisation_id: int | None) -> str | None:
    """The area (?area=) whose organisations the campaign's figures are for: for partnership staff only (no
    `organisation_id`), and only one of the areas the campaign's organisations report to; otherwise None, the
    whole partnership."""
    if organisation_id is not None or not requested or requested not in campaign_areas(campaign_id):
        return None
    return requested


def area_organisations(campaign_id: int, area: str) -> list[int]:
    """The ids of the organisations invited to the campaign that report to `area`."""
    return [row.organisation_id for row in queries.return_areas(campaign_id) if area in (row.areas or [])]


def area_figures(campaign, area: str, snapshot) -> dict:
    """The campaign's figures for the organisations of `area`, computed now with `snapshot` (campaign_snapshot) and
    suppressed. Not kept: the page is read far less often than the whole campaign's."""
    organisation_ids = area_organisations(campaign.id, area)
    figures = snapshot(campaign, organisation_ids)
    figures = suppressed(figures, settings()["min_cell_size"])
    survey = figures.get("survey")
    if survey:
        kept = [o for o in survey["organisations"] if o["id"] in set(organisation_ids)]
        figures["survey"] = {
            **survey,
            "organisations": kept,
            "organisations_shown": sum(1 for o in kept if o["shown"]),
            "themes": [],
        }
    figures["rerated"] = []
    figures["summary"]["rerated"] = 0
    figures["area"] = area
    figures["statements"] = queries.statement_coverage(queries.return_organisations(campaign.id, organisation_ids))
    return figures


def suppressed(figures: dict, min_size: int) -> dict:
    """The figures with every count of organisations below `min_size` hidden: organisation types × received or
    not, with row totals (invited per type), column totals (received, not received) and the grand total
    (invited), secondary suppression included; a type's ratings only where its returns received are shown."""
    types = figures["org_types"]
    matrix = [[t["received"], t["invited"] - t["received"]] for t in types]
    if matrix and not any(row[1] for row in matrix):  # every return received: no column of zeros to hide
        matrix = [row[:1] for row in matrix]
    cells, row_totals, col_totals, grand = suppress(matrix, min_size) if matrix else ([], [], [None], None)
    col_totals = [*col_totals, *([None] if len(col_totals) == 1 else [])]
    small = small_label(min_size)

    def show(cell):
        if cell is None:
            return 0
        if not cell.suppressed:
            return cell.count
        return small if cell.count < min_size else HIDDEN

    org_types = []
    for t, row, total in zip(types, cells, row_totals, strict=True):
        entry = {**t, "invited": show(total), "received": show(row[0]), "suppressed": row[0].suppressed}
        if row[0].suppressed:
            entry["self"] = _hidden_tally()
            entry["moderated"] = _hidden_tally()
        org_types.append(entry)
    received, not_received, invited = show(col_totals[0]), show(col_totals[1]), show(grand)
    summary = {
        **figures["summary"],
        "invited": invited,
        "received": received,
        "not_received": not_received,
        "pct_received": pct(received, invited) if isinstance(received, int) and isinstance(invited, int) else None,
        "by_state": {},
    }
    return {**figures, "org_types": org_types, "summary": summary, "suppressed_below": min_size}


def _hidden_tally() -> dict:
    return {**{rag: 0 for rag in RAGS}, "n": 0, "pct_green": None}
