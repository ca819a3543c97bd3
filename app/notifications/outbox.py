"""The mail outbox: emails are written in the transaction of the change that causes them and delivered after
commit by `flask mail deliver`.

Delivery claims one message at a time in a short transaction (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL,
`BEGIN IMMEDIATE` on SQLite), counts the attempt and leases the message, so no other worker picks it up while it is
being sent; the mail server is then spoken to outside any transaction, and a second short transaction records the
outcome. A failed send is retried with a doubling wait and marked failed after the last attempt. A worker that dies
mid-send leaves its lease to run out, after which the message is tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.db import writing
from app.extensions import db
from app.notifications.mail import MailError, send_email
from app.notifications.models import OUTBOX_KINDS, OutboxMessage
from app.utils import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str


class Drop(Exception):
    """A message composed at delivery has nothing to send (no such account, too many already); `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# kind -> function(message) -> Composed, raising Drop. Runs inside the claim transaction, so what it writes (a
# link's token) is committed before the email carrying it leaves.
_composers: dict[str, Callable[[OutboxMessage], Composed]] = {}


def register_composer(kind: str, composer: Callable[[OutboxMessage], Composed]) -> None:
    if kind not in OUTBOX_KINDS or kind == "email":
        raise ValueError(f"unknown composed mail kind {kind!r}")
    _composers[kind] = composer


# Set on the session by every write to the outbox, so that with RQ its commit enqueues a delivery
# (app.notifications.queued_delivery).
OUTBOX_WRITTEN = "outbox_written"


def queue_email(recipient: str, subject: str, body: str, *, dedupe_key: str | None = None) -> OutboxMessage:
    """Write an email to the outbox in the current transaction; it is sent only if that transaction commits."""
    message = OutboxMessage(kind="email", recipient=recipient, subject=subject, body=body, dedupe_key=dedupe_key)
    db.session.add(message)
    db.session.flush()
    db.session.info[OUTBOX_WRITTEN] = True
    return message


def queue_composed(kind: str, recipient: str) -> OutboxMessage:
    """Queue a message whose text the worker writes when it sends it (see register_composer)."""
    if kind == "email" or kind not in OUTBOX_KINDS:
        raise ValueError(f"unknown composed mail kind {kind!r}")
    message = OutboxMessage(kind=kind, recipient=recipient)
    db.session.add(message)
    db.session.flush()
    db.session.info[OUTBOX_WRITTEN] = True
    return message


@dataclass
class Delivery:
    message_id: int
    kind: str
    recipient: str
    subject: str
    outcome: str  # sent, retrying, failed or dropped
    detail: str = ""
    retry_at: datetime | None = None


@dataclass
class DeliveryReport:
    deliveries: list[Delivery] = field(default_factory=list)

    def with_outcome(self, outcome: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.outcome == outcome]

    @property
    def sent(self) -> list[Delivery]:
        return self.with_outcome("sent")

    @property
    def problems(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.outcome in ("retrying", "failed")]


class MailNotConfigured(MailError):
    pass


def retry_delay(attempts: int) -> timedelta:
    cfg = current_app.config
    base = int(cfg.get("MAIL_RETRY_SECONDS", 60))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), int(cfg.get("MAIL_RETRY_MAX_SECONDS", 3600))))


def lease() -> timedelta:
    """How long a claimed message is left alone: well beyond one SMTP conversation (MAIL_TIMEOUT)."""
    return timedelta(seconds=max(300, 6 * int(current_app.config.get("MAIL_TIMEOUT", 10))))


def pending_count() -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "pending")
    ).scalar_one()


def deliver_pending(*, max_attempts: int | None = None, limit: int | None = None) -> DeliveryReport:
    """Send every message that is due now, each at most once across workers; report what happened."""
    if not current_app.config.get("MAIL_SERVER"):
        raise MailNotConfigured("MAIL_SERVER is not configured, so no email can be delivered")
    max_attempts = max_attempts or int(current_app.config.get("MAIL_MAX_ATTEMPTS", 5))
    report = DeliveryReport()
    started = utcnow()  # a message whose retry falls due during this pass waits for the next one
    while limit is None or len(report.deliveries) < limit:
        delivery = deliver_next(max_attempts=max_attempts, due_by=started)
        if delivery is None:
            break
        report.deliveries.append(delivery)
    return report


def deliver_next(*, max_attempts: int, due_by: datetime | None = None) -> Delivery | None:
    db.session.commit()  # begin the claim afresh, so on SQLite it takes the write lock at BEGIN
    with writing():
        claimed = _claim(due_by or utcnow())
    if claimed is None:
        return None
    message_id, delivery, composed = claimed
    if composed is None:
        return delivery
    try:
        send_email(delivery.recipient, composed.subject, composed.body)
    except MailError as exc:
        error = str(exc)
    else:
        error = None
    with writing():
        _record_outcome(message_id, delivery, error, max_attempts)
    return delivery


def _claim(due_by: datetime) -> tuple[int, Delivery, Composed | None] | None:
    message = db.session.execute(
        sa.select(OutboxMessage)
        .where(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= due_by)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    if message is None:
        db.session.commit()
        return None
    message.attempts += 1
    message.next_attempt_at = utcnow() + lease()
    delivery = Delivery(message.id, message.kind, message.recipient, message.subject, outcome="sending")
    composed = None
    try:
        with db.session.begin_nested():
            composed = _compose(message)
    except Drop as drop:
        message.state = "dropped"
        message.last_error = drop.reason
        delivery.outcome, delivery.detail = "dropped", drop.reason
        log.info("mail %s (%s) dropped: %s", message.id, message.kind, drop.reason)
    else:
        delivery.subject = composed.subject
    message_id = message.id
    db.session.commit()
    return message_id, delivery, composed


def _compose(message: OutboxMessage) -> Composed:
    if message.kind == "email":
        return Composed(message.subject, message.body)
    composer = _composers.get(message.kind)
    if composer is None:
        raise Drop(f"nothing composes {message.kind} mail")
    return composer(message)


def _record_outcome(message_id: int, delivery: Delivery, error: str | None, max_attempts: int) -> None:
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    now = utcnow()
    if error is None:
        message.state, message.sent_at, message.last_error = "sent", now, None
        if message.kind != "email":
            message.subject = delivery.subject  # what went out; the body (it may hold a link) is never kept
        delivery.outcome = "sent"
        log.info("mail %s (%s) sent to %s", message.id, message.kind, message.recipient)
        _after_sent(message)
    elif message.attempts >= max_attempts:
        message.state, message.last_error = "failed", error
        delivery.outcome, delivery.detail = "failed", error
        log.error("mail %s to %s failed after %s attempts: %s", message.id, message.recipient, message.attempts, error)
    else:
        message.last_error = error
        message.next_attempt_at = now + retry_delay(message.attempts)
        delivery.outcome, delivery.detail, delivery.retry_at = "retrying", error, message.next_attempt_at
        log.warning(
            "mail %s to %s not sent (attempt %s of %s), retrying at %s: %s",
            message.id,
            message.recipient,
            message.attempts,
            max_attempts,
            message.next_attempt_at.isoformat(),
            error,
        )
    db.session.commit()


# kind -> function(message) run in the transaction that marks the message sent (e.g. an activity record).
_on_sent: dict[str, Callable[[OutboxMessage], None]] = {}


def register_on_sent(kind: str, callback: Callable[[OutboxMessage], None]) -> None:
    _on_sent[kind] = callback


def _after_sent(message: OutboxMessage) -> None:
    callback = _on_sent.get(message.kind)
    if callback is not None:
        callback(message)
