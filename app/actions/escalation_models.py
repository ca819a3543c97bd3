"""The steps an overdue action has been through: its owner reminded, then escalated to the QA sub-group, then to
the partnership executive (app.actions.escalation). Each step happens once per action, level and due date, so moving
the due date starts the ladder again."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.actions.models import ActionItem
from app.extensions import db
from app.utils import utcnow

OWNER = "owner"
QA = "qa"
EXECUTIVE = "executive"
LEVELS = (OWNER, QA, EXECUTIVE)  # in the order an overdue action climbs them
# What the action page and the activity log say each step did.
LEVEL_LABELS = {
    OWNER: "Owner organisation reminded",
    QA: "Escalated to the QA sub-group",
    EXECUTIVE: "Escalated to the partnership executive",
}


class ActionEscalation(db.Model):
    __tablename__ = "action_escalation"
    __table_args__ = (
        sa.UniqueConstraint("action_id", "level", "due_date", name="uq_action_escalation_once"),
        sa.CheckConstraint("level IN ('owner', 'qa', 'executive')", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action_item.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(sa.String(16))
    # The action's due date when this step happened: a step counts only while the action is still due then.
    due_date: Mapped[date]
    escalated_on: Mapped[date]
    recipients: Mapped[list] = mapped_column(sa.JSON, default=list)  # the email addresses told
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]


def escalated_condition() -> sa.ColumnElement[bool]:
    """The actions escalated beyond their owner (to the QA sub-group or the executive) for their current due date."""
    return sa.exists().where(
        ActionEscalation.action_id == ActionItem.id,
        ActionEscalation.due_date == ActionItem.due_date,
        ActionEscalation.level.in_((QA, EXECUTIVE)),
    )
