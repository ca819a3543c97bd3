"""Every state change to organisations and users."""
from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import ORG_TYPES, ROLES, SIGNATORY_CAPACITIES, Organisation, User
from app.activity import record
from app.errors import DomainError
from app.extensions import db
from app.utils import utcnow

MIN_PASSWORD_LENGTH = 12
_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
_common_passwords: set[str] | None = None

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(DomainError):
    pass


def common_passwords() -> set[str]:
    global _common_passwords
    if _common_passwords is None:
        _common_passwords = {
            line.strip().lower() for line in _COMMON_PASSWORDS_FILE.read_text().splitlines() if line.strip()
        }
    return _common_passwords


def password_problems(password: str, *, email: str | None = None) -> list[str]:
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
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def set_password(user: User, password: str, *, check_policy: bool = True) -> None:
    if check_policy:
        problems = password_problems(password, email=user.email)
        if problems:
            raise AccountError(problems[0], field="password")
    user.password_hash = hash_password(password)
    user.session_version += 1  # every other session of this user ends
    db.session.flush()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def user_for_session(session_id: str) -> User | None:
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except (TypeError, ValueError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


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


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    record("signed_in", user, f"{user.email} signed in", actor=user)


def validate_org_fields(name: str, slug: str, org_type: str) -> list[tuple[str, str]]:
    problems = []
    if not (name or "").strip():
        problems.append(("name", "Enter the organisation name"))
    if not SLUG_RE.match(slug or ""):
        problems.append(("slug", "Short name must use lowercase letters, numbers and hyphens, like oakfield-school"))
    if org_type not in ORG_TYPES:
        problems.append(("org_type", f"Unknown organisation type “{org_type}”. Use one of: {', '.join(ORG_TYPES)}"))
    return problems


def create_organisation(*, name: str, slug: str, org_type: str, areas: list[str] | None = None,
                        active: bool = True, actor=None) -> Organisation:
    problems = validate_org_fields(name, slug, org_type)
    if problems:
        field, message = problems[0]
        raise AccountError(message, field=field)
    if db.session.execute(sa.select(Organisation.id).where(Organisation.slug == slug)).first():
        raise AccountError(f"An organisation with the short name “{slug}” already exists", field="slug")
    org = Organisation(name=name.strip(), slug=slug, org_type=org_type,
                       areas=[a.strip() for a in (areas or []) if a.strip()], active=active)
    db.session.add(org)
    db.session.flush()
    record("created", org, f"Created organisation {org.name} ({org.type_label})", actor=actor)
    return org


def validate_user_fields(email: str, name: str, roles, signatory_capacity: str | None) -> list[tuple[str, str]]:
    problems = []
    if not EMAIL_RE.match(normalise_email(email)):
        problems.append(("email", "Enter an email address in the correct format, like name@example.org"))
    if not (name or "").strip():
        problems.append(("name", "Enter the person’s full name"))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        problems.append(("roles", f"Unknown role “{unknown[0]}”. Use one of: {', '.join(ROLES)}"))
    if "signatory" in roles and not signatory_capacity:
        problems.append(("signatory_capacity", "Select the capacity in which this person signs statements"))
    if signatory_capacity and signatory_capacity not in SIGNATORY_CAPACITIES:
        problems.append(("signatory_capacity", f"Unknown signatory capacity “{signatory_capacity}”"))
    return problems


def create_user(*, email: str, name: str, organisation: Organisation | None, roles, password: str | None = None,
                signatory_capacity: str | None = None, active: bool = True, check_policy: bool = True,
                actor=None) -> User:
    roles = list(dict.fromkeys(roles))
    problems = validate_user_fields(email, name, roles, signatory_capacity)
    if problems:
        field, message = problems[0]
        raise AccountError(message, field=field)
    email = normalise_email(email)
    if get_user_by_email(email) is not None:
        raise AccountError(f"A user with the email {email} already exists", field="email")
    user = User(email=email, name=name.strip(), organisation=organisation, active=active,
                signatory_capacity=signatory_capacity or None)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    if password:
        set_password(user, password, check_policy=check_policy)
    record("created", user, f"Created user {user.email} with roles {', '.join(roles) or 'none'}", actor=actor)
    return user


def deactivate_user(user: User, *, actor=None) -> None:
    user.active = False
    user.session_version += 1
    db.session.flush()
    record("deactivated", user, f"Deactivated user {user.email}", actor=actor)


def reactivate_user(user: User, *, actor=None) -> None:
    user.active = True
    db.session.flush()
    record("reactivated", user, f"Reactivated user {user.email}", actor=actor)
