"""Reminder rules. Each feature registers a provider of due reminders; queuing is idempotent per rule, and the
outbox (`flask mail deliver`) sends them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

import sqlalchemy as sa

from app.activity import record
from app.extensions import db
from app.notifications.outbox import queue_email
from app.notifications.models import Reminder
from app.utils import today


@dataclass(frozen=True)
class DueReminder:
    kind: str  # rule name, e.g. "assignment_due_soon"
    target_type: str  # e.g. "assignment"
    target_id: int
    due_date: date
    recipient: str  # email address
    subject: str
    body: str
    # Called in the transaction that queues this reminder (never on a dry run), for a rule that records a step of
    # its own with its first email (an action's escalation). It is called once per recipient, so it must be
    # idempotent.
    on_queued: Callable[[], object] | None = field(default=None, compare=False, repr=False)


_providers: list[Callable[[date], Iterable[DueReminder]]] = []


def register_reminder_provider(provider: Callable[[date], Iterable[DueReminder]]):
    """Add a feature's provider of due reminders (called from init_app; registering the same provider twice keeps one)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def _already_sent(item: DueReminder) -> bool:
    return (
        db.session.execute(
            sa.select(Reminder.id).where(
                Reminder.kind == item.kind,
                Reminder.target_type == item.target_type,
                Reminder.target_id == item.target_id,
                Reminder.due_date == item.due_date,
                Reminder.recipient == item.recipient,
            )
        ).first()
        is not None
    )


def due_reminders(on: date | None = None) -> list[DueReminder]:
    """The reminders due on `on` (default today) that have not already been queued. Changes nothing."""
    on = on or today()
    items: list[DueReminder] = []
    for provider in _providers:
        items.extend(provider(on))
    return [item for item in items if not _already_sent(item)]


@dataclass
class QueueReport:
    queued: list[DueReminder]
    pending: list[DueReminder]


def reminder_dedupe_key(item: DueReminder) -> str:
    """The outbox key that keeps one email per reminder rule, target, due date and recipient."""
    rule = f"{item.kind}|{item.target_type}|{item.target_id}|{item.due_date.isoformat()}|{item.recipient}"
    return "reminder:" + hashlib.sha256(rule.encode()).hexdigest()


def queue_reminders(*, dry_run: bool = False, on: date | None = None) -> QueueReport:
    """Queue every due reminder once: its Reminder row and its outbox email are committed together, so a reminder
    is never marked done without its email, nor emailed twice."""
    items = due_reminders(on)
    if dry_run:
        return QueueReport(queued=[], pending=items)
    queued = []
    for item in items:
        db.session.add(
            Reminder(
                kind=item.kind,
                target_type=item.target_type,
                target_id=item.target_id,
                due_date=item.due_date,
                recipient=item.recipient,
            )
        )
        queue_email(item.recipient, item.subject, item.body, dedupe_key=reminder_dedupe_key(item))
        record(
            "reminder_queued",
            None,
            f"Queued {item.kind} reminder to {item.recipient}",
            object_type=item.target_type,
            object_id=item.target_id,
        )
        if item.on_queued is not None:
            item.on_queued()
        db.session.commit()
        queued.append(item)
    return QueueReport(queued=queued, pending=[])
