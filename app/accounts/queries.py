"""Read models for the accounts admin pages and dashboard."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.models import Organisation, User, UserRole
from app.extensions import db
from app.paging import Page, paginate

USER_STATUSES = {"active": "Active", "invited": "Invitation pending", "deactivated": "Deactivated"}
ACTIVE_FILTERS = {"active": "Active", "inactive": "Deactivated"}


def search_organisations(
    *, org_type: str | None = None, area: str | None = None, active: str | None = None, page: int = 1
) -> Page:
    query = sa.select(Organisation).order_by(Organisation.name, Organisation.id)
    if org_type:
        query = query.where(Organisation.org_type == org_type)
    if area:
        # areas is a JSON list on both databases; match the area's own JSON string so "North" never matches "Northgate".
        query = query.where(sa.cast(Organisation.areas, sa.Text).contains(json.dumps(area), autoescape=True))
    if active in ACTIVE_FILTERS:
        query = query.where(Organisation.active.is_(active == "active"))
    return paginate(query, page)


def all_areas() -> list[str]:
    areas: set[str] = set()
    for org_areas in db.session.execute(sa.select(Organisation.areas)).scalars():
        areas.update(org_areas or [])
    return sorted(areas, key=str.casefold)


def organisation_choices(*, include: Organisation | None = None) -> list[Organisation]:
    """Active organisations (and `include`, e.g. a user's current organisation even if deactivated)."""
    condition = Organisation.active.is_(True)
    if include is not None:
        condition = sa.or_(condition, Organisation.id == include.id)
    return list(db.session.execute(sa.select(Organisation).where(condition).order_by(Organisation.name)).scalars())


def user_counts_by_organisation() -> dict[int, int]:
    rows = db.session.execute(
        sa.select(User.organisation_id, sa.func.count())
        .where(User.organisation_id.is_not(None))
        .group_by(User.organisation_id)
    )
    return {org_id: count for org_id, count in rows}


def _status_condition(status: str):
    if status == "active":
        return sa.and_(User.active.is_(True), User.password_hash.is_not(None))
    if status == "invited":
        return sa.and_(User.active.is_(True), User.password_hash.is_(None))
    return User.active.is_(False)


def user_status(user: User) -> str:
    if not user.active:
        return "deactivated"
    return "active" if user.password_hash else "invited"


def search_users(
    *,
    organisation_id: int | None = None,
    role: str | None = None,
    status: str | None = None,
    text: str | None = None,
    page: int = 1,
) -> Page:
    query = sa.select(User).order_by(User.name, User.id)
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    if role:
        query = query.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    if status in USER_STATUSES:
        query = query.where(_status_condition(status))
    if text and text.strip():
        pattern = text.strip().lower()
        query = query.where(
            sa.or_(
                User.email.contains(pattern, autoescape=True),
                sa.func.lower(User.name).contains(pattern, autoescape=True),
            )
        )
    return paginate(query, page)


@dataclass
class AdminCounts:
    organisations: int
    active_users: int
    pending_invitations: int


def admin_counts() -> AdminCounts:
    def count(model, *conditions) -> int:
        return db.session.execute(sa.select(sa.func.count()).select_from(model).where(*conditions)).scalar_one()

    return AdminCounts(
        organisations=count(Organisation, Organisation.active.is_(True)),
        active_users=count(User, _status_condition("active")),
        pending_invitations=count(User, _status_condition("invited")),
    )
