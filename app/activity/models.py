from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.utils import utcnow


class ActivityEvent(db.Model):
    """One thing that happened. Rows are only ever inserted: there is no code path that edits or deletes one."""

    __tablename__ = "activity_event"
    __table_args__ = (sa.Index("ix_activity_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(255))
    verb: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(1000))


@event.listens_for(ActivityEvent, "before_update")
def _refuse_update(mapper, connection, target):  # pragma: no cover - guard rail
    raise RuntimeError("Activity events are append-only")


@event.listens_for(ActivityEvent, "before_delete")
def _refuse_delete(mapper, connection, target):  # pragma: no cover - guard rail
    raise RuntimeError("Activity events are append-only")
