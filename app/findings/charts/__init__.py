"""Plotly figures built on the server from the findings figures, each with the table of the same numbers.

Pages render a chart as `<div class="app-chart" data-figure="…">`; app/static/js/charts.js draws it
with the locally served plotly.min.js (no inline script or style, so the CSP holds). The table is
always shown under the chart in a details component, so nothing depends on seeing the colours.

Traces and layouts are written as plain dicts and sent as plotly's JSON figure format without building
plotly's Figure objects: their property-by-property machinery cost more than the aggregation on a busy findings
page (tests/findings/test_charts.py builds a validated plotly Figure from every figure a page sends instead).

- palette: colours and option names that do not rely on colour alone
- base: the figure and chart objects and layout helpers
- rounds / campaigns / trends: the chart builders for each kind of figure
- pages: the charts of a whole findings page
"""

from app.findings.charts.base import Chart, PlotlyFigure
from app.findings.charts.campaigns import theme_sources_chart
from app.findings.charts.pages import campaign_charts, round_charts
from app.findings.charts.rounds import count_bars
from app.findings.charts.trends import chosen_questions, question_choices, small_multiples, spread_chart

__all__ = [
    "Chart",
    "PlotlyFigure",
    "campaign_charts",
    "chosen_questions",
    "count_bars",
    "question_choices",
    "round_charts",
    "small_multiples",
    "spread_chart",
    "theme_sources_chart",
]
