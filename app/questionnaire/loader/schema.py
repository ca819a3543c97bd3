"""The JSON Schema half of the checks: the schema file, and its errors translated into plain messages."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from app.questionnaire.loader._common import PROJECT_DIR, _suggest
from app.questionnaire.types import type_names

SCHEMA_FILE = PROJECT_DIR / "instruments" / "schema.json"


def _schema_validator() -> Draft202012Validator:
    return _validator_for(type_names())


@lru_cache(maxsize=4)
def _validator_for(names: tuple[str, ...]) -> Draft202012Validator:
    """The schema file, its question types being the types registered (app.questionnaire.types)."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    schema["$defs"]["question"]["properties"]["type"] = {"enum": list(names)}
    return Draft202012Validator(schema)


def schema() -> dict:
    return _schema_validator().schema


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping (key: value pairs)",
    "null": "empty",
}


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "…"


class _SchemaChecks:
    """Runs the schema over the definition; part of the definition checker."""

    def check_schema(self) -> None:
        validator = _schema_validator()
        for err in validator.iter_errors(self.data):
            self._translate(err)

    def _translate(self, err: ValidationError) -> None:
        path = tuple(err.absolute_path)
        kind = err.validator
        instance = err.instance
        if kind == "additionalProperties" and isinstance(instance, dict):
            allowed = list((err.schema.get("properties") or {}).keys())
            for key in instance:
                if key not in allowed:
                    name, _ = self.where(path)
                    prefix = f"{name}: " if name else ""
                    self.error(path + (key,), f"{prefix}unknown key '{key}'{_suggest(key, allowed)}")
            return
        if kind == "required" and isinstance(instance, dict):
            for key in err.validator_value:
                if key not in instance:
                    name, rest = self.where(path)
                    prefix = f"{self.label(path)}: " if (name or rest) else ""
                    self.error(path, f"{prefix}missing required key '{key}'", at_value=True)
            return
        if kind == "propertyNames":
            # The error is about a key of the mapping at `path`; report it on that key's line.
            key = instance
            message = err.schema.get("x-message") if isinstance(err.schema, dict) else None
            sub = err.context[0] if err.context else None
            if sub is not None and isinstance(sub.schema, dict) and sub.schema.get("x-message"):
                message = sub.schema["x-message"]
            self.error(
                path + (key,) if isinstance(key, str) else path,
                f"{self.label(path)}: key {_short(key)} {message or 'is not a valid name'}",
            )
            return
        what = self.label(path)
        if kind == "type":
            expected = err.validator_value
            expected = expected if isinstance(expected, list) else [expected]
            names = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
            self.error(path, f"{what} must be {names}, not {_type_name(instance)}")
        elif kind == "enum":
            options = ", ".join(str(v) for v in err.validator_value)
            self.error(
                path,
                f"{what} must be one of {options}; got "
                f"{_short(instance)}{_suggest(instance, [str(v) for v in err.validator_value])}",
            )
        elif kind == "pattern":
            message = err.schema.get("x-message") or f"must match {err.validator_value}"
            self.error(path, f"{what} {_short(instance)} {message}")
        elif kind == "minItems":
            n = err.validator_value
            self.error(path, f"{what} must not be empty" if n == 1 else f"{what} must have at least {n} items")
        elif kind == "minLength":
            self.error(path, f"{what} must not be empty")
        elif kind == "maxLength":
            self.error(path, f"{what} must be at most {err.validator_value} characters")
        elif kind == "minimum":
            self.error(path, f"{what} must be at least {err.validator_value}")
        elif kind == "maximum":
            self.error(path, f"{what} must be at most {err.validator_value}")
        else:
            self.error(path, f"{what}: {err.message}")
