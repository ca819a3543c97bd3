"""Board report pages and downloads, for partnership staff (admin, QA) only: the report shows the whole
partnership, every agency by name and every action. Other roles get 403; a round or campaign that does not exist,
404. The document is written in the request (app.reports.builder.write_board_report)."""

from __future__ import annotations

import re
import tempfile

from flask import abort, render_template, request, send_file
from flask_login import current_user

from app.findings import access, export_limit, page_limit
from app.permissions import roles_required
from app.reports import bp, pdf
from app.reports.builder import DOCX_MIMETYPE, PDF_MIMETYPE, write_board_report
from app.reports.scope import Scope, periods_in_year, report_years

STAFF = access.STAFF
FIRST_YEAR, LAST_YEAR = 1990, 2999
MIMETYPES = {"docx": DOCX_MIMETYPE, "pdf": PDF_MIMETYPE}


def _year_or_404(year: int | None) -> int | None:
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return year


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "board-report"


def _download(scope: Scope, fmt: str, name: str):
    if fmt == "pdf" and not pdf.available():
        return render_template("reports/pdf_unavailable.html", message=pdf.UNAVAILABLE), 503
    spool = tempfile.TemporaryFile()
    try:
        write_board_report(scope, fmt, spool)
    except pdf.PdfUnavailable as error:
        spool.close()
        return render_template("reports/pdf_unavailable.html", message=str(error)), 503
    spool.seek(0)
    return send_file(
        spool, mimetype=MIMETYPES[fmt], as_attachment=True, download_name=f"{_slug(name)}-board-report.{fmt}"
    )


@bp.route("/rounds/<int:round_id>/board-report.docx")
@export_limit
@roles_required(*STAFF)
def round_docx(round_id: int):
    audit_round, _ = access.round_for(current_user, round_id)
    return _download(Scope("round", audit_round.id), "docx", audit_round.title)


@bp.route("/rounds/<int:round_id>/board-report.pdf")
@export_limit
@roles_required(*STAFF)
def round_pdf(round_id: int):
    audit_round, _ = access.round_for(current_user, round_id)
    return _download(Scope("round", audit_round.id), "pdf", audit_round.title)


@bp.route("/campaigns/<int:campaign_id>/board-report.docx")
@export_limit
@roles_required(*STAFF)
def campaign_docx(campaign_id: int):
    campaign, _ = access.campaign_for(current_user, campaign_id)
    return _download(Scope("campaign", campaign.id), "docx", campaign.title)


@bp.route("/campaigns/<int:campaign_id>/board-report.pdf")
@export_limit
@roles_required(*STAFF)
def campaign_pdf(campaign_id: int):
    campaign, _ = access.campaign_for(current_user, campaign_id)
    return _download(Scope("campaign", campaign.id), "pdf", campaign.title)


@bp.route("/year")
@page_limit
@roles_required(*STAFF)
def year():
    years = report_years()
    chosen = _year_or_404(request.args.get("year", type=int))
    if chosen is None and years:
        chosen = years[0]
    return render_template(
        "reports/year.html",
        years=years,
        chosen=chosen,
        periods=periods_in_year(chosen) if chosen else [],
        pdf_available=pdf.available(),
    )


@bp.route("/years/<int:year>/board-report.docx")
@export_limit
@roles_required(*STAFF)
def year_docx(year: int):
    return _download(Scope("year", _year_or_404(year)), "docx", f"{year}")


@bp.route("/years/<int:year>/board-report.pdf")
@export_limit
@roles_required(*STAFF)
def year_pdf(year: int):
    return _download(Scope("year", _year_or_404(year)), "pdf", f"{year}")
