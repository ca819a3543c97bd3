"""Codes from the text a spreadsheet carries (the code or its label, in any case), for the CSV import."""

from __future__ import annotations

from app.accounts.models import ORG_TYPE_LABELS, ROLE_LABELS, SIGNATORY_CAPACITIES


def _code_from_text(text: str, labels: dict[str, str]) -> str | None:
    wanted = " ".join((text or "").split()).casefold()
    for code, label in labels.items():
        if wanted in (code, code.replace("_", " "), label.casefold()):
            return code
    return None


def org_type_from_text(text: str) -> str | None:
    """A type code from its code or its label, in any case (spreadsheets often carry the label)."""
    return _code_from_text(text, ORG_TYPE_LABELS)


def capacity_from_text(text: str) -> str | None:
    """A signatory capacity code from its code or its label, in any case; changes nothing."""
    return _code_from_text(text, SIGNATORY_CAPACITIES)


def role_from_text(text: str) -> str | None:
    """A role code from its code or its label, in any case; changes nothing."""
    return _code_from_text(text, ROLE_LABELS)
