"""Validate instrument files (DESIGN §5) and report every problem as `file:line: message`.

Validation is pure: it reads files and returns data or raises `InstrumentError` carrying all the
problems found in one pass. Storing versions is `app.questionnaire.store.load_files`.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from app.questionnaire.definition import (
    ALL,
    KINDS,
    ORG_TYPE_CODES,
    Instrument,
    option_value,
)
from app.questionnaire.errors import InstrumentError, LoadError
from app.questionnaire.types import names_text, question_type, type_names
from app.questionnaire.yamlsource import SourceMap, parse, read_text

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCHEMA_FILE = PROJECT_DIR / "instruments" / "schema.json"
DEFAULT_THEMES_FILE = PROJECT_DIR / "instruments" / "themes.yaml"
THEMES_FILENAME = "themes.yaml"
RESERVED_QUESTION_KEYS = {"csrf_token"}


# ---------------------------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    description: str | None = None


def default_themes_file() -> Path:
    """The project's themes.yaml, or the one the running app is configured with (THEMES_FILE)."""
    try:
        from flask import current_app, has_app_context

        if has_app_context() and current_app.config.get("THEMES_FILE"):
            return Path(current_app.config["THEMES_FILE"])
    except ImportError:  # pragma: no cover - Flask is always installed with the app
        pass
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
            errors.append(LoadError(filename, lines.line((key,)), f"unknown key '{key}'; a themes file has only 'themes'"))
    items = data.get("themes")
    if not isinstance(items, list) or not items:
        errors.append(LoadError(filename, lines.line(("themes",)), "'themes' must be a non-empty list of {key, title, description}"))
        return themes, errors
    first_line: dict[str, int] = {}
    for i, item in enumerate(items):
        path = ("themes", i)
        if not isinstance(item, dict):
            errors.append(LoadError(filename, lines.line(path), f"theme {i + 1} must be a mapping with key, title and description"))
            continue
        for k in item:
            if k not in ("key", "title", "description"):
                errors.append(LoadError(filename, lines.line(path + (k,)), f"theme {i + 1}: unknown key '{k}'{_suggest(k, ('key', 'title', 'description'))}"))
        key, title, description = item.get("key"), item.get("title"), item.get("description")
        if not isinstance(key, str) or not key:
            errors.append(LoadError(filename, lines.value_line(path), f"theme {i + 1}: 'key' is required and must be text"))
            continue
        if not isinstance(title, str) or not title:
            errors.append(LoadError(filename, lines.value_line(path), f"theme '{key}': 'title' is required and must be text"))
        if description is not None and not isinstance(description, str):
            errors.append(LoadError(filename, lines.line(path + ("description",)), f"theme '{key}': 'description' must be text"))
        if key in first_line:
            errors.append(LoadError(filename, lines.line(path + ("key",)), f"duplicate theme key '{key}' (first on line {first_line[key]})"))
            continue
        first_line[key] = lines.line(path + ("key",))
        themes[key] = Theme(key=key, title=title if isinstance(title, str) else key,
                            description=description if isinstance(description, str) else None)
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


# ---------------------------------------------------------------------------------------------
# Instrument files
# ---------------------------------------------------------------------------------------------
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


def check_text(text: str, name: str, *, themes_file: str | Path | None = None,
               themes: dict[str, Theme] | None = None) -> CheckedFile:
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
    return CheckedFile(name=name, definition=parsed.data, lines=parsed.lines,
                       instrument=Instrument.from_dict(parsed.data))


def validate_file(path: str | Path, *, themes_file: str | Path | None = None) -> Instrument:
    """Validate an instrument file and return its definition. Raises InstrumentError with ALL problems."""
    return check_file(path, themes_file=themes_file).instrument


def check_definition(data: Any, lines: SourceMap, filename: str, theme_keys: set[str] | None) -> list[LoadError]:
    """The engine's rules applied to a parsed file: each problem placed on its line."""
    return [
        LoadError(filename, lines.value_line(p.path) if p.at_value else lines.line(p.path), p.message)
        for p in _problems(data, theme_keys, _LineLocator(lines))
    ]


@dataclass(frozen=True)
class Problem:
    """One broken rule, placed by its path in the definition (("sections", 0, "questions", 2, "text")).

    `at_value` places it, in a file, on the line of the value at `path` rather than of its key."""

    path: tuple
    message: str
    at_value: bool = False

    @property
    def section_index(self) -> int | None:
        return self.path[1] if len(self.path) >= 2 and self.path[0] == "sections" and isinstance(self.path[1], int) else None

    @property
    def question_index(self) -> int | None:
        if self.section_index is not None and len(self.path) >= 4 and self.path[2] == "questions" and isinstance(self.path[3], int):
            return self.path[3]
        return None

    @property
    def field(self) -> str | None:
        """The first named field below the section, question, scale option or instrument the problem is on."""
        if self.question_index is not None:
            rest = self.path[4:]
        elif self.section_index is not None:
            rest = self.path[2:]
        elif len(self.path) >= 2 and self.path[0] == "scales":
            rest = self.path[3:] if len(self.path) >= 3 and isinstance(self.path[2], int) else ()
        else:
            rest = self.path
        return next((part for part in rest if isinstance(part, str)), None)


def definition_problems(data: Any, theme_keys: set[str] | None = None) -> list[Problem]:
    """The engine's rules applied to a definition held as data (a draft in the studio, a spreadsheet): the same
    checks as `flask instruments validate`, each problem placed by its path rather than a line.
    Theme keys default to the project's themes.yaml."""
    if theme_keys is None:
        try:
            theme_keys = set(load_themes())
        except InstrumentError:
            theme_keys = None
    return _problems(data, theme_keys, _PathLocator())


def _problems(data: Any, theme_keys: set[str] | None, locator: "_LineLocator | _PathLocator") -> list[Problem]:
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else ("empty" if data is None else "a single value")
        return [Problem((), f"the top level must be a mapping of instrument fields (key, version, kind, …), not {what}")]
    checker = _DefinitionChecker(data, locator, theme_keys)
    checker.check_schema()
    checker.check_semantics()
    return checker.problems


class _LineLocator:
    """Names an earlier occurrence by its line in the file ("first on line 12")."""

    def __init__(self, lines: SourceMap):
        self.lines = lines

    def at(self, path: tuple) -> str:
        return f"line {self.lines.line(path)}"


class _PathLocator:
    """Names an earlier occurrence by where it is in the definition ("first on section 2, question 3")."""

    def at(self, path: tuple) -> str:
        if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
            return f"section {path[1] + 1}, question {path[3] + 1}"
        if len(path) >= 2 and path[0] == "sections":
            return f"section {path[1] + 1}"
        if len(path) >= 3 and path[0] == "scales" and isinstance(path[2], int):
            return f"option {path[2] + 1}"
        if len(path) >= 5 and path[3] == "options":
            return f"option {path[4] + 1}"
        return "the instrument"


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


def _suggest(word: Any, candidates) -> str:
    if not isinstance(word, str):
        return ""
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "…"


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


class _DefinitionChecker:
    def __init__(self, data: dict, locator: _LineLocator | _PathLocator, theme_keys: set[str] | None):
        self.data = data
        self.locator = locator
        self.theme_keys = theme_keys
        self.problems: list[Problem] = []
        self.rag_reported: set[str] = set()

    # -- helpers -----------------------------------------------------------------------------
    def error(self, path: tuple, message: str, *, at_value: bool = False) -> None:
        self.problems.append(Problem(tuple(path), message, at_value))

    def at(self, path: tuple) -> str:
        return self.locator.at(path)

    def where(self, path: tuple) -> tuple[str, tuple]:
        """A human name for the part of the file at `path`, plus the remaining field path."""
        data = self.data
        if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
            q = _nth(_nth(data.get("sections"), path[1], {}).get("questions"), path[3], {})
            key = _str(q.get("key"))
            name = f"question '{key}'" if key else f"section {path[1] + 1} question {path[3] + 1}"
            rest = path[4:]
            if len(rest) >= 2 and rest[0] == "options" and isinstance(rest[1], int):
                return f"{name} option {rest[1] + 1}", rest[2:]
            return name, rest
        if len(path) >= 2 and path[0] == "sections" and isinstance(path[1], int):
            key = _str(_nth(data.get("sections"), path[1], {}).get("key"))
            return (f"section '{key}'" if key else f"section {path[1] + 1}"), path[2:]
        if len(path) >= 2 and path[0] == "scales":
            if len(path) >= 3 and isinstance(path[2], int):
                return f"scale '{path[1]}' option {path[2] + 1}", path[3:]
            return f"scale '{path[1]}'", path[2:]
        return "", path

    def label(self, path: tuple, field: str | None = None) -> str:
        name, rest = self.where(path)
        parts = [str(p) if not isinstance(p, int) else f"[{p + 1}]" for p in rest]
        if field is not None:
            parts.append(field)
        dotted = ".".join(parts).replace(".[", "[")
        if name and dotted:
            return f"{name}: '{dotted}'"
        if name:
            return name
        return f"'{dotted}'" if dotted else "the instrument"

    # -- JSON Schema ---------------------------------------------------------------------------
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
            self.error(path + (key,) if isinstance(key, str) else path,
                       f"{self.label(path)}: key {_short(key)} {message or 'is not a valid name'}")
            return
        what = self.label(path)
        if kind == "type":
            expected = err.validator_value
            expected = expected if isinstance(expected, list) else [expected]
            names = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
            self.error(path, f"{what} must be {names}, not {_type_name(instance)}")
        elif kind == "enum":
            options = ", ".join(str(v) for v in err.validator_value)
            self.error(path, f"{what} must be one of {options}; got {_short(instance)}{_suggest(instance, [str(v) for v in err.validator_value])}")
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

    # -- rules that span the file --------------------------------------------------------------
    def check_semantics(self) -> None:
        data = self.data
        kind = data.get("kind") if data.get("kind") in KINDS else None
        self._check_org_types(("applies_to",), "applies_to")
        scale_values = self._check_scales()
        all_keys = {
            _str(q.get("key"))
            for _, s in _dict_items(data.get("sections"))
            for _, q in _dict_items(s.get("questions"))
        } - {None}
        self._check_sections(kind, scale_values, all_keys)
        self._check_statement(kind)
        self._check_renamed(all_keys)

    def _check_org_types(self, path: tuple, field: str, extra: tuple[str, ...] = ()) -> None:
        codes = _get(self.data, path)
        if not isinstance(codes, list):
            return
        known = (ALL,) + ORG_TYPE_CODES + extra
        name, _ = self.where(path)
        prefix = f"{name}: " if name else ""
        for i, code in enumerate(codes):
            if isinstance(code, str) and code not in known:
                self.error(path + (i,), f"{prefix}unknown organisation type '{code}' in {field}{_suggest(code, known)}", at_value=True)

    def _check_scales(self) -> dict[str, list[str]]:
        scales = self.data.get("scales")
        result: dict[str, list[str]] = {}
        if not isinstance(scales, dict):
            return result
        for name, options in scales.items():
            values: dict[str, str] = {}
            for i, option in _dict_items(options):
                path = ("scales", name, i)
                value = _option_key(option.get("value"))
                if value is not None:
                    where = self.at(path + ("value",))
                    if value in values:
                        self.error(path + ("value",), f"scale '{name}': duplicate option value '{value}' (first on {values[value]})")
                    else:
                        values[value] = where
                self._check_option_flags(option, path, f"scale '{name}' option {i + 1}")
            result[name] = list(values)
        return result

    def _check_option_list(self, path: tuple, label: str) -> list[str]:
        options = _get(self.data, path)
        values: dict[str, str] = {}
        for i, option in _dict_items(options):
            value = _option_key(option.get("value"))
            if value is None:
                continue
            where = self.at(path + (i, "value"))
            if value in values:
                self.error(path + (i, "value"), f"{label}: duplicate option value '{value}' (first on {values[value]})")
            else:
                values[value] = where
            self._check_option_flags(option, path + (i,), f"{label} option {i + 1}")
        return list(values)

    def _check_option_flags(self, option: dict, path: tuple, label: str) -> None:
        """Rules tying an option's flags together: what "not applicable" allows and needs."""
        if option.get("excluded") is True:
            clash = [k for k in ("score", "meets_standard", "rag") if k in option]
            if clash:
                self.error(path, f"{label}: an excluded (not applicable) option cannot have {', '.join(clash)}", at_value=True)
        elif option.get("needs_reason") is True:
            self.error(path + ("needs_reason",), f"{label}: needs_reason is only allowed on an excluded (not applicable) option")
        if option.get("partial") is True:
            if option.get("excluded") is True:
                self.error(path + ("partial",), f"{label}: an excluded (not applicable) option cannot be partial")
            elif option.get("meets_standard") is not False:
                self.error(path + ("partial",), f"{label}: a partial option must have meets_standard: false "
                                                f"(it partly meets the standard)")

    def _check_sections(self, kind: str | None, scale_values: dict[str, list[str]], all_keys: set[str]) -> None:
        scales = self.data.get("scales") if isinstance(self.data.get("scales"), dict) else {}
        section_lines: dict[str, str] = {}
        earlier: dict[str, _QuestionInfo] = {}
        overall_line: str | None = None
        for si, section in _dict_items(self.data.get("sections")):
            spath = ("sections", si)
            skey = _str(section.get("key"))
            if skey is not None:
                line = self.at(spath + ("key",))
                if skey in section_lines:
                    self.error(spath + ("key",), f"duplicate section key '{skey}' (first on {section_lines[skey]})")
                else:
                    section_lines[skey] = line
            self._check_org_types(spath + ("applies_to",), "applies_to")
            for qi, q in _dict_items(section.get("questions")):
                qpath = spath + ("questions", qi)
                qkey = _str(q.get("key"))
                label = f"question '{qkey}'" if qkey else f"section {si + 1} question {qi + 1}"
                qtype = q.get("type") if q.get("type") in type_names() else None
                qkind = question_type(qtype) if qtype is not None else None
                option_values: list[str] | None = None

                if qkey is not None:
                    if qkey in earlier:
                        self.error(qpath + ("key",), f"duplicate question key '{qkey}' (first on {earlier[qkey].line})")
                    if "__" in qkey:
                        self.error(qpath + ("key",), f"{label}: keys may not contain a double underscore (it is used for comment and evidence fields)")
                    if qkey in RESERVED_QUESTION_KEYS:
                        self.error(qpath + ("key",), f"{label}: '{qkey}' is reserved; choose another key")

                if qkind is not None and qkind.takes_scale:
                    if "options" in q:
                        self.error(qpath + ("options",), f"{label}: a scale question takes its answers from 'scale', so 'options' is not allowed")
                    scale_name = q.get("scale")
                    if "scale" not in q:
                        self.error(qpath, f"{label}: a scale question needs 'scale' naming one of the scales"
                                          + (f" ({', '.join(scales)})" if scales else ""), at_value=True)
                    elif isinstance(scale_name, str):
                        if scale_name not in scales:
                            known = f"; defined scales: {', '.join(scales)}" if scales else "; this file defines no scales"
                            self.error(qpath + ("scale",), f"{label}: unknown scale '{scale_name}'{_suggest(scale_name, scales)}{known}")
                        else:
                            option_values = scale_values.get(scale_name, [])
                            if kind == "self_assessment":
                                missing = [
                                    option_value(o.get("value")) for _, o in _dict_items(scales[scale_name])
                                    if not o.get("excluded") and not o.get("rag") and _option_key(o.get("value")) is not None
                                ]
                                if missing:
                                    self.error(qpath + ("scale",), f"{label}: a self-assessment criterion needs a scale with 'rag' on every option, but scale '{scale_name}' has none for {', '.join(missing)}")
                                    self._report_scale_without_rag(scale_name, scales[scale_name])
                elif qkind is not None and qkind.takes_options:
                    if "scale" in q:
                        self.error(qpath + ("scale",), f"{label}: 'scale' is only for type: scale questions; a {qtype} question lists its 'options'")
                    if "options" not in q:
                        self.error(qpath, f"{label}: a {qtype} question needs 'options'", at_value=True)
                    else:
                        option_values = self._check_option_list(qpath + ("options",), label)
                elif qtype is not None:
                    for key in ("scale", "options"):
                        if key in q:
                            self.error(qpath + (key,), f"{label}: '{key}' cannot be used on a {qtype} question")

                if qkind is not None:
                    if "max_length" in q and not qkind.takes_max_length:
                        self.error(qpath + ("max_length",), f"{label}: 'max_length' is only for "
                                                            f"{names_text(type_names(takes_max_length=True), 'and')} questions")
                    for key in ("min", "max"):
                        if key in q and not qkind.takes_range:
                            self.error(qpath + (key,), f"{label}: '{key}' is only for "
                                                       f"{names_text(type_names(takes_range=True), 'and')} questions")
                    if q.get("comment") == "required_unless_met" and not qkind.is_scored:
                        self.error(qpath + ("comment",), f"{label}: comment: required_unless_met needs a "
                                                         f"{names_text(type_names(is_scored=True), 'or')} question")
                low, high = q.get("min"), q.get("max")
                if _is_number(low) and _is_number(high) and low > high:
                    self.error(qpath + ("min",), f"{label}: 'min' ({low}) is greater than 'max' ({high})")

                if "about" in q and kind != "case_audit":
                    self.error(qpath + ("about",), f"{label}: 'about' is only for case audit questions")
                elif q.get("about") == "agency" and q.get("overall") is True:
                    self.error(qpath + ("about",), f"{label}: the overall judgement is about the case, not one agency")

                if q.get("overall") is True:
                    if overall_line is not None:
                        self.error(qpath + ("overall",), f"{label}: only one question may have overall: true (the first is on {overall_line})")
                    else:
                        overall_line = self.at(qpath + ("overall",))
                    if qkind is not None and not qkind.is_scored:
                        self.error(qpath + ("overall",), f"{label}: the overall judgement must be a "
                                                         f"{names_text(type_names(is_scored=True), 'or')} question")

                themes = q.get("themes")
                if self.theme_keys is not None and isinstance(themes, list):
                    for ti, theme in enumerate(themes):
                        if isinstance(theme, str) and theme not in self.theme_keys:
                            self.error(qpath + ("themes", ti), f"{label}: unknown theme '{theme}'{_suggest(theme, self.theme_keys)}; themes are defined in themes.yaml", at_value=True)

                self._check_show_if(q, qpath, qkey, label, earlier, all_keys)

                if qkey is not None and qkey not in earlier:
                    earlier[qkey] = _QuestionInfo(qkey, qtype, option_values, self.at(qpath + ("key",)))

    def _report_scale_without_rag(self, name: str, options: Any) -> None:
        if name in self.rag_reported:
            return
        self.rag_reported.add(name)
        for i, option in _dict_items(options):
            value = _option_key(option.get("value"))
            if value is not None and not option.get("excluded") and not option.get("rag"):
                self.error(("scales", name, i), f"scale '{name}' option '{value}' has no rag (green, amber or red), "
                                                f"which self-assessment criteria need", at_value=True)

    def _check_show_if(self, q: dict, qpath: tuple, qkey: str | None, label: str,
                       earlier: dict[str, _QuestionInfo], all_keys: set[str]) -> None:
        show_if = q.get("show_if")
        if not isinstance(show_if, dict):
            return
        target = _str(show_if.get("question"))
        path = qpath + ("show_if", "question")
        if target is None:
            return
        if target == qkey:
            self.error(path, f"{label}: show_if refers to the question itself")
            return
        if target not in earlier:
            if target in all_keys:
                self.error(path, f"{label}: show_if refers to question '{target}', which comes later; show_if may only depend on an earlier question")
            else:
                self.error(path, f"{label}: show_if refers to unknown question '{target}'{_suggest(target, earlier)}")
            return
        info = earlier[target]
        if info.type is not None and not question_type(info.type).is_choice:
            self.error(path, f"{label}: show_if depends on '{target}', a {info.type} question; it must depend on a "
                             f"{names_text(type_names(is_choice=True), 'or')} question")
            return
        values = show_if.get("in")
        if info.option_values is None or not isinstance(values, list):
            return
        for i, value in enumerate(values):
            key = _option_key(value)
            if key is not None and key not in info.option_values:
                self.error(qpath + ("show_if", "in", i),
                           f"{label}: show_if value '{key}' is not an answer of '{target}' (answers: {', '.join(info.option_values)})",
                           at_value=True)

    def _check_statement(self, kind: str | None) -> None:
        data = self.data
        if kind == "statement":
            signatories = data.get("signatories")
            if "signatories" not in data:
                self.error((), "a statement instrument needs 'signatories' (who must sign, by organisation type, with a 'default')", at_value=True)
            elif isinstance(signatories, dict):
                if "default" not in signatories:
                    self.error(("signatories",), "'signatories' must include 'default' (who signs for organisation types not listed)")
                for key in signatories:
                    if key != "default" and key not in ORG_TYPE_CODES:
                        self.error(("signatories", key), f"signatories: unknown organisation type '{key}'{_suggest(key, ORG_TYPE_CODES + ('default',))}")
            if "review_months" not in data:
                self.error((), "a statement instrument needs 'review_months' (how often the statement must be reviewed)", at_value=True)
        elif kind is not None:
            for key in ("signatories", "review_months"):
                if key in data:
                    self.error((key,), f"'{key}' is only for kind: statement")

    def _check_renamed(self, all_keys: set[str]) -> None:
        renamed = self.data.get("renamed")
        if not isinstance(renamed, dict):
            return
        targets: dict[str, str] = {}
        for old, new in renamed.items():
            path = ("renamed", old)
            if not isinstance(new, str):
                continue
            if old == new:
                self.error(path, f"renamed: '{old}' is renamed to itself")
                continue
            if new not in all_keys:
                self.error(path, f"renamed: '{old}' is renamed to '{new}', but there is no question '{new}'{_suggest(new, all_keys)}")
            if old in all_keys:
                self.error(path, f"renamed: '{old}' is renamed, but a question with key '{old}' still exists")
            if new in targets:
                self.error(path, f"renamed: '{old}' and '{targets[new]}' are both renamed to '{new}'")
            targets.setdefault(new, old)


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
