"""'Your tasks': each feature contributes panels for the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Panel:
    title: str
    template: str  # a partial under templates/, rendered with `panel` in its context
    context: dict = field(default_factory=dict)
    order: int = 50


_providers: list[Callable] = []


def register_panel_provider(provider: Callable) -> Callable:
    """provider(user) -> Panel | list[Panel] | None. Registered at import time by each feature."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(user) -> list[Panel]:
    panels: list[Panel] = []
    for provider in _providers:
        result = provider(user)
        if result is None:
            continue
        panels.extend(result if isinstance(result, list) else [result])
    return sorted(panels, key=lambda p: p.order)
