"""Service navigation by role. Items whose endpoint is not registered are skipped."""

from __future__ import annotations

from flask import request, url_for
from werkzeug.routing import BuildError

from app.urls import here


# (label, endpoint, roles that see it; None = every signed-in user). "Your account" and "Sign out" sit in the header.
NAV_ITEMS = (
    ("Your tasks", "main.dashboard", None),
    ("Audit rounds", "audits.rounds", ("admin", "qa")),
    ("Case audits", "audits.my_tasks", ("auditor",)),
    ("Self-assessment", "selfassessment.campaigns", ("admin", "qa")),
    ("Our self-assessment", "selfassessment.my_returns", ("org_lead", "signatory")),
    ("Statements", "statements.manage", ("org_lead", "signatory")),
    ("Statements", "statements.admin_register", ("admin", "qa")),
    ("Actions", "actions.tracker", ("admin", "qa", "org_lead", "signatory")),
    ("Findings", "findings.index", ("admin", "qa", "auditor", "org_lead")),
    ("Learning briefings", "briefings.index", None),
    ("Instruments", "questionnaire.index", ("admin", "qa")),
    ("Organisations", "accounts.organisations", ("admin",)),
    ("Users", "accounts.users", ("admin",)),
    ("Settings", "accounts.settings_page", ("admin",)),
    ("Activity log", "activity.index", ("admin",)),
)


def nav_items(user) -> list[dict]:
    if not user.is_authenticated:
        return [
            {
                "text": "Public statements",
                "href": _url("statements.public_register") or "/statements/",
                "active": request.path.startswith("/statements"),
            }
        ]
    items = []
    for label, endpoint, roles in NAV_ITEMS:
        if roles is not None and not user.has_role(*roles):
            continue
        href = _url(endpoint)
        if href is None:
            continue
        items.append({"text": label, "href": href, "active": False})
    # /findings/actions sits under /findings/: only the most specific matching section is the current one.
    matching = [item for item in items if _covers(item["href"], here())]
    if matching:
        max(matching, key=lambda item: len(item["href"].rstrip("/")))["active"] = True
    return items


def _covers(href: str, path: str) -> bool:
    return path == href or (href != "/" and path.startswith(href.rstrip("/") + "/"))


def _url(endpoint: str, **values) -> str | None:
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def optional_url(endpoint: str, **values) -> str | None:
    """The page's address, or None when that feature is not installed, so templates can link across features safely."""
    return _url(endpoint, **values)
