"""Role and object-level permission helpers."""

from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import AnonymousUserMixin, current_user, login_required
from sqlalchemy.exc import SQLAlchemyError


def roles_required(*roles: str):
    """Route decorator: signed in and holding at least one of `roles` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def is_partnership_staff(user) -> bool:
    """Admins and the QA sub-group see across every organisation."""
    return bool(user and user.is_authenticated and user.has_role("admin", "qa"))


def own_organisation(user) -> int | None:
    """None for partnership staff (no restriction); otherwise the user's organisation, which must exist."""
    if is_partnership_staff(user):
        return None
    require(user.organisation_id is not None)
    return user.organisation_id


def require(condition: bool, *, not_found: bool = False) -> None:
    """Object-level check for services and loaders: 403, or 404 where existence itself is sensitive."""
    if not condition:
        abort(404 if not_found else 403)


def viewer():
    """The signed-in user, or an anonymous one when the database cannot be reached (so error pages still render)."""
    if g.get("database_unavailable"):
        return AnonymousUserMixin()
    try:
        return current_user._get_current_object()
    except SQLAlchemyError:
        g.database_unavailable = True
        return AnonymousUserMixin()
