"""Which signatories an organisation needs: its own record's rule, or else the rule for its type.

An instrument (the statement template, a self-assessment) says which capacities sign for each organisation type.
Some organisations need another type's rule, or two named signatures: a charity that is also a faith organisation
or an out-of-school setting, an academy trust. Admin records that on the organisation (`signatory_rule`, one of
`SIGNATORY_RULES`); None means the type's rule.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import (
    ORG_TYPE_LABELS,
    SIGNATORY_CAPACITIES,
    SIGNATORY_RULES,
    Organisation,
    User,
    UserRole,
)
from app.extensions import db

TYPE_PREFIX = "as:"
EXPLICIT_PREFIX = "sign:"


def explicit_capacities(rule: str | None) -> tuple[str, ...] | None:
    """The capacities a "sign:a+b" rule names, or None for any other rule; changes nothing."""
    if rule and rule.startswith(EXPLICIT_PREFIX):
        return tuple(rule[len(EXPLICIT_PREFIX) :].split("+"))
    return None


def rule_org_type(organisation: Organisation) -> str:
    """The organisation type whose rule applies: the one an "as:<type>" rule names, else the organisation's own."""
    rule = organisation.signatory_rule
    if rule and rule.startswith(TYPE_PREFIX):
        return rule[len(TYPE_PREFIX) :]
    return organisation.org_type


def required_capacities(organisation: Organisation, definition) -> tuple[str, ...]:
    """The capacities that must sign for `organisation` under `definition` (an instrument definition with
    `signatories_for(org_type)`): the organisation's own rule when it has one, else its type's; changes nothing."""
    explicit = explicit_capacities(organisation.signatory_rule)
    if explicit is not None:
        return explicit
    return tuple(definition.signatories_for(rule_org_type(organisation)))


def _capacities_text(capacities) -> str:
    names = [SIGNATORY_CAPACITIES.get(c, c).lower() for c in capacities]
    if len(names) == 1:
        return f"one signature: {names[0]}"
    return f"{len(names)} signatures: " + " and ".join(names)


def rule_label(rule: str | None) -> str:
    """The rule in words, as the admin form and the organisation's pages show it; changes nothing."""
    if not rule:
        return "The rule for its type of organisation"
    explicit = explicit_capacities(rule)
    if explicit is not None:
        text = _capacities_text(explicit)
        return text[0].upper() + text[1:]
    org_type = rule[len(TYPE_PREFIX) :]
    return f"Use the rule for: {ORG_TYPE_LABELS.get(org_type, org_type).lower()}"


def rule_choices() -> list[tuple[str, str]]:
    """Every rule an organisation may have, as (value, label), the type's rule ("") first; changes nothing."""
    explicit = [r for r in SIGNATORY_RULES if r.startswith(EXPLICIT_PREFIX)]
    by_type = [r for r in SIGNATORY_RULES if r.startswith(TYPE_PREFIX)]
    return [("", rule_label(None))] + [(r, rule_label(r)) for r in explicit + by_type]


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
