"""The pieces every chart is built from: plotly's JSON figure, the chart with its table of the same numbers, the
common layout and label helpers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from app.findings.charts.palette import FONT, GRID


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
        return (
            "chart",
            self.id,
            self.title,
            self.caption,
            self.head,
            self.rows,
            self.figure.data,
            self.figure.layout,
            *context,
        )

    def table(self) -> dict:
        """govukTable parameters with the chart's figures."""

        def cell(value):
            if isinstance(value, int) and not isinstance(value, bool):
                return {"text": str(value), "format": "numeric"}
            if isinstance(value, float):
                return {"text": f"{value:g}", "format": "numeric"}
            return {"text": "–" if value is None else str(value)}

        return {
            "caption": self.title,
            "captionClasses": "govuk-visually-hidden",
            "firstCellIsHeader": True,
            "classes": "app-table--compact",
            "head": [{"text": h} for h in self.head],
            "rows": [[cell(v) for v in row] for row in self.rows],
        }


def figure(
    traces: list[dict], *, height: int, percent_axis: str | None = "x", show_legend: bool = True, **layout
) -> PlotlyFigure:
    base = {
        "template": {},
        "font": FONT,
        "height": height,
        "margin": {"l": 10, "r": 30, "t": 10, "b": 40},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "showlegend": show_legend,
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


def _percent_bar_height(rows: int) -> int:
    return max(260, 60 + 38 * rows)
