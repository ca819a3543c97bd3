"""Chart colours readable with the common colour-vision deficiencies, and option names that say their rating in
words, so no chart relies on colour alone."""

from __future__ import annotations

from app.findings.figures import RAG_LABELS

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
RAG_COLOURS = {"green": "#009E73", "amber": "#E69F00", "red": "#D55E00", None: "#999999"}
# Where a scale has two options with the same RAG (Outstanding and Good are both green), the better one is
# darker so the two stay apart without relying on hue.
RAG_SHADES = {
    "green": ("#00694C", "#009E73", "#5FC4A6"),
    "amber": ("#A87400", "#E69F00", "#F2C766"),
    "red": ("#9C4500", "#D55E00", "#E8995C"),
}
EXCLUDED_COLOUR = "#BBBBBB"
FONT = {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"}
GRID = "#dddddd"


def option_colours(options: list[dict]) -> dict[str, str]:
    """A colour for each option, in option order: a RAG option its RAG colour (shades of it where a scale has two
    options of the same RAG), an excluded one ("Not applicable") light grey, and every other answer of a choice or
    yes/no question its own Okabe–Ito colour, so no two answers in one legend share a colour."""
    colours: dict[str, str] = {}
    per_rag: dict[str, int] = {}
    for option in options:
        if option.get("rag") in RAG_SHADES and not option.get("excluded"):
            per_rag[option["rag"]] = per_rag.get(option["rag"], 0) + 1
    palette = iter([c for c in OKABE_ITO if c not in {RAG_COLOURS[rag] for rag in per_rag}])
    seen: dict[str, int] = {}
    for option in options:
        rag = option.get("rag")
        if option.get("excluded"):
            colours[option["value"]] = EXCLUDED_COLOUR
        elif rag in RAG_SHADES and per_rag[rag] > 1:
            colours[option["value"]] = RAG_SHADES[rag][min(seen.get(rag, 0), 2)]
            seen[rag] = seen.get(rag, 0) + 1
        elif rag in RAG_SHADES:
            colours[option["value"]] = RAG_COLOURS[rag]
        else:  # no RAG (a choice's options carry "rag": None): the next colour of the palette
            colours[option["value"]] = next(palette, "#666666")
    return colours


def option_name(option: dict) -> str:
    rag = option.get("rag")
    if rag and RAG_LABELS[rag].lower() not in option["label"].lower():
        return f"{option['label']} ({RAG_LABELS[rag].lower()})"
    return option["label"]
