"""What the multi-agency panel records around a round: its moderation meetings, and live concerns raised on a case
("this child may be at risk now") with who owns each and what was done."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.states import Lifecycle, state_column_type
from app.utils import utcnow

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.audits.models import AuditCase, AuditRound


class FamilyFeedback(Lifecycle):
    not_sought = "not_sought"
    sought = "sought"
    received = "received"

    @property
    def label(self) -> str:
        return {
            "not_sought": "Not sought",
            "sought": "Sought, not received",
            "received": "Sought and received",
        }[self.value]


class ConcernState(Lifecycle):
    open = "open"
    closed = "closed"

    @classmethod
    def transitions(cls):
        return {"open": {"closed"}}


class PanelMeeting(db.Model):
    """One moderation meeting of a round's multi-agency panel: when, who sat on it, which practitioners joined and
    whether the family's feedback was sought. A round may have several."""

    __tablename__ = "panel_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    # Names and roles of the panel members present, as the panel's minutes give them.
    panel: Mapped[str] = mapped_column(sa.Text)
    # The practitioners who joined (roles, not names), if any.
    practitioners: Mapped[str | None] = mapped_column(sa.Text)
    family_feedback: Mapped[FamilyFeedback] = mapped_column(
        state_column_type(FamilyFeedback, "panel_meeting_family_feedback")
    )
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    round: Mapped[AuditRound] = relationship()


class LiveConcern(db.Model):
    """A concern raised during an audit that a child may be at risk now. Open until partnership staff record who
    owns it and what was done (escalated to whom, on which date, or why not) and close it; a round cannot close
    while one of its cases has an open concern."""

    __tablename__ = "live_concern"
    __table_args__ = (
        sa.CheckConstraint("(state = 'closed') = (closed_at IS NOT NULL)", name="closed_has_time"),
        sa.CheckConstraint(
            "state <> 'closed' OR (owner IS NOT NULL AND outcome IS NOT NULL)", name="closed_has_owner_and_outcome"
        ),
        sa.CheckConstraint("(escalated_to IS NULL) = (escalated_on IS NULL)", name="escalation_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_case.id", ondelete="CASCADE"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    raised_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # What the risk is, no more than needed to act on it; removed by the retention purge.
    description: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[ConcernState] = mapped_column(
        state_column_type(ConcernState, "live_concern_state"), default=ConcernState.open
    )
    # The person (name and role) responsible for seeing the concern through.
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    escalated_to: Mapped[str | None] = mapped_column(sa.String(200))
    escalated_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    case: Mapped[AuditCase] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
