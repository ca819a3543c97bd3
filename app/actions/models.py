"""Actions: what an organisation will do, by when, and its dated progress notes.

An action hangs off exactly one parent in a higher feature (a self-assessment return answer, a round or campaign
finding, a statement risk). The foreign keys name those tables; this feature never imports their models: each
feature that raises actions describes its own (app.actions.sources).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.states import Lifecycle, at_most_one_not_null, state_column_type
from app.utils import utcnow

if TYPE_CHECKING:
    from app.accounts.models import Organisation, User


class ActionStatus(Lifecycle):
    """`complete` is the owner's word (a completion note, perhaps evidence) awaiting QA; `verified` is QA's, and
    the only state that counts as closed (app.actions.queries.closed_condition). QA's "not yet" moves a complete
    action back to in progress, with the reason on its completion."""

    not_started = "not_started"
    in_progress = "in_progress"
    complete = "complete"
    verified = "verified"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return {"complete": "Awaiting verification"}.get(self.value, self.value.replace("_", " ").capitalize())

    @classmethod
    def transitions(cls):
        return {
            "not_started": {"in_progress", "complete", "cancelled"},
            "in_progress": {"not_started", "complete", "cancelled"},
            "complete": {"in_progress", "verified"},
            "verified": set(),
            "cancelled": {"in_progress"},
        }


class ActionPriority(str, enum.Enum):
    high = "high"
    medium = "medium"
    low = "low"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class VerificationOutcome(str, enum.Enum):
    verified = "verified"
    not_yet = "not_yet"


# An action's partnership priorities (zero or more).
action_partnership_priority = sa.Table(
    "action_partnership_priority",
    db.metadata,
    sa.Column("action_id", sa.ForeignKey("action_item.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("priority_id", sa.ForeignKey("partnership_priority.id"), primary_key=True, index=True),
)


class PartnershipPriority(db.Model):
    """A priority the partnership has agreed (kept by admin); actions are tagged with them. A priority in use is
    retired, never deleted, so the actions tagged with it keep their tag."""

    __tablename__ = "partnership_priority"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    retired_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


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
    priority: Mapped[ActionPriority] = mapped_column(
        state_column_type(ActionPriority, "action_item_priority"),
        default=ActionPriority.medium,
        server_default=ActionPriority.medium.value,
    )

    owner_organisation: Mapped[Organisation] = relationship()
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionUpdate.created_at"
    )
    completions: Mapped[list[ActionCompletion]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        order_by="ActionCompletion.completed_at, ActionCompletion.id",
        foreign_keys="ActionCompletion.action_id",
    )
    partnership_priorities: Mapped[list[PartnershipPriority]] = relationship(
        secondary=action_partnership_priority, order_by="PartnershipPriority.name"
    )

    @property
    def latest_completion(self) -> ActionCompletion | None:
        return self.completions[-1] if self.completions else None

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


class ActionCompletion(db.Model):
    """The owner's word that an action is done (a note, and evidence: a file and/or an https link), and QA's
    answer to it: verified, or "not yet" with the reason. Each completion is kept, so the history shows every
    round of it."""

    __tablename__ = "action_completion"
    __table_args__ = (
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('verified', 'not_yet')", name="outcome_known"),
        sa.CheckConstraint("(outcome IS NULL) = (reviewed_at IS NULL)", name="reviewed_when_decided"),
        sa.CheckConstraint("outcome IS NULL OR outcome = 'verified' OR reason IS NOT NULL", name="not_yet_has_reason"),
        sa.CheckConstraint(
            "(evidence_stored_name IS NULL) = (evidence_original_name IS NULL)", name="evidence_file_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action_item.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(sa.Text)
    evidence_link: Mapped[str | None] = mapped_column(sa.String(2000))
    evidence_original_name: Mapped[str | None] = mapped_column(sa.String(255))
    evidence_stored_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    evidence_content_type: Mapped[str | None] = mapped_column(sa.String(100))
    evidence_size_bytes: Mapped[int | None]
    evidence_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    completed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    outcome: Mapped[str | None] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    action: Mapped[ActionItem] = relationship(back_populates="completions", foreign_keys=[action_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def pending(self) -> bool:
        return self.outcome is None
