from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.states import Lifecycle, exactly_one_not_null, state_column_type
from app.utils import utcnow

FINDING_HEADINGS = {
    "evidence": "Evidence",
    "strength": "Strengths",
    "area_for_improvement": "Areas for improvement",
    "learning": "Learning",
    "impact": "Impact",
}


def at_most_one_not_null(*columns: str) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NOT NULL THEN 1 ELSE 0 END)" for c in columns) + " <= 1"


class ActionStatus(Lifecycle):
    not_started = "not_started"
    in_progress = "in_progress"
    complete = "complete"
    cancelled = "cancelled"

    @classmethod
    def transitions(cls):
        return {
            "not_started": {"in_progress", "complete", "cancelled"},
            "in_progress": {"not_started", "complete", "cancelled"},
            "complete": {"in_progress"},
            "cancelled": {"in_progress"},
        }


class Finding(db.Model):
    __tablename__ = "finding"
    __table_args__ = (
        sa.CheckConstraint(exactly_one_not_null("round_id", "campaign_id"), name="one_parent"),
        sa.CheckConstraint("heading IN ('evidence', 'strength', 'area_for_improvement', 'learning', 'impact')",
                           name="heading_known"),
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

    actions: Mapped[list["ActionItem"]] = relationship(back_populates="finding")


class ActionItem(db.Model):
    __tablename__ = "action_item"
    __table_args__ = (
        # Created on exactly one parent (services.create_action); a return answer or risk deleted later leaves the
        # action, with its history, unlinked rather than blocking the delete.
        sa.CheckConstraint(at_most_one_not_null("return_answer_id", "finding_id", "risk_id"),
                           name="at_most_one_parent"),
        sa.Index("ix_action_item_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(sa.Text)
    owner_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    owner_name: Mapped[str] = mapped_column(sa.String(200))
    due_date: Mapped[date]
    status: Mapped[ActionStatus] = mapped_column(state_column_type(ActionStatus, "action_item_status"),
                                                 default=ActionStatus.not_started)
    return_answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("return_answer.id", ondelete="SET NULL"),
                                                         index=True)
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    risk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("risk.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    owner_organisation = relationship("Organisation")
    finding: Mapped[Finding | None] = relationship(back_populates="actions")
    updates: Mapped[list["ActionUpdate"]] = relationship(back_populates="action", cascade="all, delete-orphan",
                                                         order_by="ActionUpdate.created_at")


class ActionUpdate(db.Model):
    """A dated progress note on an action."""

    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action_item.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(sa.Text)
    status_after: Mapped[str] = mapped_column(sa.String(32))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    action: Mapped[ActionItem] = relationship(back_populates="updates")


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
