"""Learning briefings: a one-page "7-minute briefing" drawn from a round's agreed findings, which QA drafts, publishes
and sends to organisation leads, who confirm they have cascaded it to their staff."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.states import Lifecycle, state_column_type
from app.utils import utcnow

if TYPE_CHECKING:
    from app.accounts.models import Organisation, User
    from app.audits.models import AuditRound

# The sections of a 7-minute briefing, in the order it reads: (column, heading).
BRIEFING_SECTIONS = (
    ("looked_at", "What we looked at"),
    ("found", "What we found"),
    ("good_looks_like", "What good looks like"),
    ("do_differently", "What to do differently"),
    ("get_help", "Where to get help"),
)


class BriefingState(Lifecycle):
    draft = "draft"
    published = "published"

    @classmethod
    def transitions(cls):
        return {"draft": {"published"}}


class Briefing(db.Model):
    """A learning briefing about one audit round. Published text is final: leads confirm they cascaded exactly it."""

    __tablename__ = "briefing"
    __table_args__ = (
        sa.CheckConstraint("(state = 'published') = (published_at IS NOT NULL)", name="published_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[BriefingState] = mapped_column(
        state_column_type(BriefingState, "briefing_state"), default=BriefingState.draft
    )
    looked_at: Mapped[str] = mapped_column(sa.Text, default="")
    found: Mapped[str] = mapped_column(sa.Text, default="")
    good_looks_like: Mapped[str] = mapped_column(sa.Text, default="")
    do_differently: Mapped[str] = mapped_column(sa.Text, default="")
    get_help: Mapped[str] = mapped_column(sa.Text, default="")
    lock_version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    round: Mapped[AuditRound] = relationship()
    recipients: Mapped[list[BriefingRecipient]] = relationship(
        back_populates="briefing", cascade="all, delete-orphan", order_by="BriefingRecipient.id"
    )

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def sections(self) -> list[tuple[str, str, str]]:
        """(key, heading, text) of each section, in reading order."""
        return [(key, heading, getattr(self, key) or "") for key, heading in BRIEFING_SECTIONS]


class BriefingRecipient(db.Model):
    """An organisation a published briefing was sent to, and whose lead confirmed it was cascaded to staff."""

    __tablename__ = "briefing_recipient"
    __table_args__ = (
        sa.UniqueConstraint("briefing_id", "organisation_id", name="uq_briefing_recipient_organisation"),
        sa.CheckConstraint("(confirmed_at IS NULL) = (confirmed_by_id IS NULL)", name="confirmed_by_someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(sa.ForeignKey("briefing.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    briefing: Mapped[Briefing] = relationship(back_populates="recipients")
    organisation: Mapped[Organisation] = relationship()
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
