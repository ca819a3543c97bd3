"""Board reports: a round's, a campaign's or a year's findings as a Word document and a PDF, for the partnership's
board and annual report. Above findings: it reads findings' figures, charts and agreed findings, and owns no data."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")


def init_app(app) -> None:
    from app.reports import jobs, pdf

    jobs.register()
    # Findings pages offer the PDF only where LibreOffice is installed.
    app.add_template_global(pdf.available, "board_report_pdf")


from app.reports import routes  # noqa: E402,F401
