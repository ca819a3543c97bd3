"""What the account services share: the error they raise, field limits, finding a user by email, and
describing a change for the activity log."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.errors import DomainError
from app.extensions import db

NAME_MAX_LENGTH = 200


EMAIL_MAX_LENGTH = 254


class AccountError(DomainError):
    pass


def normalise_email(email: str) -> str:
    """An email address as stored: trimmed and lower-case. Changes nothing."""
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    """The account with this email address (any case), or None. Changes nothing."""
    return db.session.execute(sa.select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def _raise_first(problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        raise AccountError(message, field=field)


def _describe(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value) or "none"
    return str(value) if value not in (None, "") else "none"


def _apply_changes(obj, changes: dict) -> list[str]:
    """Set the attributes that differ; describe each change for the activity log."""
    described = []
    for attribute, new in changes.items():
        old = getattr(obj, attribute)
        if old != new:
            setattr(obj, attribute, new)
            described.append(f"{attribute.replace('_', ' ')}: {_describe(old)} → {_describe(new)}")
    return described
