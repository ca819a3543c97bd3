"""The administrator's panel on "Your tasks"."""

from __future__ import annotations

from app.main.dashboard import Panel


def admin_panel(user):
    if not user.has_role("admin"):
        return None
    from app.accounts.queries import admin_counts

    return Panel(
        title="Organisations and users",
        template="accounts/_panel_admin.html",
        context={"counts": admin_counts()},
        order=90,
    )
