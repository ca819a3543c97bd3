"""Actions raised on a risk in an organisation's statement risk assessment, as the action tracker describes them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from app.permissions import is_partnership_staff
from app.actions.models import ActionItem
from app.actions.sources import ActionSource, SourceLine, register_source
from app.extensions import db
from app.statements.models import Risk


def _describe(actions: list[ActionItem], viewer) -> dict[int, SourceLine]:
    risk_ids = {a.risk_id for a in actions if a.risk_id is not None}
    if not risk_ids:
        return {}
    risks = dict(db.session.execute(sa.select(Risk.id, Risk.description).where(Risk.id.in_(risk_ids))).all())
    # Partnership staff have no risk assessment page of their own to follow the link to.
    href = url_for("statements.risk_assessment") if viewer is not None and not is_partnership_staff(viewer) else None
    return {
        a.id: SourceLine(link_text="Statement risk assessment", href=href, detail=risks[a.risk_id] or None)
        for a in actions
        if a.risk_id in risks
    }


def register() -> None:
    register_source(
        ActionSource(
            kind="statement",
            label="Statement risk assessment",
            order=40,
            condition=lambda: ActionItem.risk_id.is_not(None),
            describe=_describe,
        )
    )
