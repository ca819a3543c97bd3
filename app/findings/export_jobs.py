"""The findings workbooks as background jobs: a national round's or campaign's workbook takes too long for a
request, so the findings pages ask for one and the user waits on the job's page ("Your download is being
prepared"). `flask export round|campaign` still writes them directly."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app import jobs
from app.audits.models import AuditRound
from app.extensions import db
from app.findings import export
from app.jobs.models import BackgroundJob
from app.jobs.runner import complete_now
from app.selfassessment.models import Campaign

ROUND_KIND = "round_findings"
CAMPAIGN_KIND = "campaign_findings"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "findings"


def _parent(model, ident: int, noun: str):
    parent = db.session.get(model, ident)
    if parent is None:
        raise LookupError(f"no {noun} with id {ident}")
    return parent


def round_workbook(params: dict, out, progress) -> tuple[str, str]:
    """Job kind: a round's findings workbook, as the user who asked may see it (params: round_id,
    organisation_id, None for the whole partnership)."""
    audit_round = _parent(AuditRound, params["round_id"], "audit round")
    progress(5, "Working out the round's figures")
    export.round_workbook(audit_round, out, organisation_id=params.get("organisation_id"))
    progress(95, "Saving the workbook")
    return f"{slug(audit_round.title)}-findings.xlsx", export.XLSX_MIMETYPE


def campaign_workbook(params: dict, out, progress) -> tuple[str, str]:
    """Job kind: a campaign's findings workbook (params: campaign_id, organisation_id, and area: only the
    organisations reporting to that area, checked by the route)."""
    campaign = _parent(Campaign, params["campaign_id"], "self-assessment campaign")
    area = params.get("area")
    progress(5, "Working out the campaign's figures")
    export.campaign_workbook(campaign, out, organisation_id=params.get("organisation_id"), area=area)
    progress(95, "Saving the workbook")
    return f"{slug(campaign.title)}{'-' + slug(area) if area else ''}-findings.xlsx", export.XLSX_MIMETYPE


def register() -> None:
    jobs.register_kind(ROUND_KIND, round_workbook)
    jobs.register_kind(CAMPAIGN_KIND, campaign_workbook)


def load_demo(demo) -> None:
    """Demo: the QA user's campaign workbook, already prepared, on their downloads page."""
    qa = demo.users.get("qa@riverside.example")
    campaign = db.session.execute(sa.select(Campaign).order_by(Campaign.id).limit(1)).scalar_one_or_none()
    if qa is None or campaign is None:
        return
    if db.session.execute(sa.select(BackgroundJob.id).where(BackgroundJob.user_id == qa.id).limit(1)).first():
        return
    job = jobs.request_download(
        qa,
        CAMPAIGN_KIND,
        {"campaign_id": campaign.id, "organisation_id": None},
        title=f"Findings workbook: {campaign.title}",
    )
    complete_now(job)
    demo.say(f"prepared download {job.download_name} for {qa.email}")
