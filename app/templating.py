"""Template rendering made cheap where pages repeat the same GOV.UK components: a template class whose
`{% from ... import %}` is cheap to repeat, and a renderer for questions' components that reuses their HTML.

The GOV.UK macros import their helper macros inside the macro body, so a section page with a dozen questions runs
over a hundred imports. For each, Jinja works out which of the caller's globals the imported template lacks by a
set difference against a ChainMap of the environment's globals (≈30 slow `in` checks), the same answer every time.
Remembering that answer per set of caller globals took a fifth off the scoring page's render time.
"""
from __future__ import annotations

import functools
import secrets

from jinja2 import Template
from markupsafe import Markup, escape


class CachedImportTemplate(Template):
    def _get_default_module(self, ctx=None):
        if ctx is not None:
            caller_keys = frozenset(ctx.globals_keys)
            missing_by_caller = self.__dict__.setdefault("_missing_globals", {})
            missing = missing_by_caller.get(caller_keys)
            if missing is None:
                missing = missing_by_caller[caller_keys] = caller_keys - self.globals.keys()
            if missing:
                return self.make_module({k: ctx.parent[k] for k in missing})
        if self._module is None:
            self._module = self.make_module()
        return self._module


# --- question components --------------------------------------------------------------------------------------

QUESTION_COMPONENTS = {
    "radios": ("govuk_frontend_jinja/components/radios/macro.html", "govukRadios"),
    "checkboxes": ("govuk_frontend_jinja/components/checkboxes/macro.html", "govukCheckboxes"),
    "character_count": ("govuk_frontend_jinja/components/character-count/macro.html", "govukCharacterCount"),
    "date": ("govuk_frontend_jinja/components/date-input/macro.html", "govukDateInput"),
    "input": ("govuk_frontend_jinja/components/input/macro.html", "govukInput"),
}
# Components whose one free-text value is written into the HTML (a textarea's text, an input's value).
VALUE_COMPONENTS = ("character_count", "input")
_VALUE = "app-value-" + secrets.token_hex(12)


class Uncacheable(TypeError):
    pass


def _frozen(value):
    """A hashable, exact image of component parameters (dicts, lists, text, markup, numbers, booleans)."""
    if isinstance(value, dict):
        return ("d",) + tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("l",) + tuple(_frozen(v) for v in value)
    if isinstance(value, Markup):
        return ("m", str(value))
    if isinstance(value, bool):
        return ("b", value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise Uncacheable(type(value).__name__)


def _thawed(value):
    if isinstance(value, tuple):
        tag, rest = value[0], value[1:]
        if tag == "d":
            return {k: _thawed(v) for k, v in rest}
        if tag == "l":
            return [_thawed(v) for v in rest]
        if tag == "m":
            return Markup(rest[0])
        return rest[0]
    return value


class QuestionComponents:
    """Renders a question's GOV.UK component (`question_component(name, params)` in templates), remembering the
    HTML for parameters already seen.

    Rendering the GOV.UK macros was four fifths of a scoring page's time, yet a question's radios or checkboxes
    depend only on the instrument's wording and which options are ticked, so the same few HTML fragments serve
    every auditor. Text someone typed is never kept: a textarea or input is cached with a placeholder where its
    value goes, and the value is escaped into the copy for this request; a question showing an error message is
    rendered afresh.
    """

    def __init__(self, env, maxsize: int = 4096):
        self.env = env
        self._cached = functools.lru_cache(maxsize=maxsize)(self._render_frozen)

    def _macro(self, component: str):
        path, name = QUESTION_COMPONENTS[component]
        return getattr(self.env.get_template(path).module, name)

    def _render_frozen(self, component: str, frozen) -> str:
        return str(self._macro(component)(_thawed(frozen)))

    def __call__(self, component: str, params: dict) -> Markup:
        if params.get("errorMessage"):
            return Markup(self._macro(component)(params))
        value = params.get("value") if component in VALUE_COMPONENTS else None
        if value:
            params = {**params, "value": _VALUE}
        try:
            frozen = _frozen(params)
        except Uncacheable:
            return Markup(self._macro(component)(params))
        html = self._cached(component, frozen)
        if value:
            html = html.replace(_VALUE, str(escape(value)))
        return Markup(html)
