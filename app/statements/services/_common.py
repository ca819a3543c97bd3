"""What the statement services share: checking a free-text field."""

from __future__ import annotations

from app.errors import DomainError


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str | None:
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise DomainError(f"Enter {label}", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field=field)
    return text or None
