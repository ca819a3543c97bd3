"""Charts over time and across organisations: trend lines and the spread around an organisation's own result."""

from __future__ import annotations

from app.findings.charts.base import (
    Chart,
    _labels,
    _percent_bar_height,
    _short,
    figure,
    fmt_pct,
)
from app.findings.charts.palette import OKABE_ITO

# --- trends and spread ---------------------------------------------------------------------------------------


def trend_lines(chart_id: str, trend: dict, *, items_key: str = "themes", title: str) -> Chart | None:
    periods = trend["periods"]
    items = [
        i for i in trend[items_key] if any(i["periods"].get(str(p["id"]), {}).get("pct") is not None for p in periods)
    ]
    if not periods or not items:
        return None
    labels = [p["label"] for p in periods]
    traces = []
    for n, item in enumerate(items):
        name = item.get("title") or _short(item.get("text", item["key"]), 40)
        values = [item["periods"].get(str(p["id"]), {}).get("pct") for p in periods]
        traces.append(
            {
                "type": "scatter",
                "x": labels,
                "y": values,
                "mode": "lines+markers",
                "name": name,
                "line": {
                    "color": OKABE_ITO[n % len(OKABE_ITO)],
                    "dash": ("solid", "dash", "dot", "dashdot")[(n // len(OKABE_ITO)) % 4],
                },
                "hovertemplate": "%{x}: %{y}%<extra>" + name.replace("<", "") + "</extra>",
            }
        )
    fig = figure(traces, height=420, percent_axis="y")
    head = ["" if items_key == "themes" else "Question"] + labels
    rows = [
        [i.get("title") or i.get("text")] + [fmt_pct(i["periods"].get(str(p["id"]), {}).get("pct")) for p in periods]
        for i in items
    ]
    return Chart(chart_id, title, fig, head, rows)


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
