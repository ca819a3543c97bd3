"""Every state change to organisations and users."""
from __future__ import annotations

import functools
import logging
import re
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import tokens
from app.accounts.models import (ORG_TYPE_LABELS, ORG_TYPES, ROLE_LABELS, ROLES, SIGNATORY_CAPACITIES, AccountToken,
                                 Organisation, User)
from app.activity import record
from app.errors import DomainError
from app.extensions import db
from app.notifications.outbox import Composed, Drop, queue_composed
from app.signals import figures_changed
from app.urls import external_url
from app.utils import utcnow

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
_common_passwords: set[str] | None = None

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254


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


def sign_out(user: User) -> None:
    """Sessions live in signed cookies, so signing out also retires every copy of this user's session cookie."""
    user.session_version += 1
    db.session.flush()
    record("signed_out", user, f"{user.email} signed out", actor=user)


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    record("signed_in", user, f"{user.email} signed in", actor=user)


def parse_areas(text: str | list | None) -> list[str]:
    """Areas typed one per line or separated by commas or semicolons, without blanks or repeats."""
    if isinstance(text, (list, tuple)):
        parts = [str(part) for part in text]
    else:
        parts = re.split(r"[,;\n]", text or "")
    areas: list[str] = []
    for part in parts:
        area = " ".join(part.split())
        if area and area.casefold() not in {a.casefold() for a in areas}:
            areas.append(area)
    return areas


def validate_org_fields(name: str, slug: str, org_type: str) -> list[tuple[str, str]]:
    problems = []
    if not (name or "").strip():
        problems.append(("name", "Enter the organisation name"))
    elif len(name.strip()) > NAME_MAX_LENGTH:
        problems.append(("name", f"Organisation name must be {NAME_MAX_LENGTH} characters or fewer"))
    if len(slug or "") > SLUG_MAX_LENGTH:
        problems.append(("slug", f"Short name must be {SLUG_MAX_LENGTH} characters or fewer"))
    elif not SLUG_RE.match(slug or ""):
        problems.append(("slug", "Short name must use lowercase letters, numbers and hyphens, like oakfield-school"))
    if org_type not in ORG_TYPES:
        problems.append(("org_type", f"Unknown organisation type “{org_type}”" if org_type
                         else "Select the type of organisation"))
    return problems


def _raise_first(problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        raise AccountError(message, field=field)


def _slug_taken(slug: str, *, other_than: int | None = None) -> bool:
    query = sa.select(Organisation.id).where(Organisation.slug == slug)
    if other_than is not None:
        query = query.where(Organisation.id != other_than)
    return db.session.execute(query).first() is not None


def slug_taken_message(slug: str) -> str:
    return f"An organisation with the short name “{slug}” already exists"


def create_organisation(*, name: str, slug: str, org_type: str, areas: list[str] | str | None = None,
                        active: bool = True, actor=None) -> Organisation:
    slug = (slug or "").strip()
    _raise_first(validate_org_fields(name, slug, org_type))
    if _slug_taken(slug):
        raise AccountError(slug_taken_message(slug), field="slug")
    org = Organisation(name=name.strip(), slug=slug, org_type=org_type, areas=parse_areas(areas), active=active)
    db.session.add(org)
    db.session.flush()
    record("created", org, f"Created organisation {org.name} ({org.type_label})", actor=actor)
    figures_changed.send("everything")
    return org


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


def update_organisation(org: Organisation, *, name: str, slug: str, org_type: str, areas: list[str] | str | None,
                        active: bool, actor=None) -> list[str]:
    slug = (slug or "").strip()
    _raise_first(validate_org_fields(name, slug, org_type))
    if _slug_taken(slug, other_than=org.id):
        raise AccountError(slug_taken_message(slug), field="slug")
    changes = _apply_changes(org, {"name": name.strip(), "slug": slug, "org_type": org_type,
                                   "areas": parse_areas(areas), "active": active})
    db.session.flush()
    if changes:
        record("updated", org, f"Updated organisation {org.name}: " + "; ".join(changes), actor=actor)
        figures_changed.send("everything")
    return changes


# Roles that act for one organisation, so the account must belong to one.
ORGANISATION_ROLES = ("auditor", "org_lead", "signatory")


def validate_user_fields(email: str, name: str, roles, signatory_capacity: str | None) -> list[tuple[str, str]]:
    problems = []
    if not normalise_email(email):
        problems.append(("email", "Enter an email address"))
    elif len(normalise_email(email)) > EMAIL_MAX_LENGTH or not EMAIL_RE.match(normalise_email(email)):
        problems.append(("email", "Enter an email address in the correct format, like name@example.org"))
    if not (name or "").strip():
        problems.append(("name", "Enter the person’s full name"))
    elif len(name.strip()) > NAME_MAX_LENGTH:
        problems.append(("name", f"Name must be {NAME_MAX_LENGTH} characters or fewer"))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        problems.append(("roles", f"Unknown role “{unknown[0]}”. Use one of: {', '.join(ROLES)}"))
    if "signatory" in roles and not signatory_capacity:
        problems.append(("signatory_capacity", "Select the capacity in which this person signs statements"))
    if signatory_capacity and signatory_capacity not in SIGNATORY_CAPACITIES:
        problems.append(("signatory_capacity", f"Unknown signatory capacity “{signatory_capacity}”"))
    return problems


def organisation_problems(roles, organisation: Organisation | None) -> list[tuple[str, str]]:
    acting_roles = [ROLE_LABELS[r].lower() for r in ORGANISATION_ROLES if r in roles]
    if acting_roles and organisation is None:
        return [("organisation", f"Select the organisation this person works for: a {acting_roles[0]} acts "
                                 "for an organisation")]
    return []


def email_taken_message(email: str) -> str:
    return f"A user with the email address {email} already exists"


def _email_taken(email: str, *, other_than: int | None = None) -> bool:
    query = sa.select(User.id).where(User.email == email)
    if other_than is not None:
        query = query.where(User.id != other_than)
    return db.session.execute(query).first() is not None


def create_user(*, email: str, name: str, organisation: Organisation | None, roles, password: str | None = None,
                signatory_capacity: str | None = None, active: bool = True, check_policy: bool = True,
                actor=None) -> User:
    roles = list(dict.fromkeys(roles))
    signatory_capacity = (signatory_capacity or None) if "signatory" in roles else None
    _raise_first(validate_user_fields(email, name, roles, signatory_capacity)
                 + organisation_problems(roles, organisation))
    email = normalise_email(email)
    if _email_taken(email):
        raise AccountError(email_taken_message(email), field="email")
    user = User(email=email, name=name.strip(), organisation=organisation, active=active,
                signatory_capacity=signatory_capacity)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    if password:
        set_password(user, password, check_policy=check_policy)
    record("created", user, f"Created user {user.email} with roles {', '.join(roles) or 'none'}", actor=actor)
    return user


def update_user(user: User, *, email: str, name: str, organisation: Organisation | None, roles,
                signatory_capacity: str | None = None, actor=None) -> list[str]:
    roles = list(dict.fromkeys(roles))
    signatory_capacity = (signatory_capacity or None) if "signatory" in roles else None
    _raise_first(validate_user_fields(email, name, roles, signatory_capacity)
                 + organisation_problems(roles, organisation))
    email = normalise_email(email)
    if _email_taken(email, other_than=user.id):
        raise AccountError(email_taken_message(email), field="email")
    if actor is not None and actor.id == user.id and "admin" in user.roles and "admin" not in roles:
        raise AccountError("You cannot remove your own administrator role. Ask another administrator",
                           field="roles")
    old_email, old_roles = user.email, sorted(user.roles)
    changes = _apply_changes(user, {"email": email, "name": name.strip(), "signatory_capacity": signatory_capacity})
    if user.organisation is not organisation:
        changes.append(f"organisation: {_describe(user.organisation and user.organisation.slug)} → "
                       f"{_describe(organisation and organisation.slug)}")
        user.organisation = organisation
    if sorted(roles) != old_roles:
        user.set_roles(roles)
        changes.append(f"roles: {_describe(old_roles)} → {_describe(sorted(roles))}")
    if email != old_email:
        tokens.revoke_tokens(user)  # links already emailed went to the old address
    db.session.flush()
    if changes:
        record("updated", user, f"Updated user {user.email}: " + "; ".join(changes), actor=actor)
    return changes


def deactivate_user(user: User, *, actor=None) -> None:
    if actor is not None and actor.id == user.id:
        raise AccountError("You cannot deactivate your own account. Ask another administrator")
    if not user.active:
        raise AccountError(f"{user.email} is already deactivated")
    user.active = False
    user.session_version += 1
    tokens.revoke_tokens(user)
    db.session.flush()
    record("deactivated", user, f"Deactivated user {user.email}", actor=actor)


def reactivate_user(user: User, *, actor=None) -> None:
    if user.active:
        raise AccountError(f"{user.email} is already active")
    user.active = True
    db.session.flush()
    record("reactivated", user, f"Reactivated user {user.email}", actor=actor)


# --- emailed links: invitations and password resets -------------------------------------------------------------

# Password reset emails per account per hour, so the form cannot be used to flood someone's inbox.
RESET_EMAILS_PER_HOUR = 3


def describe_duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0 or unit == "minute":
            count = max(seconds // size, 1)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return ""  # pragma: no cover - the loop always returns


def _link(endpoint: str, token: str) -> str:
    return external_url(endpoint, token=token)


def invitation_email(user: User, link: str) -> tuple[str, str]:
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
    deliver`), so a link never sits in the database unsent, and a resend replaces any earlier link."""
    if not user.active:
        raise AccountError(f"{user.email} is deactivated. Reactivate the account before sending an invitation")
    if user.password_hash:
        raise AccountError(f"{user.email} has already set a password. If they have forgotten it, they can use "
                           "“Forgotten your password?” on the sign-in page")
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
    return db.session.execute(
        sa.select(sa.func.max(AccountToken.created_at)).where(AccountToken.user_id == user.id,
                                                              AccountToken.purpose == tokens.INVITE)
    ).scalar_one()


def request_password_reset(email: str) -> None:
    """Queue a reset request for whatever address was typed. The same single row is written whether or not the
    address has an account: the worker decides that when it composes the email, so neither the page nor the
    time it takes can tell anyone who has an account."""
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
    user = get_user_by_email(message.recipient)
    if user is not None:
        record("password_reset_requested", user, f"Sent a password reset link to {user.email}")


def record_invitation_sent(message) -> None:
    user = get_user_by_email(message.recipient)
    if user is not None:
        record("invitation_emailed", user, f"Emailed an invitation to {user.email}")


def user_for_link(token: str, purpose: str) -> User:
    """The account an emailed link is for; tokens.TokenProblem when the link is tampered, expired or spent."""
    return tokens.load_token(token, purpose)[1]


def set_password_from_link(token: str, purpose: str, password: str) -> User:
    """Set the password through an emailed link. A password the policy refuses leaves the link usable."""
    row, user = tokens.load_token(token, purpose)
    set_password(user, password)
    tokens.spend_token(row, user)
    if purpose == tokens.INVITE:
        record("accepted_invitation", user, f"{user.email} accepted their invitation and set a password", actor=user)
    else:
        record("password_reset", user, f"{user.email} reset their password", actor=user)
    return user


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    if not user.password_hash or not check_password_hash(user.password_hash, current_password or ""):
        raise AccountError("Your current password is incorrect", field="current_password")
    if current_password == new_password:
        raise AccountError("Your new password must be different from your current password", field="password")
    set_password(user, new_password)
    tokens.revoke_tokens(user, tokens.RESET)
    record("password_changed", user, f"{user.email} changed their password", actor=user)


def _code_from_text(text: str, labels: dict[str, str]) -> str | None:
    wanted = " ".join((text or "").split()).casefold()
    for code, label in labels.items():
        if wanted in (code, code.replace("_", " "), label.casefold()):
            return code
    return None


def org_type_from_text(text: str) -> str | None:
    """A type code from its code or its label, in any case (spreadsheets often carry the label)."""
    return _code_from_text(text, ORG_TYPE_LABELS)


def capacity_from_text(text: str) -> str | None:
    return _code_from_text(text, SIGNATORY_CAPACITIES)


def role_from_text(text: str) -> str | None:
    return _code_from_text(text, ROLE_LABELS)
