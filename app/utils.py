"""Small helpers shared by every feature."""

from __future__ import annotations

import importlib
import secrets
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from types import ModuleType


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    return utcnow().date()


def as_aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; treat them as UTC so comparisons work on both databases."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def govuk_date(value: date | datetime | None) -> str:
    """'5 November 2021' — the GOV.UK style for dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    value = as_aware(value)
    hour = value.strftime("%I").lstrip("0") or "12"
    return f"{govuk_date(value)} at {hour}:{value:%M}{value:%p}".replace("AM", "am").replace("PM", "pm")


def new_figures_token() -> str:
    """A round's or campaign's new `figures_token` (app/findings/freshness.py): random, so that no value comes round
    again, even after a rollback or for a later row with the same id."""
    return secrets.token_hex(16)


def percent(value: float | None) -> str:
    """'42.5%', or an en dash when there is no figure (nothing was scored)."""
    return "–" if value is None else f"{value:g}%"


def alpha_text(value: float | None) -> str:
    """Krippendorff's alpha to three decimal places, a half rounded up as statistics are reported (0.3125 reads
    0.313; Python's own formatting gives the even 0.312), or an en dash when it is undefined. Rounded to twelve
    places first, so that floating-point noise (0.31249999999999994) does not decide the third."""
    if value is None:
        return "–"
    return str(Decimal(repr(round(value, 12))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


SPREADSHEET_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """CSV has no cell types, so text a spreadsheet could run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(SPREADSHEET_FORMULA_PREFIXES):
        return "'" + value
    return value


def feature_module(feature: str, part: str) -> ModuleType | None:
    """app.<feature>.<part> (its CLI, its demo data), or None when that feature has none yet.

    Only the module itself may be missing: a failed import inside it still raises.
    """
    name = f"app.{feature}.{part}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
