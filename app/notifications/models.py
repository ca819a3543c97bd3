from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.utils import utcnow


class Reminder(db.Model):
    """A reminder that was sent. Written only after the email went out, so a failed send is retried next run."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.UniqueConstraint("kind", "target_type", "target_id", "due_date", "recipient",
                            name="uq_reminder_once_per_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    target_type: Mapped[str] = mapped_column(sa.String(64))
    target_id: Mapped[int]
    due_date: Mapped[date]
    recipient: Mapped[str] = mapped_column(sa.String(254))
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
