"""Static chart images for documents, drawn with matplotlib (its Agg canvas directly, never pyplot: no display, no
network, safe in a threaded server) from the very figure a
findings page sends to plotly.js (app.findings.charts), so the picture in a report shows the page's numbers in the
page's colours (app/findings/charts/palette.py).

The page charts use two kinds of trace: bars (horizontal or vertical; stacked, grouped or single; side by side on
two x axes) and one heatmap of RAG ratings. Anything else is not drawn, and the chart's table stands alone.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from app.findings.charts import Chart
from app.findings.charts.palette import GRID, OKABE_ITO, RAG_COLOURS

WIDTH_INCHES = 6.3  # an A4 page's text width with 2.5 cm margins
DPI = 110
TEXT = "#0b0c0c"
matplotlib.rcParams.update(
    {"font.family": "sans-serif", "font.sans-serif": ["Arial", "Liberation Sans", "DejaVu Sans"]}
)


def drawable(chart: Chart | None) -> bool:
    traces = chart.figure.data if chart else []
    return bool(traces) and all(t.get("type") in ("bar", "heatmap") for t in traces)


def chart_png(chart: Chart) -> bytes:
    """The chart as a PNG image."""
    traces = chart.figure.data
    layout = chart.figure.layout
    if traces[0]["type"] == "heatmap":
        fig = _heatmap(traces[0])
    else:
        fig = _bars(traces, layout)
    buffer = io.BytesIO()
    FigureCanvasAgg(fig)  # draws on the Agg canvas directly: no pyplot state shared between threads
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def _wrap(label, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _colour(trace: dict, index: int):
    colour = (trace.get("marker") or {}).get("color")
    return colour or OKABE_ITO[index % len(OKABE_ITO)]


def _bars(traces: list[dict], layout: dict):
    axes_names = sorted({t.get("xaxis", "x") for t in traces})
    horizontal = traces[0].get("orientation") == "h"
    categories = list((traces[0]["y"] if horizontal else traces[0]["x"]) or [])
    rows = max(len(categories), 1)
    height = max(2.4, 0.9 + (0.34 if horizontal else 0) * rows * (1 + 0.6 * (layout.get("barmode") == "group")))
    if not horizontal:
        height = 3.2
    fig = Figure(figsize=(WIDTH_INCHES, height))
    axes = fig.subplots(1, len(axes_names), sharey=True, squeeze=False)
    for ax, axis_name in zip(axes[0], axes_names):
        members = [t for t in traces if t.get("xaxis", "x") == axis_name]
        _draw_axis(ax, members, layout, horizontal, categories)
        if len(axes_names) > 1:  # side by side: the titles are paper annotations, in axis order
            titles = [a["text"] for a in layout.get("annotations", []) if a.get("xref") == "paper"]
            index = axes_names.index(axis_name)
            if index < len(titles):
                ax.set_title(titles[index], fontsize=10, color=TEXT)
    if layout.get("showlegend", True) and any(t.get("name") for t in traces):
        handles, labels = axes[0][0].get_legend_handles_labels()
        if handles:
            fig.legend(
                handles,
                [_wrap(label, 30) for label in labels],
                loc="lower center",
                bbox_to_anchor=(0.5, 1.0),
                ncol=min(len(labels), 4),
                frameon=False,
                fontsize=8,
            )
    return fig


def _draw_axis(ax, traces: list[dict], layout: dict, horizontal: bool, categories: list) -> None:
    mode = layout.get("barmode")
    positions = list(range(len(categories)))
    offsets = [0.0] * len(categories)
    group_width = 0.8
    each = group_width / len(traces) if mode == "group" else group_width
    for index, trace in enumerate(traces):
        values = [v if v is not None else 0 for v in (trace["x"] if horizontal else trace["y"])]
        label = trace.get("name") if trace.get("showlegend", True) is not False else None
        if mode == "group":
            shift = -group_width / 2 + each * (index + 0.5)
            places = [p + shift for p in positions]
            base = None
        else:
            places = positions
            base = list(offsets) if mode == "stack" else None
        draw = ax.barh if horizontal else ax.bar
        kwargs = {"left": base} if horizontal else {"bottom": base}
        draw(places, values, each, color=_colour(trace, index), label=label, **kwargs)
        if mode == "stack":
            offsets = [o + v for o, v in zip(offsets, values)]
        elif trace.get("text") is not None and trace.get("textposition") == "auto":
            for place, value, text in zip(places, values, trace["text"]):
                if text not in (None, ""):
                    if horizontal:
                        ax.text(value + 1, place, str(text), va="center", fontsize=7, color=TEXT)
                    else:
                        ax.text(place, value, str(text), ha="center", va="bottom", fontsize=7, color=TEXT)
    value_axis = layout.get("xaxis" if horizontal else "yaxis") or {}
    if value_axis.get("ticksuffix") == "%":
        (ax.set_xlim if horizontal else ax.set_ylim)(0, 100)
        (ax.xaxis if horizontal else ax.yaxis).set_major_formatter(lambda v, _pos: f"{v:g}%")
    for shape in layout.get("shapes", []):
        if shape.get("type") == "line" and horizontal:
            ax.axvline(shape["x0"], color="#505a5f", linestyle="--", linewidth=1)
    if horizontal:
        ax.set_yticks(positions, [_wrap(c) for c in categories], fontsize=7)
        ax.invert_yaxis()
        ax.grid(axis="x", color=GRID)
    else:
        ax.set_xticks(positions, [_wrap(c, 16) for c in categories], fontsize=7)
        ax.grid(axis="y", color=GRID)
    ax.set_axisbelow(True)
    ax.tick_params(colors=TEXT, labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _heatmap(trace: dict):
    z = [[-1 if v is None else v for v in row] for row in trace["z"]]
    rows, columns = len(z), len(z[0]) if z else 0
    fig = Figure(figsize=(WIDTH_INCHES, max(2.0, 0.8 + 0.32 * rows)))
    ax = fig.subplots()
    colours = ListedColormap(["#f3f2f1", RAG_COLOURS["red"], RAG_COLOURS["amber"], RAG_COLOURS["green"]])
    ax.imshow(z, cmap=colours, vmin=-1.5, vmax=2.5, aspect="auto")
    for i, row in enumerate(trace.get("text") or []):
        for j, text in enumerate(row):
            ax.text(j, i, text, ha="center", va="center", fontsize=6, color=TEXT)
    ax.set_xticks(range(columns), trace["x"], fontsize=7)
    ax.set_yticks(range(rows), [_wrap(y, 30) for y in trace["y"]], fontsize=7)
    ax.xaxis.tick_top()
    return fig
