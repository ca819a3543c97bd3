from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.utils import utcnow


OUTBOX_STATES = ("pending", "sent", "failed", "dropped")
# "email": subject and body are written when queued. The others are composed by the delivery worker, so an emailed
# link is only made (and only exists) when the message goes out, and a request does the same work whatever it asks.
OUTBOX_KINDS = ("email", "invitation", "password_reset")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class OutboxMessage(db.Model):
    """An email to send, written in the transaction of the change that causes it and delivered after commit by
    `flask mail deliver`: if the change rolls back, so does its email; if the mail server is down, it waits."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        sa.CheckConstraint(_in("state", OUTBOX_STATES), name="state_known"),
        sa.CheckConstraint(_in("kind", OUTBOX_KINDS), name="kind_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("(state = 'sent') = (sent_at IS NOT NULL)", name="sent_has_time"),
        sa.Index("ix_mail_outbox_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), default="email")
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Set when one cause must never queue the same message twice (a reminder rule for one recipient).
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(255), unique=True)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.recipient} {self.state}>"


class Reminder(db.Model):
    """A reminder that was queued: written in one transaction with its outbox message, so each rule emails each
    recipient once. `sent_at` is when it was queued; the outbox says when the mail server took it."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.UniqueConstraint(
            "kind", "target_type", "target_id", "due_date", "recipient", name="uq_reminder_once_per_rule"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    target_type: Mapped[str] = mapped_column(sa.String(64))
    target_id: Mapped[int]
    due_date: Mapped[date]
    recipient: Mapped[str] = mapped_column(sa.String(254))
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
