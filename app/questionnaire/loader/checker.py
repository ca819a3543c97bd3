"""The definition checker: the schema, then the rules that span the file, each problem placed by its path."""

from __future__ import annotations

from typing import Any

from app.questionnaire.definition import ALL, KINDS, ORG_TYPE_CODES
from app.questionnaire.errors import InstrumentError
from app.questionnaire.loader._common import _dict_items, _get, _nth, _str, _suggest
from app.questionnaire.loader.options import _OptionChecks
from app.questionnaire.loader.problems import Problem, _LineLocator, _PathLocator
from app.questionnaire.loader.questions import _QuestionChecks
from app.questionnaire.loader.references import _ReferenceChecks
from app.questionnaire.loader.schema import _SchemaChecks
from app.questionnaire.loader.themes import load_themes


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


def _problems(data: Any, theme_keys: set[str] | None, locator: _LineLocator | _PathLocator) -> list[Problem]:
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else ("empty" if data is None else "a single value")
        return [
            Problem((), f"the top level must be a mapping of instrument fields (key, version, kind, …), not {what}")
        ]
    checker = _DefinitionChecker(data, locator, theme_keys)
    checker.check_schema()
    checker.check_semantics()
    return checker.problems


class _DefinitionChecker(_SchemaChecks, _OptionChecks, _QuestionChecks, _ReferenceChecks):
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

    # -- rules that span the file --------------------------------------------------------------
    def check_semantics(self) -> None:
        data = self.data
        kind = data.get("kind") if data.get("kind") in KINDS else None
        self._check_org_types(("applies_to",), "applies_to")
        scale_values = self._check_scales()
        all_keys = {
            _str(q.get("key")) for _, s in _dict_items(data.get("sections")) for _, q in _dict_items(s.get("questions"))
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
                self.error(
                    path + (i,),
                    f"{prefix}unknown organisation type '{code}' in {field}{_suggest(code, known)}",
                    at_value=True,
                )

    def _check_statement(self, kind: str | None) -> None:
        data = self.data
        signatories = data.get("signatories")
        if kind == "statement" and "signatories" not in data:
            self.error(
                (),
                "a statement instrument needs 'signatories' (who must sign, by organisation type, with a 'default')",
                at_value=True,
            )
        # A self-assessment may name who signs off a return before it is submitted, with the same rule.
        if kind in ("statement", "self_assessment") and isinstance(signatories, dict):
            if "default" not in signatories:
                self.error(
                    ("signatories",),
                    "'signatories' must include 'default' (who signs for organisation types not listed)",
                )
            for key in signatories:
                if key != "default" and key not in ORG_TYPE_CODES:
                    self.error(
                        ("signatories", key),
                        f"signatories: unknown organisation type '{key}'{_suggest(key, ORG_TYPE_CODES + ('default',))}",
                    )
        if kind == "statement":
            if "review_months" not in data:
                self.error(
                    (),
                    "a statement instrument needs 'review_months' (how often the statement must be reviewed)",
                    at_value=True,
                )
        elif kind is not None:
            if "signatories" in data and kind != "self_assessment":
                self.error(("signatories",), "'signatories' is only for kind: statement or self_assessment")
            if "review_months" in data:
                self.error(("review_months",), "'review_months' is only for kind: statement")
