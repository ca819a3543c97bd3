"""Helpers the instrument checks share: reading parts of a parsed file whatever shape it has, and suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.questionnaire.definition import option_value

PROJECT_DIR = Path(__file__).resolve().parents[3]


def _suggest(word: Any, candidates) -> str:
    if not isinstance(word, str):
        return ""
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _dict_items(value: Any) -> Iterator[tuple[int, dict]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _option_key(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return option_value(value)


@dataclass
class _QuestionInfo:
    key: str
    type: str | None
    option_values: list[str] | None
    line: str


def _nth(seq: Any, index: Any, default: Any) -> Any:
    if isinstance(seq, list) and isinstance(index, int) and 0 <= index < len(seq) and isinstance(seq[index], dict):
        return seq[index]
    return default


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
