"""Emailed account links: signed and expiring (itsdangerous), single-use (an AccountToken row per link)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import AccountToken, User
from app.errors import DomainError
from app.extensions import db
from app.utils import utcnow

INVITE = "invite"
RESET = "reset"

# How long each kind of link lives is configuration, read when the link is checked.
MAX_AGE_SETTINGS = {INVITE: "TOKEN_MAX_AGE_SECONDS", RESET: "PASSWORD_RESET_MAX_AGE_SECONDS"}


class TokenProblem(DomainError):
    """The link cannot be used. `reason` is invalid (tampered or unknown), expired or used."""

    def __init__(self, reason: str, purpose: str):
        super().__init__(f"This link cannot be used ({reason})")
        self.reason = reason
        self.purpose = purpose


def max_age(purpose: str) -> int:
    return int(current_app.config[MAX_AGE_SETTINGS[purpose]])


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # A salt per purpose: a reset link can never be replayed as an invitation, or the other way round.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"accounts.{purpose}")


def issue_token(user: User, purpose: str) -> str:
    """A new link token for `user`; earlier unused links of the same purpose stop working."""
    revoke_tokens(user, purpose)
    nonce = secrets.token_urlsafe(32)
    db.session.add(AccountToken(nonce=nonce, user_id=user.id, purpose=purpose))
    db.session.flush()
    return _serializer(purpose).dumps({"u": user.id, "n": nonce})


def revoke_tokens(user: User, purpose: str | None = None) -> None:
    """Mark every outstanding link of the user (optionally of one purpose) as spent."""
    query = sa.update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
    if purpose is not None:
        query = query.where(AccountToken.purpose == purpose)
    db.session.execute(query.values(used_at=utcnow()), execution_options={"synchronize_session": False})


def recent_token_count(user: User, purpose: str, since) -> int:
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.created_at >= since,
        )
    ).scalar_one()


def load_token(token: str, purpose: str) -> tuple[AccountToken, User]:
    """The unused token row and its active user, or TokenProblem saying why the link is refused."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired:
        raise TokenProblem("expired", purpose) from None
    except BadSignature:
        raise TokenProblem("invalid", purpose) from None
    if not isinstance(payload, dict):
        raise TokenProblem("invalid", purpose)
    row = db.session.execute(
        sa.select(AccountToken).where(AccountToken.nonce == str(payload.get("n")), AccountToken.purpose == purpose)
    ).scalar_one_or_none()
    if row is None or row.user_id != payload.get("u"):
        raise TokenProblem("invalid", purpose)
    if row.used_at is not None:
        raise TokenProblem("used", purpose)
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        raise TokenProblem("invalid", purpose)
    return row, user


def spend_token(row: AccountToken, user: User) -> None:
    """Use the link once; any other outstanding link for the same account stops working too."""
    row.used_at = utcnow()
    db.session.flush()
    revoke_tokens(user)
