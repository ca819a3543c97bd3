"""Charts of a case audit round: answers per question, % meeting the standard, breakdowns, agreed grades."""

from __future__ import annotations

from app.findings.charts.base import (
    Chart,
    _labels,
    _percent_bar_height,
    _short,
    bar,
    figure,
    fmt_pct,
)
from app.findings.charts.palette import (
    GRID,
    OKABE_ITO,
    RAG_COLOURS,
    option_colours,
    option_name,
)
from app.questionnaire import question_type

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
        title = (
            f"Answers to “{members[0]['text']}”"
            if len(members) == 1 and not members[0]["scored_question"]
            else f"Ratings given ({labels})"
        )
        charts.append(question_distribution(f"{chart_id}-{n}", members, title=title))
    return charts


def question_distribution(chart_id: str, questions: list[dict], *, title: str) -> Chart:
    labels = [f"{_short(q['text'])} ({q['key']})" for q in questions]
    options = questions[0]["options"]
    colours = option_colours(options)
    traces = []
    for option in options:
        value = option["value"]
        shares = [
            round(100.0 * q["counts"].get(value, 0) / q["answered"], 1) if q["answered"] else 0 for q in questions
        ]
        counts = [q["counts"].get(value, 0) for q in questions]
        traces.append(
            bar(
                name=option_name(option),
                y=labels,
                x=shares,
                orientation="h",
                customdata=counts,
                marker={"color": colours[value]},
                text=[f"{v:g}%" if v >= 8 else "" for v in shares],
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate="%{y}<br>" + option_name(option) + ": %{customdata} (%{x}%)<extra></extra>",
            )
        )
    fig = figure(traces, height=_percent_bar_height(len(questions)) + 40, barmode="stack")
    scored = any(q["scored_question"] for q in questions)
    head = ["Question"] + [option_name(o) for o in options] + ["Answers"] + (["Meeting the standard"] if scored else [])
    rows = [
        [q["text"]]
        + [q["counts"].get(o["value"], 0) for o in options]
        + [q["answered"]]
        + ([_met_text(q)] if scored else [])
        for q in questions
    ]
    return Chart(chart_id, title, fig, head, rows)


def _met_text(entry: dict) -> str:
    if entry.get("pct") is None:
        return "–"
    return f"{entry['pct']:g}% ({entry['met']} of {entry['scored']})"


def percent_bars(
    chart_id: str,
    items: list[dict],
    *,
    title: str,
    label: str,
    label_key: str = "title",
    thresholds: tuple[float, float] | None = None,
) -> Chart | None:
    """One horizontal bar per item: % meeting the standard, with n in the table."""
    items = [i for i in items if i.get("pct") is not None]
    if not items:
        return None
    names = _labels(i[label_key] for i in items)
    trace = bar(
        y=names,
        x=[i["pct"] for i in items],
        orientation="h",
        marker={"color": OKABE_ITO[0]},
        text=[f"{i['pct']:g}%" for i in items],
        textposition="auto",
        customdata=[[i.get("met"), i.get("scored")] for i in items],
        name="Meeting the standard",
        hovertemplate="%{y}: %{x}% (%{customdata[0]} of %{customdata[1]})<extra></extra>",
    )
    shapes, annotations = [], []
    marks = [(thresholds[0], "strength", "left"), (thresholds[1], "improvement", "right")] if thresholds else []
    for value, name, anchor in marks:
        shapes.append(
            {
                "type": "line",
                "layer": "below",
                "xref": "x",
                "yref": "paper",
                "x0": value,
                "x1": value,
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dash", "color": "#505a5f"},
            }
        )
        annotations.append(
            {
                "xref": "x",
                "yref": "paper",
                "x": value,
                "y": 1,
                "yanchor": "bottom",
                "xanchor": anchor,
                "text": f"{value:g}% {name}",
                "showarrow": False,
            }
        )
    fig = figure(
        [trace],
        height=_percent_bar_height(len(items)),
        show_legend=False,
        shapes=shapes,
        annotations=annotations,
        margin={"t": 30},
    )
    rows = [[i[label_key], _met_text(i), i.get("scored")] for i in items]
    return Chart(chart_id, title, fig, [label, "Meeting the standard", "Answers scored"], rows)


STANDARD_BANDS = (
    ("met", "Meets the standard", RAG_COLOURS["green"]),
    ("partly", "Partly meets the standard", RAG_COLOURS["amber"]),
    ("not_met", "Does not meet the standard", RAG_COLOURS["red"]),
)


def standard_distribution(
    chart_id: str, items: list[dict], *, title: str, label: str, label_key: str = "title"
) -> Chart | None:
    """Stacked bars: of the scored answers, the share meeting, partly meeting and not meeting the standard."""
    items = [i for i in items if i.get("scored")]
    if not items:
        return None
    names = _labels(i[label_key] for i in items)
    traces = []
    for key, name, colour in STANDARD_BANDS:
        shares = [round(100.0 * i.get(key, 0) / i["scored"], 1) for i in items]
        traces.append(
            bar(
                name=name,
                y=names,
                x=shares,
                orientation="h",
                customdata=[i.get(key, 0) for i in items],
                marker={"color": colour},
                text=[f"{v:g}%" if v >= 8 else "" for v in shares],
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate="%{y}<br>" + name + ": %{customdata} (%{x}%)<extra></extra>",
            )
        )
    fig = figure(traces, height=_percent_bar_height(len(items)) + 40, barmode="stack")
    head = [label, "Meets", "Partly", "Does not meet", "Answers scored", "Share meeting the standard"]
    rows = [
        [i[label_key], i.get("met", 0), i.get("partly", 0), i.get("not_met", 0), i["scored"], fmt_pct(i["pct"])]
        for i in items
    ]
    return Chart(chart_id, title, fig, head, rows)


def own_vs_partnership(chart_id: str, items: list[dict], *, title: str, own_name: str) -> Chart | None:
    items = [i for i in items if i.get("pct") is not None]
    if not items:
        return None
    names = _labels(i["title"] if "title" in i else i["text"] for i in items)
    own = [(i.get("own") or {}).get("pct") for i in items]
    fig = figure(
        [
            bar(
                name=own_name,
                y=names,
                x=own,
                orientation="h",
                marker={"color": OKABE_ITO[1]},
                hovertemplate="%{y}: %{x}%<extra>" + own_name.replace("<", "") + "</extra>",
            ),
            bar(
                name="Partnership",
                y=names,
                x=[i["pct"] for i in items],
                orientation="h",
                marker={"color": OKABE_ITO[0]},
                hovertemplate="%{y}: %{x}%<extra>Partnership</extra>",
            ),
        ],
        height=_percent_bar_height(2 * len(items)),
        barmode="group",
    )
    rows = [[i["title"] if "title" in i else i["text"], _met_text(i.get("own") or {}), _met_text(i)] for i in items]
    return Chart(chart_id, title, fig, ["", own_name, "Partnership"], rows)


def count_bars(
    chart_id: str,
    items: list[tuple[str, int]],
    *,
    title: str,
    label: str,
    value_label: str,
    colours: list[str] | None = None,
) -> Chart | None:
    if not any(isinstance(n, int) and n for _, n in items):
        return None
    fig = figure(
        [
            bar(
                x=[name for name, _ in items],
                y=[n if isinstance(n, int) else None for _, n in items],  # a suppressed count is text, not drawn
                text=[n if isinstance(n, int) else "" for _, n in items],
                textposition="auto",
                marker={"color": colours or OKABE_ITO[0]},
                name=value_label,
                hovertemplate="%{x}: %{y}<extra></extra>",
            )
        ],
        height=320,
        percent_axis=None,
        show_legend=False,
        yaxis={"gridcolor": GRID, "rangemode": "tozero", "title": {"text": value_label}},
        xaxis={"automargin": True},
    )
    return Chart(chart_id, title, fig, [label, value_label], [[name, n] for name, n in items])


def breakdown_chart(chart_id: str, table: dict) -> Chart | None:
    """% meeting the standard per group; suppressed groups are left out of the chart (the table says why)."""
    items = [{"title": r["label"], "pct": r["pct"]} for r in table["rows"] if r["pct"] is not None]
    if not items:
        return None
    fig = figure(
        [
            bar(
                x=[i["title"] for i in items],
                y=[i["pct"] for i in items],
                marker={"color": OKABE_ITO[4]},
                text=[f"{i['pct']:g}%" for i in items],
                textposition="auto",
                hovertemplate="%{x}: %{y}%<extra></extra>",
            )
        ],
        height=320,
        percent_axis="y",
        show_legend=False,
    )
    head = [table["title"]] + [c["label"] for c in table["columns"]] + ["All cases", "Criteria meeting the standard"]
    rows = [[r["label"]] + r["cells"] + [r["total"], fmt_pct(r["pct"])] for r in table["rows"]]
    rows.append(["Total"] + table["totals"]["cells"] + [table["totals"]["total"], fmt_pct(table["totals"]["pct"])])
    return Chart(chart_id, f"Criteria meeting the standard by {table['title'].lower()}", fig, head, rows)


def agreed_vs_self(chart_id: str, questions: list[dict]) -> Chart | None:
    items = [q for q in questions if q.get("pct") is not None]
    if not items:
        return None
    names = _labels(q["text"] for q in items)
    fig = figure(
        [
            bar(
                name="Agencies' own ratings",
                y=names,
                x=[q["self_pct"] for q in items],
                orientation="h",
                marker={"color": OKABE_ITO[1]},
                hovertemplate="%{y}: %{x}%<extra>Agencies</extra>",
            ),
            bar(
                name="Agreed by the panel",
                y=names,
                x=[q["pct"] for q in items],
                orientation="h",
                marker={"color": OKABE_ITO[0]},
                hovertemplate="%{y}: %{x}%<extra>Agreed</extra>",
            ),
        ],
        height=_percent_bar_height(2 * len(items)),
        barmode="group",
    )
    rows = [[q["text"], fmt_pct(q["self_pct"]), _met_text(q)] for q in items]
    return Chart(
        chart_id,
        "Criteria meeting the standard: agencies' ratings and agreed ratings",
        fig,
        ["Question", "Agencies' own ratings", "Agreed by the panel"],
        rows,
    )
