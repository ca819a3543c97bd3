from __future__ import annotations

from typing import Any

from flask_login import current_user

from app.activity.models import ActivityEvent
from app.extensions import db


def _object_type(obj: Any) -> str:
    return getattr(obj, "__tablename__", None) or type(obj).__name__.lower()


def record(
    verb: str,
    obj: Any = None,
    summary: str = "",
    *,
    actor=None,
    object_type: str | None = None,
    object_id: int | None = None,
) -> ActivityEvent:
    """Record that `actor` (default: the signed-in user, else the system) did `verb` to `obj`."""
    if actor is None:
        try:
            actor = current_user if current_user and current_user.is_authenticated else None
        except (RuntimeError, AttributeError):  # outside a request (CLI)
            actor = None
    if obj is not None:
        db.session.flush()  # make sure new objects have ids
    event = ActivityEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=(actor.email if actor is not None else "system"),
        verb=verb,
        object_type=object_type or (_object_type(obj) if obj is not None else "system"),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        summary=summary[:1000],
    )
    db.session.add(event)
    db.session.flush()
    return event
