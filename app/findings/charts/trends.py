"""Charts over time and across organisations: trend lines, small multiples (one small chart per theme or question
on a shared percentage axis) and the spread around an organisation's own result."""

from __future__ import annotations

from app.findings.charts.base import (
    Chart,
    _labels,
    _percent_bar_height,
    _short,
    figure,
    fmt_pct,
)
from app.findings.charts.palette import GRID, OKABE_ITO

# --- trends and spread ---------------------------------------------------------------------------------------

PANEL_COLUMNS = 3
PANEL_HEIGHT = 190
PANEL_GAP = (0.06, 95)  # between columns (share of the width), between rows (pixels, room for the next title)
PANEL_TOP = 40
DEFAULT_QUESTIONS = 6  # drawn until the reader chooses others  # pixels above the first row, for its titles


def _period_ticks(periods: list[dict]) -> list[str]:
    """Short labels for the periods on a small chart's axis: a round's month or a campaign's cycle, kept distinct."""
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

    def tick(period: dict) -> str:
        date = str(period.get("date") or "")
        if period.get("kind") == "round" and len(date) >= 7 and date[5:7].isdigit():
            return f"{months[int(date[5:7]) - 1]} {date[:4]}"
        return date or period["label"]

    return _labels((tick(p) for p in periods), 20)


def _wrapped(text: str, width: int = 44, lines: int = 2) -> str:
    """A small chart's title on at most `lines` lines of about `width` characters (plotly breaks lines at <br>)."""
    words, out = text.replace("<", "").split(), [""]
    for word in words:
        if out[-1] and len(out[-1]) + 1 + len(word) > width:
            if len(out) == lines:
                out[-1] = _short(out[-1] + " " + word, width)
                break
            out.append("")
        out[-1] = f"{out[-1]} {word}".strip()
    return "<br>".join(out)


def _with_data(trend: dict, items_key: str) -> list[dict]:
    return [
        i
        for i in trend[items_key]
        if any(i["periods"].get(str(p["id"]), {}).get("pct") is not None for p in trend["periods"])
    ]


def small_multiples(
    chart_id: str, trend: dict, *, items_key: str = "themes", title: str, keys: list[str] | None = None
) -> Chart | None:
    """One small line chart per theme (or question) over the periods, all on the same 0–100% axis, so each line
    reads on its own instead of among twenty. `keys`: only these items (the questions the reader chose)."""
    periods = trend["periods"]
    items = _with_data(trend, items_key)
    if keys is not None:
        items = [i for i in items if i["key"] in keys]
    if not periods or not items:
        return None
    ticks = _period_ticks(periods)
    columns = min(PANEL_COLUMNS, len(items))
    rows = -(-len(items) // columns)
    gap_x, gap_y = PANEL_GAP
    height = PANEL_TOP + rows * PANEL_HEIGHT + (rows - 1) * gap_y + 50
    width = (1 - gap_x * (columns - 1)) / columns
    traces, layout, annotations = [], {}, []
    for n, item in enumerate(items):
        row, column = divmod(n, columns)
        suffix = "" if n == 0 else str(n + 1)
        name = item.get("title") or item.get("text", item["key"])
        values = [item["periods"].get(str(p["id"]), {}).get("pct") for p in periods]
        traces.append(
            {
                "type": "scatter",
                "x": ticks,
                "y": values,
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "mode": "lines+markers+text",
                "name": _short(name, 60),
                "text": [fmt_pct(v) if v is not None else "" for v in values],
                "textposition": "top center",
                "cliponaxis": False,
                "customdata": [p["label"] for p in periods],
                "line": {"color": OKABE_ITO[0], "width": 3},
                "marker": {"size": 8, "color": OKABE_ITO[0]},
                "hovertemplate": "%{customdata}: %{y}%<extra></extra>",
            }
        )
        x0 = column * (width + gap_x)
        top = height - PANEL_TOP - row * (PANEL_HEIGHT + gap_y)
        y1, y0 = top / height, (top - PANEL_HEIGHT) / height
        layout[f"xaxis{suffix}"] = {
            "domain": [x0, x0 + width],
            "anchor": f"y{suffix}",
            "type": "category",
            "range": [-0.4, len(periods) - 0.6],
            "automargin": True,
            "tickfont": {"size": 12},
        }
        layout[f"yaxis{suffix}"] = {
            "domain": [y0, y1],
            "anchor": f"x{suffix}",
            "range": [0, 112],
            "tickvals": [0, 50, 100],
            "ticktext": ["0%", "50%", "100%"],
            "gridcolor": GRID,
            "showticklabels": column == 0,
            **({"matches": "y"} if n else {}),
        }
        annotations.append(
            {
                "xref": "paper",
                "yref": "paper",
                "x": x0,
                "y": y1,
                "xanchor": "left",
                "yanchor": "bottom",
                "yshift": 6,
                "align": "left",
                "showarrow": False,
                "text": _wrapped(name),
                "font": {"size": 14, "color": "#0b0c0c"},
            }
        )
    fig = figure(
        traces,
        height=height,
        percent_axis=None,
        show_legend=False,
        margin={"l": 50, "r": 20, "t": 10, "b": 40},
        annotations=annotations,
        **layout,
    )
    label = "Theme" if items_key == "themes" else "Question"
    head = [label] + [p["label"] for p in periods]
    table = [
        [i.get("title") or i.get("text")] + [fmt_pct(i["periods"].get(str(p["id"]), {}).get("pct")) for p in periods]
        for i in items
    ]
    return Chart(chart_id, title, fig, head, table)


def question_choices(trend: dict) -> list[dict]:
    """The questions with a figure in any period, as (key, text) for the reader to choose from."""
    return [{"key": q["key"], "text": q["text"]} for q in _with_data(trend, "questions")]


def chosen_questions(trend: dict, requested: list[str]) -> list[str]:
    """The keys of the questions to draw: those the reader asked for that have figures, in catalogue order, or,
    when none is asked for, the first DEFAULT_QUESTIONS."""
    keys = [q["key"] for q in question_choices(trend)]
    chosen = [key for key in keys if key in set(requested)]
    return chosen or keys[:DEFAULT_QUESTIONS]


def spread_chart(chart_id: str, themes: list[dict], *, own_name: str, title: str) -> Chart | None:
    """Box per theme (quartiles of organisations' results) with the organisation's own result marked."""
    items = [t for t in themes if t.get("n")]
    if not items:
        return None
    names = _labels((t["title"] for t in items), 40)
    fig = figure(
        [
            {
                "type": "box",
                "name": "Partnership (organisations)",
                "y": names,
                "q1": [t["q1"] for t in items],
                "median": [t["median"] for t in items],
                "q3": [t["q3"] for t in items],
                "lowerfence": [t["min"] for t in items],
                "upperfence": [t["max"] for t in items],
                "mean": [t["mean"] for t in items],
                "orientation": "h",
                "marker": {"color": OKABE_ITO[0]},
                "fillcolor": "#cfe3f2",
            },
            {
                "type": "scatter",
                "name": own_name,
                "y": names,
                "x": [t["own"] for t in items],
                "mode": "markers",
                "marker": {"symbol": "diamond", "size": 13, "color": OKABE_ITO[5]},
                "hovertemplate": "%{y}: %{x}%<extra>" + own_name.replace("<", "") + "</extra>",
            },
        ],
        height=_percent_bar_height(len(items)) + 40,
    )
    rows = [
        [
            t["title"],
            fmt_pct(t["own"]),
            fmt_pct(t["median"]),
            f"{fmt_pct(t['q1'])} to {fmt_pct(t['q3'])}",
            f"{fmt_pct(t['min'])} to {fmt_pct(t['max'])}",
            fmt_pct(t["mean"]),
            t["n"],
        ]
        for t in items
    ]
    return Chart(
        chart_id,
        title,
        fig,
        ["Theme", own_name, "Median", "Middle half (quartiles)", "Range", "Mean", "Organisations"],
        rows,
    )
