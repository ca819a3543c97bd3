"""What every route does with a service: run it, commit, or roll back and show why.

A service changes state and raises DomainError (optionally naming a form `field`) when a rule is broken. A route
calls it through one of these:

- `run(form, service, *args, **kwargs)`: the service's result after a commit (True when it returns nothing), or
  None after a rollback, with the message on `form[exc.field]` when the form has that field, else in the form's
  own errors (the error summary);
- `run_or_flash(service, ...)`: the same for pages without a form: the refusal is flashed;
- `run_fields(service, ...)`: for pages with hand-built fields: {} after a commit, else the messages by field
  name ("" for the page), several at once when the service reports several (an exception with `problems`);
- `attempt(service, ...)`: the Outcome itself, for a route that treats some refusals in its own way (a stale
  edit's conflict page, a list of problems to link to).

PermissionDenied and NotFound are not DomainErrors: they are rolled back and raised again, to reach the 403/404
handlers with nothing committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash

from app.errors import AccessRefused, DomainError
from app.extensions import db


@dataclass
class Outcome:
    """A service call's result after a commit, or the DomainError it was rolled back for. True when it worked."""

    value: Any = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is None


def attempt(service: Callable, *args, **kwargs) -> Outcome:
    """Call the service; commit and keep its result, or roll back and keep its DomainError."""
    try:
        value = service(*args, **kwargs)
    except DomainError as exc:
        db.session.rollback()
        return Outcome(error=exc)
    except AccessRefused:  # the 403/404 page, and nothing the service did before refusing is kept
        db.session.rollback()
        raise
    db.session.commit()
    return Outcome(value=value)


def problems_of(exc: DomainError) -> list[tuple[str | None, str]]:
    """A refusal's (field, message) pairs: several when the service reports several (`problems`), else one."""
    problems = getattr(exc, "problems", None)
    if problems and all(isinstance(p, tuple) and len(p) == 2 for p in problems):
        return list(problems)
    return [(exc.field, exc.message)]


FIRST_FIELD = "(the form's first field)"


def show_error(form, exc: DomainError, *, fallback: str | None = None) -> None:
    """Put a refusal's messages on the form fields they name. A message naming no field of the form goes on the
    `fallback` field (FIRST_FIELD: the form's first), or without one to the form's own errors (the summary)."""
    for name, message in problems_of(exc):
        field = form._fields.get(name) if name else None
        if field is None and fallback == FIRST_FIELD:
            field = next(f for f in form if f.name != "csrf_token")
        elif field is None and fallback:
            field = form._fields[fallback]
        if field is not None:
            field.errors = [*(field.errors or []), message]
        else:
            form.form_errors.append(message)


def _result(outcome: Outcome):
    return True if outcome.value is None else outcome.value


def run(form, service: Callable, *args, fallback: str | None = None, **kwargs):
    """Call the service and commit: its result (True if it returns nothing). Refused: roll back, show why on the
    form (see show_error for `fallback`) and return None."""
    outcome = attempt(service, *args, **kwargs)
    if not outcome:
        show_error(form, outcome.error, fallback=fallback)
        return None
    return _result(outcome)


def run_or_flash(service: Callable, *args, flash_category: str = "error", **kwargs):
    """As run, for a page without a form: the refusal is flashed (as an error unless `flash_category` says)."""
    outcome = attempt(service, *args, **kwargs)
    if not outcome:
        flash(outcome.error.message, flash_category)
        return None
    return _result(outcome)


def run_fields(service: Callable, *args, **kwargs) -> dict[str, str]:
    """As run, for hand-built fields: {} after a commit, else each message by field name ("" for the page)."""
    outcome = attempt(service, *args, **kwargs)
    if outcome:
        return {}
    return {name or "": message for name, message in problems_of(outcome.error)}
