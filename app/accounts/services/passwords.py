"""Passwords and signing in: the password policy, hashing, the session a signed cookie names, checking a
password, signing in and out, and changing one's own password."""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import tokens
from app.accounts.models import User
from app.accounts.services._common import AccountError, get_user_by_email
from app.activity import record
from app.extensions import db
from app.utils import utcnow

MIN_PASSWORD_LENGTH = 12
_COMMON_PASSWORDS_FILE = Path(__file__).parents[1] / "common_passwords.txt"
_common_passwords: set[str] | None = None


def common_passwords() -> set[str]:
    """The common passwords the policy refuses, read once from common_passwords.txt; changes nothing."""
    global _common_passwords
    if _common_passwords is None:
        _common_passwords = {
            line.strip().lower() for line in _COMMON_PASSWORDS_FILE.read_text().splitlines() if line.strip()
        }
    return _common_passwords


def password_problems(password: str, *, email: str | None = None) -> list[str]:
    """Every way a password breaks the policy (length, too common, the email address); changes nothing."""
    problems = []
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems.append(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")
    lowered = (password or "").lower()
    if lowered in common_passwords() or (lowered and len(set(lowered)) <= 2):
        problems.append("Password is too common. Choose a password that is harder to guess")
    if email and lowered and lowered == email.lower():
        problems.append("Password must not be your email address")
    return problems


def hash_password(password: str) -> str:
    """A hash of the password with the configured method; changes nothing."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def set_password(user: User, password: str, *, check_policy: bool = True) -> None:
    """Set the user's password (checked against the policy unless told not to) and end their other sessions.
    For an emailed link, a change of one's own password, or creating a user with a password."""
    if check_policy:
        problems = password_problems(password, email=user.email)
        if problems:
            raise AccountError(problems[0], field="password")
    user.password_hash = hash_password(password)
    user.session_version += 1  # every other session of this user ends
    db.session.flush()


def user_for_session(session_id: str) -> User | None:
    """The active user a session cookie names, while its session version is current; changes nothing.
    The login manager's user loader."""
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except (TypeError, ValueError):
        return None
    user = db.session.execute(_session_user_statement(), {"user_id": user_id}).unique().scalar_one_or_none()
    if user is None or not user.active or user.session_version != version:
        return None
    return user


@functools.cache
def _session_user_statement() -> sa.Select:
    # Every signed-in request runs this, so it is built once, and the roles come in the same statement.
    return sa.select(User).where(User.id == sa.bindparam("user_id")).options(joinedload(User.role_rows))


# A fixed hash so a failed lookup costs the same as a wrong password (no user enumeration by timing).
_DUMMY_HASH = None


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password match an active account; None otherwise (caller shows a generic message)."""
    global _DUMMY_HASH
    user = get_user_by_email(email)
    if user is None or not user.password_hash:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("not-a-real-password-0000")
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.active:
        return None
    return user


def confirm_password(user: User, password: str) -> None:
    """Refuse (AccountError on the `password` field) unless `password` is the signed-in user's own: the password
    re-entry that signing a statement or signing off a return asks for. Changes nothing."""
    authenticated = authenticate(user.email, password or "")
    if authenticated is None or authenticated.id != user.id:
        raise AccountError("The password is not correct. Enter the password you use to sign in", field="password")


def sign_out(user: User) -> None:
    """Sessions live in signed cookies, so signing out also retires every copy of this user's session cookie.
    The signed-in user, for themself."""
    user.session_version += 1
    db.session.flush()
    record("signed_out", user, f"{user.email} signed out", actor=user)


def record_login(user: User) -> None:
    """Note the user's sign-in time and record it. Called by the sign-in page once authenticate() accepted
    the password."""
    user.last_login_at = utcnow()
    record("signed_in", user, f"{user.email} signed in", actor=user)


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    """Change the signed-in user's own password, given the current one, and retire their reset links.
    The user themself, from their account page."""
    if not user.password_hash or not check_password_hash(user.password_hash, current_password or ""):
        raise AccountError("Your current password is incorrect", field="current_password")
    if current_password == new_password:
        raise AccountError("Your new password must be different from your current password", field="password")
    set_password(user, new_password)
    tokens.revoke_tokens(user, tokens.RESET)
    record("password_changed", user, f"{user.email} changed their password", actor=user)
