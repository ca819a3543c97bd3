"""Charts of a self-assessment campaign: ratings side by side, heatmap, organisation types, triangulation."""

from __future__ import annotations

from app.findings.charts.base import (
    Chart,
    _labels,
    _percent_bar_height,
    bar,
    figure,
    fmt_pct,
)
from app.findings.charts.palette import GRID, OKABE_ITO, RAG_COLOURS
from app.findings.charts.rounds import percent_bars
from app.findings.figures import RAG_LABELS, RAGS

# --- self-assessment campaigns -------------------------------------------------------------------------------


def rag_side_by_side(chart_id: str, standards: list[dict], *, title: str) -> Chart | None:
    standards = [s for s in standards if s["self"]["n"] or s["moderated"]["n"]]
    if not standards:
        return None
    names = _labels((s["title"] for s in standards), 50)
    traces = []
    for axis, side in (("x", "self"), ("x2", "moderated")):
        for rag in RAGS:
            shares = [round(100.0 * s[side][rag] / s[side]["n"], 1) if s[side]["n"] else 0 for s in standards]
            traces.append(
                bar(
                    name=RAG_LABELS[rag],
                    y=names,
                    x=shares,
                    xaxis=axis,
                    yaxis="y",
                    orientation="h",
                    marker={"color": RAG_COLOURS[rag]},
                    customdata=[s[side][rag] for s in standards],
                    legendgroup=rag,
                    showlegend=axis == "x",
                    text=[RAG_LABELS[rag] if v >= 15 else "" for v in shares],
                    textposition="inside",
                    hovertemplate="%{y}<br>" + RAG_LABELS[rag] + ": %{customdata} (%{x}%)<extra></extra>",
                )
            )
    percent = {"range": [0, 100], "ticksuffix": "%", "gridcolor": GRID}
    titles = [
        {
            "text": text,
            "xref": "paper",
            "yref": "paper",
            "x": x,
            "y": 1,
            "yanchor": "bottom",
            "xanchor": "center",
            "showarrow": False,
            "font": {"size": 15},
        }
        for text, x in (("Self-assessed", 0.24), ("Agreed after challenge", 0.76))
    ]
    fig = figure(
        traces,
        height=_percent_bar_height(len(standards)) + 40,
        barmode="stack",
        annotations=titles,
        xaxis={**percent, "domain": [0, 0.48]},
        xaxis2={**percent, "domain": [0.52, 1], "anchor": "y"},
        margin={"t": 70},
        legend={"y": 1.08},
    )
    head = ["Standard"] + [f"Self-assessed {RAG_LABELS[r]}" for r in RAGS] + [f"Agreed {RAG_LABELS[r]}" for r in RAGS]
    rows = [[s["title"]] + [s["self"][r] for r in RAGS] + [s["moderated"][r] for r in RAGS] for s in standards]
    return Chart(chart_id, title, fig, head, rows)


def rag_heatmap(chart_id: str, heatmap: dict) -> Chart | None:
    organisations, standards = heatmap["organisations"], heatmap["standards"]
    if not organisations or not standards:
        return None
    score = {"red": 0, "amber": 1, "green": 2}
    z, text, table = [], [], []
    for org in organisations:
        cells = heatmap["cells"].get(str(org["id"]), {})
        z.append([score.get(cells.get(s["key"])) for s in standards])
        text.append([RAG_LABELS[cells.get(s["key"])] if cells.get(s["key"]) else "N/A" for s in standards])
        table.append([RAG_LABELS[cells.get(s["key"])] if cells.get(s["key"]) else "Not applicable" for s in standards])
    colourscale = [
        [0.0, RAG_COLOURS["red"]],
        [0.333, RAG_COLOURS["red"]],
        [0.333, RAG_COLOURS["amber"]],
        [0.666, RAG_COLOURS["amber"]],
        [0.666, RAG_COLOURS["green"]],
        [1.0, RAG_COLOURS["green"]],
    ]
    short = [f"S{i + 1}" for i in range(len(standards))]
    heat = {
        "type": "heatmap",
        "z": z,
        "x": short,
        "y": _labels((o["name"] for o in organisations), 40),
        "text": text,
        "texttemplate": "%{text}",
        "textfont": {"size": 13},
        "zmin": 0,
        "zmax": 2,
        "colorscale": colourscale,
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
        "customdata": [[s["title"] for s in standards] for _ in organisations],
        "hovertemplate": "%{y}<br>%{customdata}: %{text}<extra></extra>",
    }
    fig = figure(
        [heat],
        height=max(300, 80 + 34 * len(organisations)),
        percent_axis=None,
        show_legend=False,
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"side": "top", "automargin": True},
        margin={"t": 40},
    )
    head = ["Organisation"] + [f"{short[i]}: {s['title']}" for i, s in enumerate(standards)]
    rows = [[o["name"]] + row for o, row in zip(organisations, table)]
    return Chart(
        chart_id,
        "Agreed rating by organisation and standard",
        fig,
        head,
        rows,
        caption="A standard (S1, S2…, named in the table) is rated by its lowest agreed criterion rating; "
        "N/A: the standard does not apply to that type of organisation.",
    )


def org_type_chart(chart_id: str, types: list[dict]) -> Chart | None:
    items = [t for t in types if t["self"]["n"]]
    if not items:
        return None
    names = [t["label"] for t in items]
    fig = figure(
        [
            bar(
                name="Self-assessed Green",
                y=names,
                x=[t["self"]["pct_green"] for t in items],
                orientation="h",
                marker={"color": OKABE_ITO[1]},
                hovertemplate="%{y}: %{x}%<extra>Self-assessed</extra>",
            ),
            bar(
                name="Agreed Green",
                y=names,
                x=[t["moderated"]["pct_green"] for t in items],
                orientation="h",
                marker={"color": OKABE_ITO[0]},
                hovertemplate="%{y}: %{x}%<extra>Agreed</extra>",
            ),
        ],
        height=_percent_bar_height(2 * len(items)),
        barmode="group",
    )
    rows = [
        [t["label"], t["invited"], t["received"], fmt_pct(t["self"]["pct_green"]), fmt_pct(t["moderated"]["pct_green"])]
        for t in types
    ]
    return Chart(
        chart_id,
        "Criteria rated Green by organisation type",
        fig,
        ["Organisation type", "Invited", "Returns received", "Self-assessed Green", "Agreed Green"],
        rows,
    )


def triangulation_chart(chart_id: str, survey: dict) -> Chart | None:
    items = [t for t in survey["themes"] if t["pct"] is not None]
    if not items:
        return None
    return percent_bars(chart_id, items, title="Practitioners agreeing, by theme", label="Theme")


def theme_sources_chart(chart_id: str, data: dict) -> Chart | None:
    items = []
    for source in data["sources"]:
        for q in source["questions"]:
            if q["pct"] is not None:
                items.append(
                    {
                        "title": f"{source['title']}: {q['text']}",
                        "pct": q["pct"],
                        "met": q["met"],
                        "scored": q["scored"],
                    }
                )
    return percent_bars(chart_id, items, title="Latest results for each question on this theme", label="Question")
