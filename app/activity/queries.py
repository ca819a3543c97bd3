from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.extensions import db

PAGE_SIZE = 50


def search_events(*, actor: str | None = None, verb: str | None = None, object_type: str | None = None,
                  object_id: int | None = None, since: date | None = None, until: date | None = None,
                  page: int = 1):
    query = sa.select(ActivityEvent)
    if actor:
        query = query.where(ActivityEvent.actor_label.ilike(f"%{actor.strip()}%"))
    if verb:
        query = query.where(ActivityEvent.verb == verb)
    if object_type:
        query = query.where(ActivityEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(ActivityEvent.object_id == object_id)
    if since:
        query = query.where(ActivityEvent.at >= datetime.combine(since, time.min, tzinfo=timezone.utc))
    if until:
        query = query.where(ActivityEvent.at < datetime.combine(until + timedelta(days=1), time.min,
                                                                tzinfo=timezone.utc))
    total = db.session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(ActivityEvent.at.desc(), ActivityEvent.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    ).scalars().all()
    return rows, total


def distinct_values(column) -> list[str]:
    return list(db.session.execute(sa.select(column).distinct().order_by(column)).scalars())


def verbs() -> list[str]:
    return distinct_values(ActivityEvent.verb)


def object_types() -> list[str]:
    return distinct_values(ActivityEvent.object_type)
