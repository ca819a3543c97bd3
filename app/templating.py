"""Template rendering made cheap where pages repeat the same GOV.UK components: an environment whose
`{% from ... import %}` is cheap to repeat, a renderer of GOV.UK components that reuses their HTML, and a cache
of the HTML fragments (charts, tables) drawn from the same figures.

The GOV.UK macros import their helper macros inside the macro body, so a section page with a dozen questions runs
over a hundred imports. For each, Jinja works out which of the importing template's global names the imported
template lacks (`names - template.globals.keys()`). A ChainMap's keys view answers that with a Python-level `in`
check per name against each of its maps, about thirty per import; a set answers it in one C-level difference.
`AppEnvironment.make_globals` (Jinja's documented hook for a template's globals) gives each template a ChainMap
whose keys() is that set: 6-7% of a scoring or round findings page's render (bench/RESULTS.md).
"""

from __future__ import annotations

import functools
import io
import pickle
import secrets
import threading
from collections import ChainMap

from flask.templating import Environment
from markupsafe import Markup, escape


class TemplateGlobals(ChainMap):
    """A template's globals: its own over the environment's, as Jinja makes them, with keys() as a set."""

    def keys(self):
        return set().union(*self.maps)


class AppEnvironment(Environment):
    def make_globals(self, d):
        return TemplateGlobals({} if d is None else d, self.globals)


# --- components rendered once -----------------------------------------------------------------------------------

COMPONENTS = {
    # a question's own component (questionnaire/_fields.html)
    "radios": ("govuk_frontend_jinja/components/radios/macro.html", "govukRadios"),
    "checkboxes": ("govuk_frontend_jinja/components/checkboxes/macro.html", "govukCheckboxes"),
    "character_count": ("govuk_frontend_jinja/components/character-count/macro.html", "govukCharacterCount"),
    "date": ("govuk_frontend_jinja/components/date-input/macro.html", "govukDateInput"),
    "input": ("govuk_frontend_jinja/components/input/macro.html", "govukInput"),
    # the page shell's, the same few parameters on page after page (base.html)
    "skip_link": ("govuk_frontend_jinja/components/skip-link/macro.html", "govukSkipLink"),
    "button": ("govuk_frontend_jinja/components/button/macro.html", "govukButton"),
    "back_link": ("govuk_frontend_jinja/components/back-link/macro.html", "govukBackLink"),
    "phase_banner": ("govuk_frontend_jinja/components/phase-banner/macro.html", "govukPhaseBanner"),
    "service_navigation": ("govuk_frontend_jinja/components/service-navigation/macro.html", "govukServiceNavigation"),
    # RAG and status tags, repeated down long tables (findings/_macros.html)
    "tag": ("govuk_frontend_jinja/components/tag/macro.html", "govukTag"),
}
# Components whose one free-text value is written into the HTML (a textarea's text, an input's value).
VALUE_COMPONENTS = ("character_count", "input")
_VALUE = "app-value-" + secrets.token_hex(12)


class _ExactPickler(pickle.Pickler):
    """Pickles component parameters, which are plain data (dicts, lists, text, numbers, booleans, None) and
    Markup; anything else is refused, so equal pickles always mean the same HTML."""

    def reducer_override(self, obj):
        # Called for everything but None, booleans and exact ints, floats, strings, bytes, dicts, lists, tuples
        # and sets: here only Markup (and its class) may pass.
        if obj is Markup or type(obj) is Markup:
            return NotImplemented
        raise _Uncacheable(type(obj).__name__)


class _Uncacheable(TypeError):
    pass


def _frozen(params) -> bytes:
    """A hashable, exact image of the parameters (pickle is written in C: a tenth of the cost of walking them)."""
    out = io.BytesIO()
    _ExactPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(params)
    return out.getvalue()


class Components:
    """Renders the GOV.UK components named in COMPONENTS (`component(name, params)` and
    `cached_component(name)` in templates), remembering the HTML for parameters already seen.

    Rendering the GOV.UK macros was four fifths of a scoring page's time, yet a question's radios or checkboxes
    depend only on the instrument's wording and which options are ticked, so the same few HTML fragments serve
    every auditor; the page shell's buttons, back links, phase banner and menu likewise. Text someone typed is
    never kept: a textarea or input is cached with a placeholder where its value goes, and the value is escaped
    into the copy for this request; a component showing an error message is rendered afresh.
    """

    def __init__(self, env, maxsize: int = 4096):
        self.env = env
        self._cached = functools.lru_cache(maxsize=maxsize)(self._render_frozen)

    def _macro(self, component: str):
        path, name = COMPONENTS[component]
        return getattr(self.env.get_template(path).module, name)

    def _render_frozen(self, component: str, frozen: bytes) -> str:
        return str(self._macro(component)(pickle.loads(frozen)))

    def __call__(self, component: str, params: dict) -> Markup:
        if params.get("errorMessage"):
            return Markup(self._macro(component)(params))
        # Only text takes the placeholder: any other value (a number, a boolean, Markup, a date) is kept in the
        # parameters as it is, so it is rendered as the macro renders it (or afresh, if not plain data).
        value = params.get("value") if component in VALUE_COMPONENTS else None
        if type(value) is not str:
            value = None
        if value:
            params = {**params, "value": _VALUE}
        try:
            frozen = _frozen(params)
        except _Uncacheable:
            return Markup(self._macro(component)(params))
        html = self._cached(component, frozen)
        if value:
            html = html.replace(_VALUE, str(escape(value)))
        return Markup(html)

    def macro(self, component: str):
        """A stand-in for the component's macro, called the same way (`govukButton(params)`)."""
        return functools.partial(self, component)


class Fragments:
    """HTML fragments kept under an exact image of everything they are drawn from (`fragment(key, render, *args)`
    in templates): a findings chart, with its plotly figure and its table, is the same HTML for everyone who sees
    the same figures, and drawing it was half a findings page's time. The key is pickled as component parameters
    are, so anything but plain data is drawn afresh; the oldest fragments go once they hold `max_bytes` of text."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024):
        self.max_bytes = max_bytes
        self._kept: dict[bytes, str] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def __call__(self, key, render, *args) -> Markup:
        try:
            frozen = _frozen(key)
        except _Uncacheable:
            return escape(render(*args))
        html = self._kept.get(frozen)
        if html is None:
            html = str(escape(render(*args)))  # a macro's HTML as it is; anything else is text, and escaped
            with self._lock:
                if frozen not in self._kept:
                    self._kept[frozen] = html
                    self._bytes += len(html)
                while self._bytes > self.max_bytes and len(self._kept) > 1:
                    self._bytes -= len(self._kept.pop(next(iter(self._kept))))
        return Markup(html)
