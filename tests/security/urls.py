"""Concrete URLs for every rule in the URL map, with real object ids where the test has them.

(tests/test_permissions.py's placeholder builder maps <int:...> to a string, so those rules never match a route;
this builder gives each converter a value it accepts.)"""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

ID_TABLES = {
    "org_id": "organisation",
    "organisation_id": "organisation",
    "user_id": "user_account",
    "round_id": "audit_round",
    "case_id": "audit_case",
    "assignment_id": "assignment",
    "campaign_id": "campaign",
    "return_id": "sa_return",
    "file_id": "evidence_file",
    "statement_id": "statement",
    "risk_id": "risk",
    "action_id": "action_item",
    "finding_id": "finding",
    "version_id": "instrument_version",
    "draft_id": "instrument_draft",
    "event_id": "activity_event",
}
MISSING_ID = 999999


def converter_kind(rule, argument: str) -> str:
    converter = rule._converters[argument]
    if isinstance(converter, IntegerConverter):  # (the app's own int converter, app.ids.IdConverter, is one)
        return "integer"
    return type(converter).__name__.replace("Converter", "").lower()


def url_for_rule(rule, values: dict | None = None) -> str | None:
    """The rule's path with `values` (argument -> value) or harmless defaults; None if it cannot be built."""
    values = dict(values or {})
    for argument in rule.arguments:
        if argument in values:
            continue
        kind = converter_kind(rule, argument)
        converter = rule._converters[argument]
        if kind in ("integer", "int"):
            values[argument] = MISSING_ID
        elif kind == "any":
            values[argument] = sorted(converter.items)[0] if hasattr(converter, "items") else "x"
        else:
            values[argument] = "no-such-thing"
    try:
        from flask import url_for

        return url_for(rule.endpoint, **values, _method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0])
    except Exception:  # noqa: BLE001 - a value the converter rejects
        return None


def ids_of(db, table: str, limit: int = 3) -> list[int]:
    try:
        return list(db.session.execute(sa.text(f"SELECT id FROM {table} ORDER BY id LIMIT {limit}")).scalars())
    except sa.exc.DBAPIError:
        db.session.rollback()
        return []
