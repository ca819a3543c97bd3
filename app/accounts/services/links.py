"""Emailed links: invitations and password resets, queued in the outbox, composed when they go out, and
spent when the password is set."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.accounts import tokens
from app.accounts.models import ROLE_LABELS, AccountToken, User
from app.accounts.services._common import (
    EMAIL_MAX_LENGTH,
    AccountError,
    get_user_by_email,
    normalise_email,
)
from app.accounts.services.passwords import set_password
from app.activity import record
from app.extensions import db
from app.notifications.outbox import Composed, Drop, queue_composed
from app.urls import external_url
from app.utils import utcnow

log = logging.getLogger(__name__)


# --- emailed links: invitations and password resets -------------------------------------------------------------

# Password reset emails per account per hour, so the form cannot be used to flood someone's inbox.
RESET_EMAILS_PER_HOUR = 3


def describe_duration(seconds: int) -> str:
    """A link's lifetime in words ("2 days", "1 hour"); changes nothing."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0 or unit == "minute":
            count = max(seconds // size, 1)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return ""  # pragma: no cover - the loop always returns


def _link(endpoint: str, token: str) -> str:
    return external_url(endpoint, token=token)


def invitation_email(user: User, link: str) -> tuple[str, str]:
    """The invitation's subject and body for this user and set-password link; changes nothing."""
    partnership = current_app.config["PARTNERSHIP_NAME"]
    roles = ", ".join(ROLE_LABELS.get(r, r).lower() for r in sorted(user.roles)) or "user"
    where = f" for {user.organisation.name}" if user.organisation else ""
    body = (
        f"Hello {user.name},\n\n"
        f"You have been given an account on the {partnership} safeguarding assurance service "
        f"as {roles}{where}.\n\n"
        f"Set your password to start using it:\n{link}\n\n"
        f"The link works once and expires in {describe_duration(tokens.max_age(tokens.INVITE))}. If it has expired, "
        "ask your partnership administrator to send a new invitation.\n\n"
        "If you were not expecting this email, you can ignore it.\n"
    )
    return f"Your account for the {partnership} safeguarding assurance service", body


def reset_email(user: User, link: str) -> tuple[str, str]:
    """The password reset email's subject and body for this user and link; changes nothing."""
    partnership = current_app.config["PARTNERSHIP_NAME"]
    body = (
        f"Hello {user.name},\n\n"
        f"Someone asked to reset the password of your account on the {partnership} safeguarding assurance service.\n\n"
        f"Choose a new password using this link:\n{link}\n\n"
        f"The link works once and expires in {describe_duration(tokens.max_age(tokens.RESET))}.\n\n"
        "If you did not ask for this, you can ignore this email: your password has not changed.\n"
    )
    return "Reset your password", body


def queue_invitation(user: User, *, actor=None, resend: bool = False) -> None:
    """Queue a set-password email in this transaction. The link is made when the email goes out (`flask mail
    deliver`), so a link never sits in the database unsent, and a resend replaces any earlier link.
    Administrators only, from the admin user pages and the CSV import."""
    if not user.active:
        raise AccountError(f"{user.email} is deactivated. Reactivate the account before sending an invitation")
    if user.password_hash:
        raise AccountError(
            f"{user.email} has already set a password. If they have forgotten it, they can use "
            "“Forgotten your password?” on the sign-in page"
        )
    queue_composed("invitation", user.email)
    record("invitation_resent" if resend else "invited", user, f"Queued an invitation to {user.email}", actor=actor)


def compose_invitation(message) -> Composed:
    """The invitation for the outbox worker: only while the account still waits for its first password."""
    user = get_user_by_email(message.recipient)
    if user is None or not user.active:
        raise Drop("no active account has this address any more")
    if user.password_hash:
        raise Drop("the account has set a password since the invitation was queued")
    subject, body = invitation_email(user, _link("accounts.invitation", tokens.issue_token(user, tokens.INVITE)))
    return Composed(subject, body)


def latest_invitation_sent_at(user: User):
    """When the user's latest invitation link was made, or None; changes nothing. For the admin user page."""
    return db.session.execute(
        sa.select(sa.func.max(AccountToken.created_at)).where(
            AccountToken.user_id == user.id, AccountToken.purpose == tokens.INVITE
        )
    ).scalar_one()


def request_password_reset(email: str) -> None:
    """Queue a reset request for whatever address was typed. The same single row is written whether or not the
    address has an account: the worker decides that when it composes the email, so neither the page nor the
    time it takes can tell anyone who has an account. Anyone, signed in or not (the forgotten-password page)."""
    queue_composed("password_reset", normalise_email(email)[:EMAIL_MAX_LENGTH])


def compose_password_reset(message) -> Composed:
    """The reset email for the outbox worker, if the address belongs to an active account that has not had
    RESET_EMAILS_PER_HOUR links in the last hour."""
    user = get_user_by_email(message.recipient)
    if user is None or not user.active:
        raise Drop("no active account has this address")
    hour_ago = utcnow() - timedelta(hours=1)
    if tokens.recent_token_count(user, tokens.RESET, hour_ago) >= RESET_EMAILS_PER_HOUR:
        log.info("password reset for user %s throttled", user.id)
        raise Drop(f"throttled: {RESET_EMAILS_PER_HOUR} reset links in the last hour")
    subject, body = reset_email(user, _link("accounts.reset_password", tokens.issue_token(user, tokens.RESET)))
    return Composed(subject, body)


def record_password_reset_sent(message) -> None:
    """Record in the activity log that a reset link went out. Called by the outbox worker once the
    email is sent."""
    user = get_user_by_email(message.recipient)
    if user is not None:
        record("password_reset_requested", user, f"Sent a password reset link to {user.email}")


def record_invitation_sent(message) -> None:
    """Record in the activity log that an invitation went out. Called by the outbox worker once the
    email is sent."""
    user = get_user_by_email(message.recipient)
    if user is not None:
        record("invitation_emailed", user, f"Emailed an invitation to {user.email}")


def user_for_link(token: str, purpose: str) -> User:
    """The account an emailed link is for; tokens.TokenProblem when the link is tampered, expired or spent."""
    return tokens.load_token(token, purpose)[1]


def set_password_from_link(token: str, purpose: str, password: str) -> User:
    """Set the password through an emailed link. A password the policy refuses leaves the link usable.
    Whoever holds the link (invitation and reset pages)."""
    row, user = tokens.load_token(token, purpose)
    set_password(user, password)
    tokens.spend_token(row, user)
    if purpose == tokens.INVITE:
        record("accepted_invitation", user, f"{user.email} accepted their invitation and set a password", actor=user)
    else:
        record("password_reset", user, f"{user.email} reset their password", actor=user)
    return user
