"""The board report as a background job: a year's report draws dozens of charts, which takes longer than a request
should, so every board report is prepared off the request (app.jobs) and the user waits on the job's page."""

from __future__ import annotations

import re

from app import jobs
from app.reports.builder import DOCX_MIMETYPE, PDF_MIMETYPE, report_title, write_board_report
from app.reports.scope import Scope

KIND = "board_report"
MIMETYPES = {"docx": DOCX_MIMETYPE, "pdf": PDF_MIMETYPE}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "board-report"


def params_for(scope: Scope, fmt: str) -> dict:
    """What the job is given: plain values, so it can cross to an RQ worker."""
    return {"scope": scope.kind, "id": scope.id, "fmt": fmt}


def board_report(params: dict, out, progress) -> tuple[str, str]:
    """Job kind: the board report of params' scope in params' format. Who may ask for one is checked by the route
    (partnership staff only); the job writes the partnership-wide report."""
    scope, fmt = Scope(params["scope"], int(params["id"])), params["fmt"]
    if fmt not in MIMETYPES:
        raise ValueError(f"unknown report format {fmt!r}")
    progress(2, "Reading the findings")

    def report(done: int, total: int) -> None:
        share = done / total if total else 1
        progress(5 + int(share * (80 if fmt == "pdf" else 90)), f"Written {done} of {total} parts")

    write_board_report(scope, fmt, out, report)
    if fmt == "pdf":
        progress(95, "Made the PDF")
    name = str(scope.id) if scope.kind == "year" else report_title(scope).removeprefix("Board report: ")
    return f"{slug(name)}-board-report.{fmt}", MIMETYPES[fmt]


def register() -> None:
    jobs.register_kind(KIND, board_report)
