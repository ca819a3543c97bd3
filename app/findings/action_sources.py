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


def _retest_details(actions: list[ActionItem], viewer) -> dict[int, str]:
    """For actions naming a criterion to re-test: its before and after, as the viewer may see them."""
    from app.findings import access
    from app.findings.retest import next_round, retest_of, summary_line

    named = [a for a in actions if a.retest_question_key]
    if not named:
        return {}
    details = {}
    for action in named:
        finding = db.session.get(Finding, action.finding_id)
        rounds = [finding.round_id] if finding is not None and finding.round_id else []
        if rounds:
            later = next_round(db.session.get(AuditRound, finding.round_id))
            rounds += [later.id] if later else []
        retest = retest_of(action, access.openable_ids(viewer, "round", rounds) if viewer is not None else set())
        if retest is not None:
            details[action.id] = summary_line(retest)
    return details


def _describer(parent, text: str, endpoint: str, argument: str):
    def describe(actions: list[ActionItem], viewer) -> dict[int, SourceLine]:
        found = _findings(actions, parent)
        details = _retest_details([a for a in actions if a.finding_id in found], viewer) if parent is AuditRound else {}
        return {
            a.id: SourceLine(
                text=text,
                link_text=found[a.finding_id][1],
                href=url_for(endpoint, **{argument: found[a.finding_id][0]}) + "#report",
                detail=details.get(a.id),
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
