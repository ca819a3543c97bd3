"""Who signs for an organisation: the signatory capacities an instrument (a statement template, a self-assessment)
asks of the organisation's type, and the organisation's signatory accounts that can give them."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import SIGNATORY_CAPACITIES, Organisation, User, UserRole
from app.extensions import db


def required_capacities(organisation: Organisation, definition) -> tuple[str, ...]:
    """The capacities that must sign for `organisation` under the instrument `definition` (its `signatories` rule
    for the organisation's type, else its default); empty when the instrument names none. Reads nothing."""
    return tuple(definition.signatories_for(organisation.org_type))


def capacity_label(capacity: str) -> str:
    return SIGNATORY_CAPACITIES.get(capacity, capacity.replace("_", " ").capitalize())


def signatory_users(organisation_id: int) -> list[User]:
    """The organisation's active signatory accounts (role signatory with a capacity), by name."""
    return list(
        db.session.execute(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.organisation_id == organisation_id,
                User.active.is_(True),
                User.signatory_capacity.is_not(None),
                UserRole.role == "signatory",
            )
            .order_by(User.name, User.id)
        ).scalars()
    )


def is_signatory_of(user, organisation_id: int) -> bool:
    """A signed-in signatory of this organisation (any capacity)."""
    return bool(
        user
        and user.is_authenticated
        and user.has_role("signatory")
        and user.organisation_id is not None
        and user.organisation_id == organisation_id
    )
