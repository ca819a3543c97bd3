"""Board reports: `write_board_report(scope, fmt, out, progress)` writes a round's, a campaign's or a year's report
as Word ("docx") or PDF ("pdf") to a binary stream. It reads only figures the findings feature keeps (aggregated
in SQL, one round or campaign at a time), so a year of national scale takes memory for the document, not for the
answers. `progress(done, total)` is called after each round or campaign, for a background job to report.

Who may have a report is decided by the caller (app/reports/routes.py: partnership staff only); the builder writes
the partnership-wide view.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from app.actions.queries import is_closed
from app.findings import figures as findings_figures
from app.findings.charts.base import fmt_pct
from app.findings.models import FINDING_HEADINGS
from app.reports import pdf, sections
from app.reports.document import ReportDocument
from app.reports.scope import Period, Scope, load, periods_in_year, previous_campaign, previous_round
from app.utils import today

FORMATS = ("docx", "pdf")
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIMETYPE = "application/pdf"
YEAR_HEADINGS = {"impact": "Impact", "evidence": "Evidence", "assurance": "Assurance", "learning": "Learning"}

Progress = Callable[[int, int], None]


def write_board_report(scope: Scope, fmt: str, out, progress: Progress | None = None) -> None:
    """Write the board report for `scope` in `fmt` ("docx" or "pdf") to the binary stream `out`. Raises
    pdf.PdfUnavailable for "pdf" where LibreOffice is not installed. Reads only; changes nothing."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    if fmt == "docx":
        _write_docx(scope, out, progress)
    else:
        pdf.convert(lambda stream: _write_docx(scope, stream, progress), out)


def report_title(scope: Scope) -> str:
    if scope.kind == "year":
        return f"Board report for {scope.id}"
    return f"Board report: {load(Period(scope.kind, scope.id, '')).title}"


def _write_docx(scope: Scope, out, progress: Progress | None) -> None:
    report = progress or (lambda done, total: None)
    partnership = current_app.config["PARTNERSHIP_NAME"]
    if scope.kind == "year":
        doc = _year(scope.id, partnership, report)
    else:
        doc = _single(Period(scope.kind, scope.id, ""), partnership)
        report(1, 1)
    doc.save(out)


def _figures(period: Period, obj) -> dict:
    return findings_figures.round_figures(obj) if period.kind == "round" else findings_figures.campaign_figures(obj)


def _previous(period: Period, obj):
    return previous_round(obj) if period.kind == "round" else previous_campaign(obj)


def _scope_line(period: Period, obj) -> str:
    if period.kind == "round":
        line = f"Case audit of cases from {sections._date(obj.period_start)} to {sections._date(obj.period_end)}"
        return line + (f", {obj.area}." if obj.area else ".")
    return f"Annual safeguarding self-assessment, cycle {obj.cycle}, returns due {sections._date(obj.due_date)}."


def _single(period: Period, partnership: str) -> ReportDocument:
    obj = load(period)
    data = _figures(period, obj)
    kind_name = "case audit round" if period.kind == "round" else "self-assessment campaign"
    doc = ReportDocument(title=f"Board report: {obj.title}", subject=f"Board report for a {kind_name}")
    doc.title_page(
        partnership,
        f"Board report: {obj.title}",
        [_scope_line(period, obj), f"Findings of the {data['instrument_title']}. State: {obj.state.label.lower()}."],
        today(),
    )
    findings = sections.findings_of(period.kind, period.id)
    sections.summary(doc, period.kind, data, 1)
    if period.kind == "round":
        sections.agreement_section(doc, findings_figures.round_agreement_figures(obj, figures=data), 1)
    sections.findings_section(doc, findings, 1)
    if period.kind == "round":
        sections.round_charts_section(doc, data, 1, detailed=True)
    else:
        sections.campaign_charts_section(doc, data, 1)
    sections.action_plan(doc, findings, 1, today())
    _changes(doc, period, obj, data, 1)
    return doc


def _changes(doc: ReportDocument, period: Period, obj, data: dict, level: int) -> None:
    previous = _previous(period, obj)
    before = _figures(period, previous) if previous is not None else None
    sections.changes(doc, period.kind, data, previous, before, level)


def _year(year: int, partnership: str, report: Progress) -> ReportDocument:
    periods = periods_in_year(year)
    doc = ReportDocument(title=f"Board report for {year}", subject="Annual board report of assurance")
    doc.title_page(
        partnership,
        f"Board report for {year}",
        [
            "Case audit rounds whose case period ended in the year and that have reached moderation, and "
            "self-assessment campaigns whose returns were due in the year.",
            f"{len(periods)} round{'s' if len(periods) != 1 else ''} and campaign{'s' if len(periods) != 1 else ''} "
            "are covered."
            if periods
            else "No round or campaign falls in this year.",
        ],
        today(),
    )
    # First pass: the small things every part needs (titles, summary rows, findings), one period at a time.
    found = {}
    summaries = []
    for period in periods:
        obj = load(period)
        data = _figures(period, obj)
        found[period] = sections.findings_of(period.kind, period.id)
        summaries.append([period.title, "Case audit" if period.kind == "round" else "Self-assessment", _headline(data)])
    doc.heading("Summary", 1)
    if summaries:
        doc.table(["Round or campaign", "Kind", "Headline figures"], summaries, caption=f"What was looked at in {year}")
    else:
        doc.para(f"No case audit round or self-assessment campaign falls in {year}.")
    groups = {
        "impact": ("impact",),
        "evidence": ("evidence",),
        "assurance": ("strength", "area_for_improvement"),
        "learning": ("learning",),
    }
    for key, title in YEAR_HEADINGS.items():
        doc.heading(title, 1)
        if key == "impact":
            doc.para(_action_sentence(found))
        written = False
        for heading in groups[key]:
            if len(groups[key]) > 1:
                doc.heading(FINDING_HEADINGS[heading], 2)
            for period in periods:
                for finding in (f for f in found[period] if f.heading == heading):
                    doc.para(f"{finding.text.strip()} ({period.title})")
                    written = True
        if not written:
            doc.para(f"No findings were agreed under {title.lower()} in {year}.")
    doc.heading("Each round and campaign", 1)
    for done, period in enumerate(periods, start=1):
        obj = load(period)
        data = _figures(period, obj)
        doc.heading(period.title, 2)
        doc.para(_scope_line(period, obj))
        sections.summary(doc, period.kind, data, 3)
        if period.kind == "round":
            sections.agreement_section(doc, findings_figures.round_agreement_figures(obj, figures=data), 3)
        sections.findings_section(doc, found[period], 3)
        if period.kind == "round":
            sections.round_charts_section(doc, data, 3, detailed=False)
        else:
            sections.campaign_charts_section(doc, data, 3)
        report(done, len(periods))
    doc.heading("Action plan", 1)
    if not periods:
        doc.para("No actions: no round or campaign falls in this year.")
    for period in periods:
        sections.action_plan(doc, found[period], 2, today(), heading=period.title)
    doc.heading("What changed since last year", 1)
    if not periods:
        doc.para("Nothing to compare: no round or campaign falls in this year.")
    for period in periods:
        obj = load(period)
        doc.heading(period.title, 2)
        _changes(doc, period, obj, _figures(period, obj), 3)
    return doc


def _headline(data: dict) -> str:
    s = data["summary"]
    if data["kind"] == "round":
        met = f"{s['pct']:g}% of criteria met the standard" if s["pct"] is not None else "no criteria answered"
        return f"{s['cases_audited']} cases audited by {s['agencies']} agencies; {met}."
    return f"{s['received']} of {s['invited']} organisations returned their self-assessment ({fmt_pct(s['pct_received'])})."


def _action_sentence(found: dict) -> str:
    actions = [a for findings in found.values() for f in findings for a in f.actions]
    if not actions:
        return "No actions were agreed on this year’s findings."
    closed = sum(1 for a in actions if is_closed(a))
    return (
        f"{len(actions)} action{'s were' if len(actions) != 1 else ' was'} agreed on this year’s findings; "
        f"{closed} {'have' if closed != 1 else 'has'} been completed and verified by the partnership."
    )
