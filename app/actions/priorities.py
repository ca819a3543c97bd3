"""The partnership priorities admin keeps (add, rename, retire, restore; delete only while no action uses one), and
reading them. Validate, flush, record activity; the caller commits. Administrators only (routes check the role)."""

from __future__ import annotations

import sqlalchemy as sa

from app.actions.models import PartnershipPriority, action_partnership_priority
from app.activity import record
from app.errors import DomainError, checked_text
from app.extensions import db
from app.utils import utcnow

NAME_MAX = 200


def active_priorities() -> list[PartnershipPriority]:
    """Priorities an action can be tagged with now (not retired), by name."""
    return list(
        db.session.execute(
            sa.select(PartnershipPriority)
            .where(PartnershipPriority.retired_at.is_(None))
            .order_by(PartnershipPriority.name)
        ).scalars()
    )


def all_priorities() -> list[PartnershipPriority]:
    return list(db.session.execute(sa.select(PartnershipPriority).order_by(PartnershipPriority.name)).scalars())


def usage_counts() -> dict[int, int]:
    """How many actions each priority is tagged on, by priority id."""
    rows = db.session.execute(
        sa.select(action_partnership_priority.c.priority_id, sa.func.count()).group_by(
            action_partnership_priority.c.priority_id
        )
    )
    return {priority_id: count for priority_id, count in rows}


def _checked_name(name, *, ignore_id: int | None = None) -> str:
    name = checked_text(name, field="name", label="the priority's name", max_length=NAME_MAX)
    clash = db.session.execute(
        sa.select(PartnershipPriority.id).where(sa.func.lower(PartnershipPriority.name) == name.lower())
    ).scalar()
    if clash is not None and clash != ignore_id:
        raise DomainError(f"There is already a partnership priority called “{name}”", field="name")
    return name


def add_priority(name, *, actor=None) -> PartnershipPriority:
    """A new partnership priority actions can be tagged with."""
    priority = PartnershipPriority(name=_checked_name(name))
    db.session.add(priority)
    db.session.flush()
    record("created", priority, f"Partnership priority added: {priority.name}", actor=actor)
    return priority


def rename_priority(priority: PartnershipPriority, name, *, actor=None) -> None:
    """Rename a priority; actions tagged with it show the new name."""
    name = _checked_name(name, ignore_id=priority.id)
    if name != priority.name:
        old, priority.name = priority.name, name
        db.session.flush()
        record("updated", priority, f"Partnership priority renamed from “{old}” to “{name}”", actor=actor)


def retire_priority(priority: PartnershipPriority, *, actor=None) -> None:
    """Stop offering a priority for new tags; actions already tagged keep it."""
    if priority.retired:
        raise DomainError("This priority is already retired")
    priority.retired_at = utcnow()
    db.session.flush()
    record("retired", priority, f"Partnership priority retired: {priority.name}", actor=actor)


def restore_priority(priority: PartnershipPriority, *, actor=None) -> None:
    """Offer a retired priority again."""
    if not priority.retired:
        raise DomainError("This priority is in use already")
    priority.retired_at = None
    db.session.flush()
    record("restored", priority, f"Partnership priority restored: {priority.name}", actor=actor)


def delete_priority(priority: PartnershipPriority, *, actor=None) -> None:
    """Delete a priority no action was ever tagged with (one in use is retired instead)."""
    if usage_counts().get(priority.id):
        raise DomainError("This priority is used by actions: retire it instead")
    name = priority.name
    record("deleted", priority, f"Partnership priority deleted: {name}", actor=actor)
    db.session.delete(priority)
    db.session.flush()
