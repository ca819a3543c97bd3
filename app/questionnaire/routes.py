"""Admin pages: the instrument library, a read-only preview of any version, a blank spreadsheet."""

from __future__ import annotations

import re

from flask import Response, render_template, request

from app.permissions import roles_required
from app.questionnaire import bp
from app.questionnaire.definition import ORG_TYPE_CODES
from app.questionnaire.export import blank_workbook
from app.questionnaire.forms import build_section_form
from app.questionnaire.store import all_instruments, get_version_or_404

VIEWERS = ("admin", "qa")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    return render_template("questionnaire/index.html", instruments=all_instruments())


@bp.route("/versions/<int:version_id>")
@roles_required(*VIEWERS)
def preview(version_id: int):
    version = get_version_or_404(version_id)
    instrument = version.parsed
    org_type = request.args.get("org_type") or None
    if org_type not in ORG_TYPE_CODES:
        org_type = None
    sections = [
        (section, build_section_form(instrument, section.key, org_type, read_only=True))
        for section in instrument.sections_for(org_type)
    ]
    return render_template(
        "questionnaire/preview.html",
        version=version,
        instrument=instrument,
        sections=sections,
        org_type=org_type,
        org_types=ORG_TYPE_CODES,
        applies=instrument.applies_to_org_type(org_type),
    )


@bp.route("/versions/<int:version_id>/blank.xlsx")
@roles_required(*VIEWERS)
def download(version_id: int):
    version = get_version_or_404(version_id)
    instrument = version.parsed
    filename = re.sub(r"[^a-z0-9-]", "", instrument.key) + f"-v{instrument.version}.xlsx"
    return Response(
        blank_workbook(instrument),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
