"""The parts of a board report, each written from the same figures, charts and findings as the findings pages
(app.findings.figures, app.findings.charts, app.findings.queries), read as partnership staff see them: small numbers
are already suppressed in the breakdowns the figures hold, and nothing here counts anything again."""

from __future__ import annotations

from app.actions.queries import is_overdue
from app.findings import charts, queries
from app.findings.charts.base import fmt_pct
from app.findings.models import FINDING_HEADINGS
from app.questionnaire import theme_titles
from app.reports.document import ReportDocument
from app.utils import alpha_text


def _date(value) -> str:
    return f"{value.day} {value:%B %Y}"


# --- summary figures -----------------------------------------------------------------------------------------


def round_summary_rows(figures: dict) -> list[list]:
    """The round's summary as the findings page lists it."""
    s = figures["summary"]
    audited = f"{s['cases_audited']}" + (f" of {s['cases']}" if s["cases"] is not None else "")
    met = (
        f"{s['pct']:g}% ({s['met']} of {s['scored']} criteria answered, not counting “not applicable”)"
        if s["pct"] is not None
        else "No criteria answered yet"
    )
    return [
        ["Cases audited", audited],
        ["Agencies", s["agencies"]],
        ["Responses submitted", f"{s['submitted']} of {s['assigned']}"],
        ["Criteria meeting the standard", met],
        ["Cases with an agreed grade", s["moderated_cases"]],
    ]


def campaign_summary_rows(figures: dict) -> list[list]:
    """The campaign's summary as the findings page lists it."""
    s = figures["summary"]
    rows = [
        ["Organisations invited", s["invited"]],
        ["Returns received", f"{s['received']} ({fmt_pct(s['pct_received'])})"],
    ]
    if s.get("rerated"):
        rows.append(["Criteria re-rated during the year", s["rerated"]])
    return rows


def summary(doc: ReportDocument, kind: str, figures: dict, level: int) -> None:
    doc.heading("Summary figures", level)
    rows = round_summary_rows(figures) if kind == "round" else campaign_summary_rows(figures)
    doc.table(["Figure", "Value"], rows, caption="Summary figures")


# --- how far the agencies agreed ----------------------------------------------------------------------------------


def _pct1(value) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _why(question: dict) -> str:
    """Alpha, or why there is none (as the page tells a screen reader)."""
    if question["alpha"] is None and question.get("note"):
        return f"– ({question['note'][0].lower()}{question['note'][1:]})"
    return alpha_text(question["alpha"])


def agreement_section(doc: ReportDocument, agreement: dict, level: int) -> None:
    """The round's agreement between agencies, as its findings page states it (figures.round_agreement_figures)."""
    doc.heading("How far the agencies agreed", level)
    if not agreement["units"]:
        doc.para("No case has been rated by two or more agencies yet, so there is no agreement to measure.")
        return
    doc.para(
        "Where two or more agencies audited the same case, how often they gave the same rating to the same "
        "criterion. The findings are more reliable the more the agencies agreed."
    )
    if agreement["few_cases"]:
        cases, minimum = agreement["cases"], agreement["min_cases"]
        doc.para(
            f"Warning: Krippendorff’s alpha rests on {cases} case{'s' if cases != 1 else ''} rated by two or more "
            f"agencies. With fewer than {minimum} cases, one case more or less can change it from reliable to "
            "unreliable, so it cannot tell how far these agencies’ ratings can be relied on. Read it as a "
            "description of these cases only."
        )
    alpha = alpha_text(agreement["alpha"])
    if agreement["alpha"] is None and agreement["alpha_note"]:
        alpha += f" ({agreement['alpha_note'].lower()})"
    doc.table(
        ["Figure", "Value"],
        [
            ["Agreement between agencies", f"{_pct1(agreement['percent'])} of {agreement['pairs']} pairs of ratings"],
            ["Krippendorff’s alpha", alpha],
            ["Cases rated by two or more agencies", agreement["cases"]],
        ],
        caption="How far the agencies agreed",
    )
    doc.table(
        ["Question", "Agreement", "Krippendorff’s alpha", "Cases (n)"],
        [
            [
                q["text"] + (" (overall judgement)" if q.get("overall") else ""),
                _pct1(q["percent"]),
                _why(q),
                q["units"],
            ]
            for q in agreement["questions"]
        ],
        caption="Agreement between agencies per question",
    )
    doc.para(
        "Krippendorff’s alpha (ordinal) also allows for agreement by chance: 1 is perfect agreement, 0 is no better "
        "than chance, and below 0.667 is usually treated as unreliable."
    )


# --- agreed findings -----------------------------------------------------------------------------------------


def findings_section(doc: ReportDocument, findings, level: int) -> None:
    """The findings the QA sub-group agreed, under the partnership's headings."""
    doc.heading("Agreed findings", level)
    titles = theme_titles()
    for heading, title in FINDING_HEADINGS.items():
        doc.heading(title, level + 1)
        items = [f for f in findings if f.heading == heading]
        if not items:
            doc.para(f"Nothing recorded under {title.lower()}.")
        for finding in items:
            for paragraph in (p for p in finding.text.split("\n") if p.strip()):
                doc.para(paragraph)
            if finding.themes:
                doc.para("Themes: " + ", ".join(titles.get(t, t) for t in finding.themes) + ".")


# --- charts with their tables --------------------------------------------------------------------------------


def breakdown_rows(table: dict) -> tuple[list[str], list[list]]:
    head = [table["title"]] + [c["label"] for c in table["columns"]] + ["All cases", "Criteria meeting the standard"]
    rows = [[r["label"], *r["cells"], r["total"], fmt_pct(r["pct"])] for r in table["rows"]]
    totals = table["totals"]
    rows.append(["Total", *totals["cells"], totals["total"], fmt_pct(totals["pct"])])
    return head, rows


def round_charts_section(doc: ReportDocument, figures: dict, level: int, *, detailed: bool) -> None:
    page = charts.round_charts(figures)
    doc.heading("By theme", level)
    doc.chart(page.get("themes"), level=level + 1)
    doc.chart(page.get("themes_standard"), level=level + 1)
    doc.heading("By agency", level)
    doc.chart(page.get("agencies"), level=level + 1)
    doc.heading("By area and by the children’s age, gender and ethnicity", level)
    doc.para(
        f"To protect children’s identities, any count of fewer than {figures['settings']['min_cell_size']} cases is "
        "not shown, and other counts are marked “hidden” where they would let a small number be worked out from "
        "the totals."
    )
    for key, table in figures["breakdowns"].items():
        doc.heading(table["title"], level + 1)
        head, rows = breakdown_rows(table)
        doc.table(head, rows, caption=f"Cases audited by {table['title'].lower()} and agreed grade")
        doc.chart(page.get(f"breakdown_{key}"), level=level + 2)
    doc.heading("Agreed grades", level)
    doc.chart(page.get("agreed_grades"), level=level + 1)
    doc.chart(page.get("agreed_vs_self"), level=level + 1)
    if detailed:
        doc.heading("Answers to each question", level)
        for chart in page.get("questions") or []:
            doc.chart(chart, level=level + 1)


def campaign_charts_section(doc: ReportDocument, figures: dict, level: int) -> None:
    page = charts.campaign_charts(figures)
    doc.heading("Returns", level)
    doc.chart(page.get("returns"), level=level + 1)
    doc.heading("By standard", level)
    doc.chart(page.get("standards"), level=level + 1)
    doc.heading("By theme", level)
    doc.chart(page.get("themes"), level=level + 1)
    doc.heading("By organisation type", level)
    doc.chart(page.get("org_types"), level=level + 1)
    doc.heading("Practitioner survey", level)
    if page.get("survey"):
        doc.chart(page["survey"], level=level + 1)
    else:
        doc.para("No practitioner survey figures to show for this campaign.")
    if page.get("statements"):
        doc.heading("Child Safeguarding Statements", level)
        doc.chart(page["statements"], level=level + 1)


# --- action plan ---------------------------------------------------------------------------------------------


def action_rows(findings, today) -> list[list]:
    rows = []
    for finding in findings:
        for action in finding.actions:
            status = action.status.label + (" (overdue)" if is_overdue(action, today) else "")
            rows.append(
                [
                    action.description,
                    FINDING_HEADINGS[finding.heading],
                    f"{action.owner_name}, {action.owner_organisation.name}",
                    _date(action.due_date),
                    status,
                ]
            )
    return rows


def action_plan(doc: ReportDocument, findings, level: int, today, *, heading: str = "Action plan") -> None:
    doc.heading(heading, level)
    rows = action_rows(findings, today)
    if not rows:
        doc.para("No actions have been agreed on these findings.")
        return
    doc.table(["Action", "Finding", "Responsible", "Due", "Status"], rows, caption="Actions and their status")


# --- what changed --------------------------------------------------------------------------------------------


def _change(now, before) -> str:
    if now is None or before is None:
        return "–"
    points = round(now - before, 1)
    return f"{points:+g} points" if points else "no change"


def comparison_rows(kind: str, now: dict, before: dict) -> list[list]:
    if kind == "round":
        s, p = now["summary"], before["summary"]
        rows = [
            ["Criteria meeting the standard", fmt_pct(p["pct"]), fmt_pct(s["pct"]), _change(s["pct"], p["pct"])],
            ["Cases audited", p["cases_audited"], s["cases_audited"], "–"],
        ]
        label = "meeting the standard"
    else:
        s, p = now["summary"], before["summary"]
        rows = [
            [
                "Returns received",
                fmt_pct(p["pct_received"]),
                fmt_pct(s["pct_received"]),
                _change(s["pct_received"], p["pct_received"]),
            ]
        ]
        label = "agreed Green"
    earlier = {t["key"]: t for t in before["themes"]}
    for theme in now["themes"]:
        was = earlier.get(theme["key"])
        if theme.get("pct") is None and (was is None or was.get("pct") is None):
            continue
        before_pct = was.get("pct") if was else None
        rows.append(
            [
                f"{theme['title']}: criteria {label}",
                fmt_pct(before_pct),
                fmt_pct(theme["pct"]),
                _change(theme["pct"], before_pct),
            ]
        )
    return rows


def changes(doc: ReportDocument, kind: str, figures: dict, previous, previous_figures: dict | None, level: int):
    word = "round" if kind == "round" else "campaign"
    doc.heading(f"What changed since the previous {word}", level)
    if previous is None:
        doc.para(
            f"There is no earlier {word} of this {'audit tool' if kind == 'round' else 'self-assessment'} to compare."
        )
        return
    doc.para(f"Compared with {previous.title}.")
    doc.table(
        ["Figure", previous.title, figures["title"], "Change"],
        comparison_rows(kind, figures, previous_figures),
        caption=f"{figures['title']} against {previous.title}",
    )


def findings_of(kind: str, period_id: int):
    return queries.findings_for(**{f"{kind}_id": period_id})
