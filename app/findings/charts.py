"""Plotly figures built on the server from the findings figures, each with the table of the same numbers.

Pages render a chart as `<div class="app-chart" data-figure="…">`; app/static/js/charts.js draws it
with the locally served plotly.min.js (no inline script or style, so the CSP holds). The table is
always shown under the chart in a details component, so nothing depends on seeing the colours.

Traces and layouts are written as plain dicts and sent as plotly's JSON figure format without building
plotly's Figure objects: their property-by-property machinery cost more than the aggregation on a busy findings
page (tests/findings/test_charts.py builds a validated plotly Figure from every figure a page sends instead).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import json

from app.findings.figures import RAG_LABELS, RAGS
from app.questionnaire import question_type

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
RAG_COLOURS = {"green": "#009E73", "amber": "#E69F00", "red": "#D55E00", None: "#999999"}
# Where a scale has two options with the same RAG (Outstanding and Good are both green), the better one is
# darker so the two stay apart without relying on hue.
RAG_SHADES = {"green": ("#00694C", "#009E73", "#5FC4A6"), "amber": ("#A87400", "#E69F00", "#F2C766"),
              "red": ("#9C4500", "#D55E00", "#E8995C")}
EXCLUDED_COLOUR = "#BBBBBB"
FONT = {"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"}
GRID = "#dddddd"


@dataclass
class PlotlyFigure:
    """A figure in plotly.js's JSON format: {"data": [traces], "layout": {...}}."""

    data: list[dict]
    layout: dict

    def to_json(self) -> str:
        return json.dumps({"data": self.data, "layout": self.layout}, separators=(",", ":"), allow_nan=False)


@dataclass
class Chart:
    id: str
    title: str
    figure: PlotlyFigure
    head: list[str]
    rows: list[list] = field(default_factory=list)
    caption: str | None = None

    def to_json(self) -> str:
        return self.figure.to_json()

    def drawn_from(self, *context) -> tuple:
        """Everything the chart's HTML is made from, with the caller's `context`: its key among kept fragments."""
        return ("chart", self.id, self.title, self.caption, self.head, self.rows, self.figure.data, self.figure.layout,
                *context)

    def table(self) -> dict:
        """govukTable parameters with the chart's figures."""
        def cell(value):
            if isinstance(value, int) and not isinstance(value, bool):
                return {"text": str(value), "format": "numeric"}
            if isinstance(value, float):
                return {"text": f"{value:g}", "format": "numeric"}
            return {"text": "–" if value is None else str(value)}

        return {
            "caption": self.title, "captionClasses": "govuk-visually-hidden", "firstCellIsHeader": True,
            "classes": "app-table--compact",
            "head": [{"text": h} for h in self.head],
            "rows": [[cell(v) for v in row] for row in self.rows],
        }


def figure(traces: list[dict], *, height: int, percent_axis: str | None = "x", show_legend: bool = True,
           **layout) -> PlotlyFigure:
    base = {
        "template": {}, "font": FONT, "height": height, "margin": {"l": 10, "r": 30, "t": 10, "b": 40},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "showlegend": show_legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"},
    }
    if percent_axis == "x":
        base["xaxis"] = {"range": [0, 100], "ticksuffix": "%", "gridcolor": GRID, "automargin": True}
        base["yaxis"] = {"automargin": True, "autorange": "reversed"}
    elif percent_axis == "y":
        base["yaxis"] = {"range": [0, 100], "ticksuffix": "%", "gridcolor": GRID, "automargin": True}
        base["xaxis"] = {"automargin": True}
    for key, value in layout.items():
        base[key] = {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return PlotlyFigure(data=traces, layout=base)


def bar(**trace) -> dict:
    return {"type": "bar", **trace}


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _labels(texts, limit: int = 60) -> list[str]:
    """Shortened axis labels, kept distinct: plotly draws equal category labels as one bar."""
    labels, seen = [], {}
    for text in texts:
        label = _short(text, limit)
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return labels


def fmt_pct(value) -> str:
    return "–" if value is None else f"{value:g}%"


def option_colours(options: list[dict]) -> dict[str, str]:
    colours: dict[str, str] = {}
    palette = iter(OKABE_ITO)
    per_rag: dict[str, int] = {}
    for option in options:
        if option.get("rag") and not option.get("excluded"):
            per_rag[option["rag"]] = per_rag.get(option["rag"], 0) + 1
    seen: dict[str, int] = {}
    for option in options:
        rag = option.get("rag")
        if option.get("excluded"):
            colours[option["value"]] = EXCLUDED_COLOUR
        elif rag in RAG_SHADES and per_rag[rag] > 1:
            colours[option["value"]] = RAG_SHADES[rag][min(seen.get(rag, 0), 2)]
            seen[rag] = seen.get(rag, 0) + 1
        elif rag in RAG_COLOURS:
            colours[option["value"]] = RAG_COLOURS[rag]
        else:
            colours[option["value"]] = next(palette, "#666666")
    return colours


def option_name(option: dict) -> str:
    rag = option.get("rag")
    if rag and RAG_LABELS[rag].lower() not in option["label"].lower():
        return f"{option['label']} ({RAG_LABELS[rag].lower()})"
    return option["label"]


def _percent_bar_height(rows: int) -> int:
    return max(260, 60 + 38 * rows)


# --- case audit rounds ---------------------------------------------------------------------------------------

def question_distributions(chart_id: str, questions: list[dict]) -> list[Chart]:
    """Stacked bars of the share of answers given each option: one chart per set of options (a scale, or a
    choice question's own options), so every bar in a chart reads against the same legend."""
    groups: dict[tuple, list[dict]] = {}
    for q in questions:
        if question_type(q["type"]).is_charted and q["answered"]:
            groups.setdefault(tuple((o["value"], o["label"]) for o in q["options"]), []).append(q)
    charts = []
    for n, members in enumerate(groups.values(), start=1):
        labels = " / ".join(o["label"] for o in members[0]["options"])
        title = (f"Answers to “{members[0]['text']}”" if len(members) == 1 and not members[0]["scored_question"]
                 else f"Ratings given ({labels})")
        charts.append(question_distribution(f"{chart_id}-{n}", members, title=title))
    return charts


def question_distribution(chart_id: str, questions: list[dict], *, title: str) -> Chart:
    labels = [f"{_short(q['text'])} ({q['key']})" for q in questions]
    options = questions[0]["options"]
    colours = option_colours(options)
    traces = []
    for option in options:
        value = option["value"]
        shares = [round(100.0 * q["counts"].get(value, 0) / q["answered"], 1) if q["answered"] else 0
                  for q in questions]
        counts = [q["counts"].get(value, 0) for q in questions]
        traces.append(bar(name=option_name(option), y=labels, x=shares, orientation="h", customdata=counts,
                          marker={"color": colours[value]}, text=[f"{v:g}%" if v >= 8 else "" for v in shares],
                          textposition="inside", insidetextanchor="middle",
                          hovertemplate="%{y}<br>" + option_name(option) + ": %{customdata} (%{x}%)<extra></extra>"))
    fig = figure(traces, height=_percent_bar_height(len(questions)) + 40, barmode="stack")
    scored = any(q["scored_question"] for q in questions)
    head = ["Question"] + [option_name(o) for o in options] + ["Answers"] + (["Meeting the standard"] if scored else [])
    rows = [[q["text"]] + [q["counts"].get(o["value"], 0) for o in options] + [q["answered"]]
            + ([_met_text(q)] if scored else []) for q in questions]
    return Chart(chart_id, title, fig, head, rows)


def _met_text(entry: dict) -> str:
    if entry.get("pct") is None:
        return "–"
    return f"{entry['pct']:g}% ({entry['met']} of {entry['scored']})"


def percent_bars(chart_id: str, items: list[dict], *, title: str, label: str, label_key: str = "title",
                 thresholds: tuple[float, float] | None = None) -> Chart | None:
    """One horizontal bar per item: % meeting the standard, with n in the table."""
    items = [i for i in items if i.get("pct") is not None]
    if not items:
        return None
    names = _labels(i[label_key] for i in items)
    trace = bar(y=names, x=[i["pct"] for i in items], orientation="h", marker={"color": OKABE_ITO[0]},
                text=[f"{i['pct']:g}%" for i in items], textposition="auto",
                customdata=[[i.get("met"), i.get("scored")] for i in items], name="Meeting the standard",
                hovertemplate="%{y}: %{x}% (%{customdata[0]} of %{customdata[1]})<extra></extra>")
    shapes, annotations = [], []
    marks = [(thresholds[0], "strength", "left"), (thresholds[1], "improvement", "right")] if thresholds else []
    for value, name, anchor in marks:
        shapes.append({"type": "line", "layer": "below", "xref": "x", "yref": "paper", "x0": value, "x1": value,
                       "y0": 0, "y1": 1,
                       "line": {"dash": "dash", "color": "#505a5f"}})
        annotations.append({"xref": "x", "yref": "paper", "x": value, "y": 1, "yanchor": "bottom",
                            "xanchor": anchor, "text": f"{value:g}% {name}", "showarrow": False})
    fig = figure([trace], height=_percent_bar_height(len(items)), show_legend=False, shapes=shapes,
                 annotations=annotations, margin={"t": 30})
    rows = [[i[label_key], _met_text(i), i.get("scored")] for i in items]
    return Chart(chart_id, title, fig, [label, "Meeting the standard", "Answers scored"], rows)


STANDARD_BANDS = (("met", "Meets the standard", RAG_COLOURS["green"]),
                  ("partly", "Partly meets the standard", RAG_COLOURS["amber"]),
                  ("not_met", "Does not meet the standard", RAG_COLOURS["red"]))


def standard_distribution(chart_id: str, items: list[dict], *, title: str, label: str,
                          label_key: str = "title") -> Chart | None:
    """Stacked bars: of the scored answers, the share meeting, partly meeting and not meeting the standard."""
    items = [i for i in items if i.get("scored")]
    if not items:
        return None
    names = _labels(i[label_key] for i in items)
    traces = []
    for key, name, colour in STANDARD_BANDS:
        shares = [round(100.0 * i.get(key, 0) / i["scored"], 1) for i in items]
        traces.append(bar(name=name, y=names, x=shares, orientation="h", customdata=[i.get(key, 0) for i in items],
                          marker={"color": colour}, text=[f"{v:g}%" if v >= 8 else "" for v in shares],
                          textposition="inside", insidetextanchor="middle",
                          hovertemplate="%{y}<br>" + name + ": %{customdata} (%{x}%)<extra></extra>"))
    fig = figure(traces, height=_percent_bar_height(len(items)) + 40, barmode="stack")
    head = [label, "Meets", "Partly", "Does not meet", "Answers scored", "Share meeting the standard"]
    rows = [[i[label_key], i.get("met", 0), i.get("partly", 0), i.get("not_met", 0), i["scored"], fmt_pct(i["pct"])]
            for i in items]
    return Chart(chart_id, title, fig, head, rows)


def own_vs_partnership(chart_id: str, items: list[dict], *, title: str, own_name: str) -> Chart | None:
    items = [i for i in items if i.get("pct") is not None]
    if not items:
        return None
    names = _labels(i["title"] if "title" in i else i["text"] for i in items)
    own = [(i.get("own") or {}).get("pct") for i in items]
    fig = figure([
        bar(name=own_name, y=names, x=own, orientation="h", marker={"color": OKABE_ITO[1]},
            hovertemplate="%{y}: %{x}%<extra>" + own_name.replace("<", "") + "</extra>"),
        bar(name="Partnership", y=names, x=[i["pct"] for i in items], orientation="h",
            marker={"color": OKABE_ITO[0]}, hovertemplate="%{y}: %{x}%<extra>Partnership</extra>"),
    ], height=_percent_bar_height(2 * len(items)), barmode="group")
    rows = [[i["title"] if "title" in i else i["text"], _met_text(i.get("own") or {}), _met_text(i)] for i in items]
    return Chart(chart_id, title, fig, ["", own_name, "Partnership"], rows)


def count_bars(chart_id: str, items: list[tuple[str, int]], *, title: str, label: str, value_label: str,
               colours: list[str] | None = None) -> Chart | None:
    if not any(n for _, n in items):
        return None
    fig = figure([bar(x=[name for name, _ in items], y=[n for _, n in items], text=[n for _, n in items],
                      textposition="auto", marker={"color": colours or OKABE_ITO[0]}, name=value_label,
                      hovertemplate="%{x}: %{y}<extra></extra>")],
                 height=320, percent_axis=None, show_legend=False,
                 yaxis={"gridcolor": GRID, "rangemode": "tozero", "title": {"text": value_label}},
                 xaxis={"automargin": True})
    return Chart(chart_id, title, fig, [label, value_label], [[name, n] for name, n in items])


def breakdown_chart(chart_id: str, table: dict) -> Chart | None:
    """% meeting the standard per group; suppressed groups are left out of the chart (the table says why)."""
    items = [{"title": r["label"], "pct": r["pct"]} for r in table["rows"] if r["pct"] is not None]
    if not items:
        return None
    fig = figure([bar(x=[i["title"] for i in items], y=[i["pct"] for i in items], marker={"color": OKABE_ITO[4]},
                      text=[f"{i['pct']:g}%" for i in items], textposition="auto",
                      hovertemplate="%{x}: %{y}%<extra></extra>")], height=320, percent_axis="y", show_legend=False)
    head = [table["title"]] + [c["label"] for c in table["columns"]] + ["All cases", "Criteria meeting the standard"]
    rows = [[r["label"]] + r["cells"] + [r["total"], fmt_pct(r["pct"])] for r in table["rows"]]
    rows.append(["Total"] + table["totals"]["cells"] + [table["totals"]["total"], fmt_pct(table["totals"]["pct"])])
    return Chart(chart_id, f"Criteria meeting the standard by {table['title'].lower()}", fig, head, rows)


def agreed_vs_self(chart_id: str, questions: list[dict]) -> Chart | None:
    items = [q for q in questions if q.get("pct") is not None]
    if not items:
        return None
    names = _labels(q["text"] for q in items)
    fig = figure([
        bar(name="Agencies' own ratings", y=names, x=[q["self_pct"] for q in items], orientation="h",
            marker={"color": OKABE_ITO[1]}, hovertemplate="%{y}: %{x}%<extra>Agencies</extra>"),
        bar(name="Agreed by the panel", y=names, x=[q["pct"] for q in items], orientation="h",
            marker={"color": OKABE_ITO[0]}, hovertemplate="%{y}: %{x}%<extra>Agreed</extra>"),
    ], height=_percent_bar_height(2 * len(items)), barmode="group")
    rows = [[q["text"], fmt_pct(q["self_pct"]), _met_text(q)] for q in items]
    return Chart(chart_id, "Criteria meeting the standard: agencies' ratings and agreed ratings", fig,
                 ["Question", "Agencies' own ratings", "Agreed by the panel"], rows)


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
            traces.append(bar(name=RAG_LABELS[rag], y=names, x=shares, xaxis=axis, yaxis="y", orientation="h",
                              marker={"color": RAG_COLOURS[rag]}, customdata=[s[side][rag] for s in standards],
                              legendgroup=rag, showlegend=axis == "x",
                              text=[RAG_LABELS[rag] if v >= 15 else "" for v in shares], textposition="inside",
                              hovertemplate="%{y}<br>" + RAG_LABELS[rag]
                              + ": %{customdata} (%{x}%)<extra></extra>"))
    percent = {"range": [0, 100], "ticksuffix": "%", "gridcolor": GRID}
    titles = [{"text": text, "xref": "paper", "yref": "paper", "x": x, "y": 1, "yanchor": "bottom",
               "xanchor": "center", "showarrow": False, "font": {"size": 15}}
              for text, x in (("Self-assessed", 0.24), ("Agreed after challenge", 0.76))]
    fig = figure(traces, height=_percent_bar_height(len(standards)) + 40, barmode="stack", annotations=titles,
                 xaxis={**percent, "domain": [0, 0.48]}, xaxis2={**percent, "domain": [0.52, 1], "anchor": "y"},
                 margin={"t": 70}, legend={"y": 1.08})
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
        table.append([RAG_LABELS[cells.get(s["key"])] if cells.get(s["key"]) else "Not applicable"
                      for s in standards])
    colourscale = [[0.0, RAG_COLOURS["red"]], [0.333, RAG_COLOURS["red"]], [0.333, RAG_COLOURS["amber"]],
                   [0.666, RAG_COLOURS["amber"]], [0.666, RAG_COLOURS["green"]], [1.0, RAG_COLOURS["green"]]]
    short = [f"S{i + 1}" for i in range(len(standards))]
    heat = {"type": "heatmap", "z": z, "x": short, "y": _labels((o["name"] for o in organisations), 40),
            "text": text, "texttemplate": "%{text}", "textfont": {"size": 13}, "zmin": 0, "zmax": 2,
            "colorscale": colourscale, "showscale": False,
            "xgap": 2, "ygap": 2, "customdata": [[s["title"] for s in standards] for _ in organisations],
            "hovertemplate": "%{y}<br>%{customdata}: %{text}<extra></extra>"}
    fig = figure([heat], height=max(300, 80 + 34 * len(organisations)), percent_axis=None, show_legend=False,
                 yaxis={"autorange": "reversed", "automargin": True}, xaxis={"side": "top", "automargin": True},
                 margin={"t": 40})
    head = ["Organisation"] + [f"{short[i]}: {s['title']}" for i, s in enumerate(standards)]
    rows = [[o["name"]] + row for o, row in zip(organisations, table)]
    return Chart(chart_id, "Agreed rating by organisation and standard", fig, head, rows,
                 caption="A standard (S1, S2…, named in the table) is rated by its lowest agreed criterion rating; "
                         "N/A: the standard does not apply to that type of organisation.")


def org_type_chart(chart_id: str, types: list[dict]) -> Chart | None:
    items = [t for t in types if t["self"]["n"]]
    if not items:
        return None
    names = [t["label"] for t in items]
    fig = figure([
        bar(name="Self-assessed Green", y=names, x=[t["self"]["pct_green"] for t in items], orientation="h",
            marker={"color": OKABE_ITO[1]}, hovertemplate="%{y}: %{x}%<extra>Self-assessed</extra>"),
        bar(name="Agreed Green", y=names, x=[t["moderated"]["pct_green"] for t in items], orientation="h",
            marker={"color": OKABE_ITO[0]}, hovertemplate="%{y}: %{x}%<extra>Agreed</extra>"),
    ], height=_percent_bar_height(2 * len(items)), barmode="group")
    rows = [[t["label"], t["invited"], t["received"], fmt_pct(t["self"]["pct_green"]),
             fmt_pct(t["moderated"]["pct_green"])] for t in types]
    return Chart(chart_id, "Criteria rated Green by organisation type", fig,
                 ["Organisation type", "Invited", "Returns received", "Self-assessed Green", "Agreed Green"], rows)


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
                items.append({"title": f"{source['title']}: {q['text']}", "pct": q["pct"], "met": q["met"],
                              "scored": q["scored"]})
    return percent_bars(chart_id, items, title="Latest results for each question on this theme", label="Question")


# --- trends and spread ---------------------------------------------------------------------------------------

def trend_lines(chart_id: str, trend: dict, *, items_key: str = "themes", title: str) -> Chart | None:
    periods = trend["periods"]
    items = [i for i in trend[items_key] if any(i["periods"].get(str(p["id"]), {}).get("pct") is not None
                                                 for p in periods)]
    if not periods or not items:
        return None
    labels = [p["label"] for p in periods]
    traces = []
    for n, item in enumerate(items):
        name = item.get("title") or _short(item.get("text", item["key"]), 40)
        values = [item["periods"].get(str(p["id"]), {}).get("pct") for p in periods]
        traces.append({"type": "scatter", "x": labels, "y": values, "mode": "lines+markers", "name": name,
                       "line": {"color": OKABE_ITO[n % len(OKABE_ITO)],
                                "dash": ("solid", "dash", "dot", "dashdot")[(n // len(OKABE_ITO)) % 4]},
                       "hovertemplate": "%{x}: %{y}%<extra>" + name.replace("<", "") + "</extra>"})
    fig = figure(traces, height=420, percent_axis="y")
    head = ["" if items_key == "themes" else "Question"] + labels
    rows = [[i.get("title") or i.get("text")] + [fmt_pct(i["periods"].get(str(p["id"]), {}).get("pct"))
                                                 for p in periods] for i in items]
    return Chart(chart_id, title, fig, head, rows)


def spread_chart(chart_id: str, themes: list[dict], *, own_name: str, title: str) -> Chart | None:
    """Box per theme (quartiles of organisations' results) with the organisation's own result marked."""
    items = [t for t in themes if t.get("n")]
    if not items:
        return None
    names = _labels((t["title"] for t in items), 40)
    fig = figure([
        {"type": "box", "name": "Partnership (organisations)", "y": names, "q1": [t["q1"] for t in items],
         "median": [t["median"] for t in items], "q3": [t["q3"] for t in items],
         "lowerfence": [t["min"] for t in items], "upperfence": [t["max"] for t in items],
         "mean": [t["mean"] for t in items], "orientation": "h", "marker": {"color": OKABE_ITO[0]},
         "fillcolor": "#cfe3f2"},
        {"type": "scatter", "name": own_name, "y": names, "x": [t["own"] for t in items], "mode": "markers",
         "marker": {"symbol": "diamond", "size": 13, "color": OKABE_ITO[5]},
         "hovertemplate": "%{y}: %{x}%<extra>" + own_name.replace("<", "") + "</extra>"},
    ], height=_percent_bar_height(len(items)) + 40)
    rows = [[t["title"], fmt_pct(t["own"]), fmt_pct(t["median"]), f"{fmt_pct(t['q1'])} to {fmt_pct(t['q3'])}",
             f"{fmt_pct(t['min'])} to {fmt_pct(t['max'])}", fmt_pct(t["mean"]), t["n"]] for t in items]
    return Chart(chart_id, title, fig, ["Theme", own_name, "Median", "Middle half (quartiles)", "Range", "Mean",
                                        "Organisations"], rows)


# --- page assemblies -----------------------------------------------------------------------------------------

def _has_partial(questions: list[dict]) -> bool:
    return any(o.get("partial") for q in questions for o in q["options"])


def round_charts(figures: dict, *, own_name: str | None = None) -> dict[str, Chart | None]:
    cfg = figures["settings"]
    charts: dict[str, Chart | None] = {
        "questions": question_distributions("chart-questions", figures["questions"]),
        "agreed_grades": count_bars("chart-agreed-grades",
                                    [(g["label"], g["count"]) for g in figures["agreed"]["grades"]],
                                    title="Agreed overall grade of each case", label="Grade", value_label="Cases"),
        "agreed_vs_self": agreed_vs_self("chart-agreed-questions", figures["agreed"]["questions"]),
    }
    if _has_partial(figures["questions"]):
        charts["themes_standard"] = standard_distribution(
            "chart-themes-standard", figures["themes"], label="Theme",
            title="Criteria meeting, partly meeting and not meeting the standard, by theme")
        charts["questions_standard"] = standard_distribution(
            "chart-questions-standard", [q for q in figures["questions"] if q["scored_question"] and not q["overall"]],
            label="Question", label_key="text",
            title="Criteria meeting, partly meeting and not meeting the standard, by question")
    if own_name:
        charts["themes"] = own_vs_partnership("chart-themes", figures["themes"], own_name=own_name,
                                              title="Criteria meeting the standard, by theme")
        charts["own_questions"] = own_vs_partnership(
            "chart-own-questions", [q for q in figures["questions"] if q["scored_question"] and not q["overall"]],
            own_name=own_name, title="Criteria meeting the standard, by question")
        return charts
    charts["themes"] = percent_bars("chart-themes", figures["themes"], title="Criteria meeting the standard, by theme",
                                    label="Theme", thresholds=(cfg["strength"], cfg["improvement"]))
    charts["agencies"] = percent_bars("chart-agencies", figures["agencies"], label_key="name", label="Agency",
                                      title="Criteria meeting the standard, by agency")
    for key, table in figures["breakdowns"].items():
        charts[f"breakdown_{key}"] = breakdown_chart(f"chart-breakdown-{key.replace('_', '-')}", table)
    return charts


def campaign_charts(figures: dict, *, own_name: str | None = None) -> dict[str, Chart | None]:
    summary = figures["summary"]
    states = [("Not started", "not_started"), ("In progress", "in_progress"), ("Submitted", "submitted"),
              ("Returned for changes", "returned"), ("Accepted", "accepted")]
    charts: dict[str, Chart | None] = {
        "standards": rag_side_by_side("chart-standards", figures["standards"],
                                      title="Ratings by standard: self-assessed and agreed"),
        "themes": percent_bars("chart-themes", figures["themes"], title="Criteria agreed Green, by theme",
                               label="Theme",
                               thresholds=(figures["settings"]["strength"], figures["settings"]["improvement"])),
    }
    if own_name:
        return charts
    charts["returns"] = count_bars("chart-returns", [(label, summary["by_state"].get(key, 0)) for label, key in states],
                                   title="Returns by state", label="State", value_label="Organisations")
    charts["heatmap"] = rag_heatmap("chart-heatmap", figures["heatmap"])
    charts["org_types"] = org_type_chart("chart-org-types", figures["org_types"])
    if figures.get("survey"):
        charts["survey"] = triangulation_chart("chart-survey", figures["survey"])
    if figures.get("statements"):
        charts["statements"] = count_bars("chart-statements", [(s["label"], s["count"])
                                                               for s in figures["statements"]["statuses"]],
                                          title="Child Safeguarding Statements of these organisations",
                                          label="Statement", value_label="Organisations")
    return charts
