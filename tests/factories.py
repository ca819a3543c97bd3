"""Test data builders. Names and references are fictional; case references pseudonymous."""

from __future__ import annotations

import itertools

from app.accounts import services as accounts
from app.accounts.models import Organisation, User
from app.extensions import db

_seq = itertools.count(1)

PASSWORD = "correct-horse-battery-9"

ORG_FOR_ROLE = {"auditor": "police", "org_lead": "school", "signatory": "school"}


def make_org(
    *,
    name: str | None = None,
    slug: str | None = None,
    org_type: str = "charity",
    areas: list[str] | None = None,
    active: bool = True,
) -> Organisation:
    n = next(_seq)
    return accounts.create_organisation(
        name=name or f"Test Organisation {n}",
        slug=slug or f"test-org-{n}",
        org_type=org_type,
        areas=areas or ["North"],
        active=active,
    )


def make_user(
    *,
    roles=("qa",),
    organisation: Organisation | None = None,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    signatory_capacity: str | None = None,
    org_type: str | None = None,
    active: bool = True,
) -> User:
    n = next(_seq)
    roles = list(roles)
    if organisation is None:
        wanted_type = org_type or next((ORG_FOR_ROLE[r] for r in roles if r in ORG_FOR_ROLE), None)
        if wanted_type:
            organisation = make_org(org_type=wanted_type)
    if "signatory" in roles and signatory_capacity is None:
        signatory_capacity = "headteacher" if organisation and organisation.org_type == "school" else "chief_executive"
    user = accounts.create_user(
        email=email or f"user{n}@test.example",
        name=name or f"Test User {n}",
        organisation=organisation,
        roles=roles,
        password=password,
        signatory_capacity=signatory_capacity,
        active=active,
        check_policy=False,
    )
    db.session.flush()
    return user


def plain(value):
    """Figures to compare when they were worked out two ways: floats to 9 places (the two ways add the same numbers
    in a different order), and not when they were worked out."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "generated_at"}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 9)
    return value
