"""Instrument files: parse, check and report every problem as `file:line: message`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.questionnaire.definition import Instrument
from app.questionnaire.errors import InstrumentError, LoadError
from app.questionnaire.loader.checker import _problems
from app.questionnaire.loader.problems import _LineLocator
from app.questionnaire.loader.themes import THEMES_FILENAME, Theme, load_themes
from app.questionnaire.yamlsource import SourceMap, parse, read_text


@dataclass(frozen=True)
class CheckedFile:
    """A validated instrument file: its parsed definition (stored as is) and where things are in it."""

    name: str
    definition: dict
    lines: SourceMap
    instrument: Instrument

    @property
    def content_hash(self) -> str:
        return content_hash(self.definition)

    def line_of(self, *path: Any) -> int:
        return self.lines.line(path)


def content_hash(definition: dict) -> str:
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_themes_file(path: str | Path) -> bool:
    return Path(path).name == THEMES_FILENAME


def check_file(path: str | Path, *, themes_file: str | Path | None = None) -> CheckedFile:
    """Validate one instrument file. Raises InstrumentError listing every problem found."""
    name = str(path)
    text, errors = read_text(path, name)
    if text is None:
        raise InstrumentError(errors)
    return check_text(text, name, themes_file=themes_file)


def check_text(
    text: str, name: str, *, themes_file: str | Path | None = None, themes: dict[str, Theme] | None = None
) -> CheckedFile:
    parsed = parse(text, name)
    errors = list(parsed.errors)
    if parsed.data is None and errors:
        raise InstrumentError(errors)
    theme_keys: set[str] | None
    if themes is not None:
        theme_keys = set(themes)
    else:
        try:
            theme_keys = set(load_themes(themes_file))
        except InstrumentError as exc:
            errors.extend(exc.errors)
            theme_keys = None
    errors.extend(check_definition(parsed.data, parsed.lines, name, theme_keys))
    if errors:
        raise InstrumentError(errors)
    return CheckedFile(
        name=name, definition=parsed.data, lines=parsed.lines, instrument=Instrument.from_dict(parsed.data)
    )


def validate_file(path: str | Path, *, themes_file: str | Path | None = None) -> Instrument:
    """Validate an instrument file and return its definition. Raises InstrumentError with ALL problems."""
    return check_file(path, themes_file=themes_file).instrument


def check_definition(data: Any, lines: SourceMap, filename: str, theme_keys: set[str] | None) -> list[LoadError]:
    """The engine's rules applied to a parsed file: each problem placed on its line."""
    return [
        LoadError(filename, lines.value_line(p.path) if p.at_value else lines.line(p.path), p.message)
        for p in _problems(data, theme_keys, _LineLocator(lines))
    ]
