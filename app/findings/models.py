from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.actions.models import ActionItem
from app.extensions import db
from app.states import exactly_one_not_null
from app.utils import utcnow

FINDING_HEADINGS = {
    "evidence": "Evidence",
    "strength": "Strengths",
    "area_for_improvement": "Areas for improvement",
    "learning": "Learning",
    "impact": "Impact",
}


class Finding(db.Model):
    __tablename__ = "finding"
    __table_args__ = (
        sa.CheckConstraint(exactly_one_not_null("round_id", "campaign_id"), name="one_parent"),
        sa.CheckConstraint(
            "heading IN ('evidence', 'strength', 'area_for_improvement', 'learning', 'impact')", name="heading_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    heading: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text)
    themes: Mapped[list] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    actions: Mapped[list[ActionItem]] = relationship(backref="finding")


class FiguresCache(db.Model):
    """A round's or campaign's computed findings figures, kept until anything they are computed from changes.

    `stamp` names what they were computed from: the period's `figures_token`, FIGURES_VERSION and the settings
    (app/findings/freshness.py). A row whose stamp no longer matches is recomputed and replaced; nothing here is
    the record of anything, so the table can be emptied at any time."""

    __tablename__ = "figures_cache"
    __table_args__ = (sa.CheckConstraint(exactly_one_not_null("round_id", "campaign_id"), name="one_parent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), unique=True)
    stamp: Mapped[str] = mapped_column(sa.String(128))
    figures: Mapped[dict] = mapped_column(sa.JSON)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
