from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.extensions import db
from app.paging import Page, paginate


def search_events(
    *,
    actor: str | None = None,
    verb: str | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
) -> Page:
    query = sa.select(ActivityEvent).order_by(ActivityEvent.at.desc(), ActivityEvent.id.desc())
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
        query = query.where(
            ActivityEvent.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=timezone.utc)
        )
    return paginate(query, page)


def distinct_values(column) -> list[str]:
    return list(db.session.execute(sa.select(column).distinct().order_by(column)).scalars())


def verbs() -> list[str]:
    return distinct_values(ActivityEvent.verb)


def object_types() -> list[str]:
    return distinct_values(ActivityEvent.object_type)
