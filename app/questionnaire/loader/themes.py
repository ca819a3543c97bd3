"""Themes (themes.yaml): loading them for pages and exports, and validating the file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context

from app.questionnaire.errors import InstrumentError, LoadError
from app.questionnaire.loader._common import PROJECT_DIR, _suggest
from app.questionnaire.yamlsource import SourceMap, parse, read_text

DEFAULT_THEMES_FILE = PROJECT_DIR / "instruments" / "themes.yaml"
THEMES_FILENAME = "themes.yaml"


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    description: str | None = None


def default_themes_file() -> Path:
    """The project's themes.yaml, or the one the running app is configured with (THEMES_FILE)."""
    if has_app_context() and current_app.config.get("THEMES_FILE"):
        return Path(current_app.config["THEMES_FILE"])
    return DEFAULT_THEMES_FILE


def load_themes(path: str | Path | None = None) -> dict[str, Theme]:
    """Themes by key, in file order. Raises InstrumentError if the themes file is invalid."""
    p = Path(path) if path is not None else default_themes_file()
    try:
        stat = p.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = None
    themes, errors = _load_themes_cached(str(p), stamp)
    if errors:
        raise InstrumentError(list(errors))
    return dict(themes)


def theme_titles() -> dict[str, str]:
    """Theme titles by key, or none if the themes file is invalid: pages and exports then show the keys, and
    `flask instruments validate` reports the file's errors."""
    try:
        return {key: theme.title for key, theme in load_themes().items()}
    except InstrumentError:
        return {}


@lru_cache(maxsize=16)
def _load_themes_cached(path: str, stamp) -> tuple[tuple[tuple[str, Theme], ...], tuple[LoadError, ...]]:
    text, errors = read_text(path)
    if text is None:
        return (), tuple(errors)
    parsed = parse(text, path)
    if parsed.errors and parsed.data is None:
        return (), tuple(parsed.errors)
    themes, problems = _check_themes(parsed.data, parsed.lines, path)
    return tuple(themes.items()), tuple(parsed.errors + problems)


def _check_themes(data: Any, lines: SourceMap, filename: str) -> tuple[dict[str, Theme], list[LoadError]]:
    errors: list[LoadError] = []
    themes: dict[str, Theme] = {}
    if not isinstance(data, dict):
        return {}, [LoadError(filename, 1, "the top level must be a mapping with a 'themes' list")]
    for key in data:
        if key != "themes":
            errors.append(
                LoadError(filename, lines.line((key,)), f"unknown key '{key}'; a themes file has only 'themes'")
            )
    items = data.get("themes")
    if not isinstance(items, list) or not items:
        errors.append(
            LoadError(
                filename, lines.line(("themes",)), "'themes' must be a non-empty list of {key, title, description}"
            )
        )
        return themes, errors
    first_line: dict[str, int] = {}
    for i, item in enumerate(items):
        path = ("themes", i)
        if not isinstance(item, dict):
            errors.append(
                LoadError(
                    filename, lines.line(path), f"theme {i + 1} must be a mapping with key, title and description"
                )
            )
            continue
        for k in item:
            if k not in ("key", "title", "description"):
                errors.append(
                    LoadError(
                        filename,
                        lines.line(path + (k,)),
                        f"theme {i + 1}: unknown key '{k}'{_suggest(k, ('key', 'title', 'description'))}",
                    )
                )
        key, title, description = item.get("key"), item.get("title"), item.get("description")
        if not isinstance(key, str) or not key:
            errors.append(
                LoadError(filename, lines.value_line(path), f"theme {i + 1}: 'key' is required and must be text")
            )
            continue
        if not isinstance(title, str) or not title:
            errors.append(
                LoadError(filename, lines.value_line(path), f"theme '{key}': 'title' is required and must be text")
            )
        if description is not None and not isinstance(description, str):
            errors.append(
                LoadError(filename, lines.line(path + ("description",)), f"theme '{key}': 'description' must be text")
            )
        if key in first_line:
            errors.append(
                LoadError(
                    filename,
                    lines.line(path + ("key",)),
                    f"duplicate theme key '{key}' (first on line {first_line[key]})",
                )
            )
            continue
        first_line[key] = lines.line(path + ("key",))
        themes[key] = Theme(
            key=key,
            title=title if isinstance(title, str) else key,
            description=description if isinstance(description, str) else None,
        )
    return themes, errors


def validate_themes_file(path: str | Path) -> dict[str, Theme]:
    text, errors = read_text(path, str(path))
    if text is None:
        raise InstrumentError(errors)
    parsed = parse(text, str(path))
    if parsed.data is None and parsed.errors:
        raise InstrumentError(parsed.errors)
    themes, problems = _check_themes(parsed.data, parsed.lines, str(path))
    if parsed.errors or problems:
        raise InstrumentError(parsed.errors + problems)
    return themes
