"""Board report pages and downloads, for partnership staff (admin, QA) only: the report shows the whole
partnership, every agency by name and every action. Other roles get 403; a round or campaign that does not exist,
404. The document is prepared as a background job (app.reports.jobs): GET offers to prepare it, POST starts it and
leads to the job's page."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user

from app import jobs
from app.findings import access, export_limit, page_limit
from app.permissions import roles_required
from app.reports import bp, pdf
from app.reports import jobs as report_jobs
from app.reports.scope import Scope, periods_in_year, report_years
from app.ids import number_arg

STAFF = access.STAFF
FIRST_YEAR, LAST_YEAR = 1990, 2999


def _year_or_404(year: int | None) -> int | None:
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return year


def _round_back(round_id: int) -> str:
    return url_for("findings.round_findings", round_id=round_id) + "#board-report"


def _campaign_back(campaign_id: int) -> str:
    return url_for("findings.campaign_findings", campaign_id=campaign_id) + "#board-report"


def _download(scope: Scope, fmt: str, name: str, back_url: str):
    if fmt == "pdf" and not pdf.available():
        return render_template("reports/pdf_unavailable.html", message=pdf.UNAVAILABLE), 503
    label = "Word document" if fmt == "docx" else "PDF"
    return jobs.offer_or_start(
        report_jobs.KIND,
        report_jobs.params_for(scope, fmt),
        title=f"Board report ({label}): {name}",
        back_url=back_url,
        noun="board report",
    )


@bp.route("/rounds/<int:round_id>/board-report.docx", methods=["GET", "POST"])
@export_limit
@roles_required(*STAFF)
def round_docx(round_id: int):
    audit_round, _ = access.round_for(current_user, round_id)
    return _download(Scope("round", audit_round.id), "docx", audit_round.title, _round_back(audit_round.id))


@bp.route("/rounds/<int:round_id>/board-report.pdf", methods=["GET", "POST"])
@export_limit
@roles_required(*STAFF)
def round_pdf(round_id: int):
    audit_round, _ = access.round_for(current_user, round_id)
    return _download(Scope("round", audit_round.id), "pdf", audit_round.title, _round_back(audit_round.id))


@bp.route("/campaigns/<int:campaign_id>/board-report.docx", methods=["GET", "POST"])
@export_limit
@roles_required(*STAFF)
def campaign_docx(campaign_id: int):
    campaign, _ = access.campaign_for(current_user, campaign_id)
    return _download(Scope("campaign", campaign.id), "docx", campaign.title, _campaign_back(campaign.id))


@bp.route("/campaigns/<int:campaign_id>/board-report.pdf", methods=["GET", "POST"])
@export_limit
@roles_required(*STAFF)
def campaign_pdf(campaign_id: int):
    campaign, _ = access.campaign_for(current_user, campaign_id)
    return _download(Scope("campaign", campaign.id), "pdf", campaign.title, _campaign_back(campaign.id))


@bp.route("/year")
@page_limit
@roles_required(*STAFF)
def year():
    years = report_years()
    chosen = _year_or_404(number_arg("year"))
    if chosen is None and years:
        chosen = years[0]
    return render_template(
        "reports/year.html",
        years=years,
        chosen=chosen,
        periods=periods_in_year(chosen) if chosen else [],
        pdf_available=pdf.available(),
    )


@bp.route("/years/<int:year>/board-report.docx", methods=["GET", "POST"])
@export_limit
@roles_required(*STAFF)
def year_docx(year: int):
    return _download(Scope("year", _year_or_404(year)), "docx", f"{year}", url_for("reports.year", year=year))


@bp.route("/years/<int:year>/board-report.pdf", methods=["GET", "POST"])
@export_limit
@roles_required(*STAFF)
def year_pdf(year: int):
    return _download(Scope("year", _year_or_404(year)), "pdf", f"{year}", url_for("reports.year", year=year))
