"""Users: checking their fields, creating and updating them (roles, organisation, signatory capacity),
deactivating and reactivating them."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.accounts import tokens
from app.accounts.models import (
    ROLE_LABELS,
    ROLES,
    SIGNATORY_CAPACITIES,
    Organisation,
    User,
)
from app.accounts.services._common import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    AccountError,
    _apply_changes,
    _describe,
    _raise_first,
    normalise_email,
)
from app.accounts.services.passwords import set_password
from app.activity import record
from app.extensions import db

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# Roles that act for one organisation, so the account must belong to one.
ORGANISATION_ROLES = ("auditor", "org_lead", "signatory")


def validate_user_fields(email: str, name: str, roles, signatory_capacity: str | None) -> list[tuple[str, str]]:
    """Every problem with a user's email, name, roles and signatory capacity, as (field, message); changes
    nothing. The admin form and the CSV import check with it."""
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
    """A problem when a role that acts for an organisation has none; changes nothing."""
    acting_roles = [ROLE_LABELS[r].lower() for r in ORGANISATION_ROLES if r in roles]
    if acting_roles and organisation is None:
        return [
            (
                "organisation",
                (f"Select the organisation this person works for: a {acting_roles[0]} acts for an organisation"),
            )
        ]
    return []


def email_taken_message(email: str) -> str:
    """The message for an email address another user already has; changes nothing."""
    return f"A user with the email address {email} already exists"


def _email_taken(email: str, *, other_than: int | None = None) -> bool:
    query = sa.select(User.id).where(User.email == email)
    if other_than is not None:
        query = query.where(User.id != other_than)
    return db.session.execute(query).first() is not None


def create_user(
    *,
    email: str,
    name: str,
    organisation: Organisation | None,
    roles,
    password: str | None = None,
    signatory_capacity: str | None = None,
    active: bool = True,
    check_policy: bool = True,
    actor=None,
) -> User:
    """Create a user with these roles (and a password, if given). Administrators only: the admin user page
    and the CSV import (app.accounts.importing); also the demo and the CLI."""
    roles = list(dict.fromkeys(roles))
    signatory_capacity = (signatory_capacity or None) if "signatory" in roles else None
    _raise_first(
        validate_user_fields(email, name, roles, signatory_capacity) + organisation_problems(roles, organisation)
    )
    email = normalise_email(email)
    if _email_taken(email):
        raise AccountError(email_taken_message(email), field="email")
    user = User(
        email=email, name=name.strip(), organisation=organisation, active=active, signatory_capacity=signatory_capacity
    )
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    if password:
        set_password(user, password, check_policy=check_policy)
    record("created", user, f"Created user {user.email} with roles {', '.join(roles) or 'none'}", actor=actor)
    return user


def update_user(
    user: User,
    *,
    email: str,
    name: str,
    organisation: Organisation | None,
    roles,
    signatory_capacity: str | None = None,
    actor=None,
) -> list[str]:
    """Change a user's email, name, organisation, roles or capacity, returning the changes made; a new email
    retires their emailed links. Administrators only, and not their own administrator role."""
    roles = list(dict.fromkeys(roles))
    signatory_capacity = (signatory_capacity or None) if "signatory" in roles else None
    _raise_first(
        validate_user_fields(email, name, roles, signatory_capacity) + organisation_problems(roles, organisation)
    )
    email = normalise_email(email)
    if _email_taken(email, other_than=user.id):
        raise AccountError(email_taken_message(email), field="email")
    if actor is not None and actor.id == user.id and "admin" in user.roles and "admin" not in roles:
        raise AccountError("You cannot remove your own administrator role. Ask another administrator", field="roles")
    old_email, old_roles = user.email, sorted(user.roles)
    changes = _apply_changes(user, {"email": email, "name": name.strip(), "signatory_capacity": signatory_capacity})
    if user.organisation is not organisation:
        changes.append(
            f"organisation: {_describe(user.organisation and user.organisation.slug)} → "
            f"{_describe(organisation and organisation.slug)}"
        )
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
    """Deactivate a user: end their sessions and retire their links. Administrators only, never their own
    account."""
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
    """Reactivate a deactivated user. Administrators only, from the admin user page."""
    if user.active:
        raise AccountError(f"{user.email} is already active")
    user.active = True
    db.session.flush()
    record("reactivated", user, f"Reactivated user {user.email}", actor=actor)
