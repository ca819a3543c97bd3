"""The findings recorded on a round or campaign, with their actions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.actions.models import ActionItem
from app.extensions import db
from app.findings.models import Finding

# --- findings and actions ------------------------------------------------------------------------------------


def findings_for(*, round_id: int | None = None, campaign_id: int | None = None) -> list[Finding]:
    parent = Finding.round_id == round_id if round_id is not None else Finding.campaign_id == campaign_id
    return list(
        db.session.execute(
            sa.select(Finding)
            .where(parent)
            .options(
                selectinload(Finding.actions).selectinload(ActionItem.updates),
                selectinload(Finding.actions).selectinload(ActionItem.owner_organisation),
            )
            .order_by(Finding.heading, Finding.position, Finding.id)
        ).scalars()
    )


def retest_actions(round_ids) -> list[ActionItem]:
    """Actions on findings of these rounds that name a criterion to re-test."""
    return list(
        db.session.execute(
            sa.select(ActionItem)
            .join(Finding, ActionItem.finding_id == Finding.id)
            .where(Finding.round_id.in_(list(round_ids)), ActionItem.retest_question_key.is_not(None))
            .order_by(ActionItem.id)
        ).scalars()
    )
