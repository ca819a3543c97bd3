"""Actions raised on a round's or a campaign's findings, as the action tracker describes them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from app.actions.models import ActionItem
from app.actions.sources import ActionSource, SourceLine, register_source
from app.audits.models import AuditRound
from app.extensions import db
from app.findings.models import Finding
from app.selfassessment.models import Campaign


def _findings(actions: list[ActionItem], parent) -> dict[int, tuple[int, str]]:
    """finding id -> (round or campaign id, its title), for the findings of `parent` (AuditRound or Campaign)."""
    finding_ids = {a.finding_id for a in actions if a.finding_id is not None}
    if not finding_ids:
        return {}
    column = Finding.round_id if parent is AuditRound else Finding.campaign_id
    rows = db.session.execute(
        sa.select(Finding.id, parent.id, parent.title)
        .join(parent, column == parent.id)
        .where(Finding.id.in_(finding_ids))
    )
    return {finding_id: (parent_id, title) for finding_id, parent_id, title in rows}


def _describer(parent, text: str, endpoint: str, argument: str):
    def describe(actions: list[ActionItem], viewer) -> dict[int, SourceLine]:
        found = _findings(actions, parent)
        return {
            a.id: SourceLine(
                text=text,
                link_text=found[a.finding_id][1],
                href=url_for(endpoint, **{argument: found[a.finding_id][0]}) + "#report",
            )
            for a in actions
            if a.finding_id in found
        }

    return describe


def _of(column):
    return lambda: ActionItem.finding_id.in_(sa.select(Finding.id).where(column.is_not(None)))


def register() -> None:
    register_source(
        ActionSource(
            kind="case_audit",
            label="Case audit findings",
            order=20,
            condition=_of(Finding.round_id),
            describe=_describer(AuditRound, "Case audit: ", "findings.round_findings", "round_id"),
        )
    )
    register_source(
        ActionSource(
            kind="campaign",
            label="Self-assessment findings",
            order=30,
            condition=_of(Finding.campaign_id),
            describe=_describer(Campaign, "Self-assessment findings: ", "findings.campaign_findings", "campaign_id"),
        )
    )
