"""Partnership settings: values admin changes in the browser, declared by the features that read them.

A feature declares each setting in its `init_app` (`declare_setting`), reads it with `get_setting`, and admin
edits every declared setting on one page (/admin/settings). A setting never saved reads as its default, so a
new setting needs no migration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from app.accounts.models import PartnershipSetting
from app.activity import record
from app.errors import DomainError
from app.extensions import db

KINDS = ("int", "bool", "emails", "text")
TEXT_MAX = 2000
EMAILS_MAX = 50


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    hint: str
    kind: str
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    order: int = 100


_declared: dict[str, SettingSpec] = {}


def declare_setting(
    key: str,
    *,
    label: str,
    hint: str,
    kind: str,
    default,
    minimum: int | None = None,
    maximum: int | None = None,
    order: int = 100,
) -> SettingSpec:
    """Declare a partnership setting (called from a feature's init_app; declaring the same key again replaces it)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown setting kind {kind!r}")
    spec = SettingSpec(key, label, hint, kind, default, minimum, maximum, order)
    _declared[key] = spec
    return spec


def declared_settings() -> list[SettingSpec]:
    """Every declared setting, in the order the settings page shows them."""
    return sorted(_declared.values(), key=lambda s: (s.order, s.label))


def spec_for(key: str) -> SettingSpec:
    """The declaration of `key`; a KeyError names a setting that was never declared."""
    try:
        return _declared[key]
    except KeyError:
        raise KeyError(f"Setting {key!r} was never declared") from None


def get_setting(key: str):
    """The setting's value (int, bool, list of email addresses or text), or its default if never saved."""
    spec = spec_for(key)
    row = db.session.get(PartnershipSetting, key)
    if row is None:
        return spec.default
    try:
        return json.loads(row.value)
    except ValueError:
        return spec.default


def _checked(spec: SettingSpec, raw) -> Any:
    """The raw form value as the setting's kind, or a DomainError naming the field."""
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if raw in ("yes", "no"):
            return raw == "yes"
        raise DomainError(f"Select yes or no for ‘{spec.label}’", field=spec.key)
    if spec.kind == "int":
        text = str(raw if raw is not None else "").strip()
        try:
            value = int(text)
        except ValueError:
            raise DomainError(f"{spec.label} must be a whole number", field=spec.key) from None
        if spec.minimum is not None and value < spec.minimum:
            raise DomainError(f"{spec.label} must be {spec.minimum} or more", field=spec.key)
        if spec.maximum is not None and value > spec.maximum:
            raise DomainError(f"{spec.label} must be {spec.maximum} or fewer", field=spec.key)
        return value
    if spec.kind == "emails":
        items = raw if isinstance(raw, (list, tuple)) else str(raw or "").replace(",", "\n").splitlines()
        addresses: list[str] = []
        for item in (i.strip() for i in items):
            if not item:
                continue
            try:
                address = validate_email(item, check_deliverability=False).normalized
            except EmailNotValidError:
                raise DomainError(f"{spec.label}: “{item[:80]}” is not an email address", field=spec.key) from None
            if address.lower() not in (a.lower() for a in addresses):
                addresses.append(address)
        if len(addresses) > EMAILS_MAX:
            raise DomainError(f"{spec.label}: enter {EMAILS_MAX} addresses or fewer", field=spec.key)
        return addresses
    text = str(raw or "").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(f"{spec.label} must be {TEXT_MAX} characters or fewer", field=spec.key)
    return text


def save_settings(values: dict[str, Any], *, actor=None) -> list[str]:
    """Save the given declared settings (admin only; the route checks the role). Every value is checked before
    any is saved, so one bad value saves nothing. Returns the labels of the settings that changed."""
    checked = {key: _checked(spec_for(key), raw) for key, raw in values.items()}
    changed = []
    for key, value in checked.items():
        if get_setting(key) == value:
            continue
        row = db.session.get(PartnershipSetting, key)
        encoded = json.dumps(value)
        if row is None:
            db.session.add(PartnershipSetting(key=key, value=encoded, updated_by_id=getattr(actor, "id", None)))
        else:
            row.value = encoded
            row.updated_by_id = getattr(actor, "id", None)
        spec = spec_for(key)
        changed.append(spec.label)
        record("setting_changed", None, f"Setting changed: {spec.label}", actor=actor, object_type="setting")
    db.session.flush()
    return changed


def display_value(spec: SettingSpec, value) -> str:
    """The value as the settings page and activity log show it."""
    if spec.kind == "bool":
        return "Yes" if value else "No"
    if spec.kind == "emails":
        return ", ".join(value) if value else "None"
    return str(value) if value not in (None, "") else "Not set"
