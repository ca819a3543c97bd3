"""Actions: what an organisation will do, by when, and its dated progress notes.

An action hangs off exactly one parent in a higher feature (a self-assessment return answer, a round or campaign
finding, a statement risk). The foreign keys name those tables; this feature never imports their models: each
feature that raises actions describes its own (app.actions.sources).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.states import Lifecycle, at_most_one_not_null, state_column_type
from app.utils import utcnow

if TYPE_CHECKING:
    from app.accounts.models import Organisation


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


class ActionItem(db.Model):
    __tablename__ = "action_item"
    __table_args__ = (
        # Created on exactly one parent (services.create_action); a return answer or risk deleted later leaves the
        # action, with its history, unlinked rather than blocking the delete.
        sa.CheckConstraint(
            at_most_one_not_null("return_answer_id", "finding_id", "risk_id"), name="at_most_one_parent"
        ),
        sa.Index("ix_action_item_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(sa.Text)
    owner_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    owner_name: Mapped[str] = mapped_column(sa.String(200))
    due_date: Mapped[date]
    status: Mapped[ActionStatus] = mapped_column(
        state_column_type(ActionStatus, "action_item_status"), default=ActionStatus.not_started
    )
    return_answer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("return_answer.id", ondelete="SET NULL"), index=True
    )
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    risk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("risk.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    owner_organisation: Mapped[Organisation] = relationship()
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionUpdate.created_at"
    )
    # Learning re-tested: for an action on a case-audit round finding, the criterion (question key of the round's
    # instrument) that should improve; the next round with that instrument shows it before and after.
    retest_question_key: Mapped[str | None] = mapped_column(sa.String(80))


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
