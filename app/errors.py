"""Domain errors raised by services, and GOV.UK error pages."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain was broken; the message is safe to show to the user."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def checked_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str | None:
    """Typed text, stripped (None when blank); a DomainError on `field` if it is required and blank, or longer
    than `max_length`."""
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Enter {label}", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field=field)
    return text or None


class InvalidTransition(DomainError):
    """A lifecycle state change that is not allowed from the current state."""


class AccessRefused(Exception):
    """The request may not go on at all: rendered as an error page, never shown as a form error.

    Deliberately not a DomainError, so a route's `except DomainError` (which turns a broken rule into a message on
    the form) can never swallow it: a refusal raised inside a form POST still answers 403 or 404.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(AccessRefused):
    """The user may not do this to this object (rendered as 403)."""


class NotFound(AccessRefused):
    """The object does not exist or its existence must not be revealed (rendered as 404)."""


class StaleEdit(DomainError):
    """Someone else saved this record since it was loaded (optimistic locking)."""


def get_or_404(model, ident, what: str | None = None):
    """The `model` row whose primary key is `ident`; NotFound (the 404 page) if there is none."""
    from app.extensions import db

    found = db.session.get(model, ident) if ident is not None else None
    if found is None:
        raise NotFound(f"No such {what or model.__name__}")
    return found


ERROR_TITLES = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to view this page",
    404: "Page not found",
    405: "Sorry, that action is not allowed here",
    413: "The file or form you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def _render_error(code: int, description: str | None = None):
    if request.path.startswith("/healthz") or request.accept_mimetypes.best == "application/json":
        return jsonify(status="error", code=code), code
    if code >= 500:
        from app.extensions import db

        try:  # nothing half-written survives a failed request
            db.session.rollback()
        except Exception:  # the database may be the thing that is down
            log.debug("rollback failed while rendering error page", exc_info=True)
    return (
        render_template("errors/error.html", code=code, title=ERROR_TITLES.get(code, "Error"), description=description),
        code,
    )


def configure_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        description = None
        if isinstance(exc, SecurityError):
            # A Host the service does not answer to (TRUSTED_HOSTS): no page of ours, whose links need a host.
            return Response(
                "Bad Request: this service does not answer to that host name.\n", 400, mimetype="text/plain"
            )
        if code == 413:
            limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            description = f"Files must be smaller than {limit_mb}MB. Go back and choose a smaller file."
        elif code == 429 and request.blueprint == "findings":
            description = (
                "You have opened a lot of findings pages or downloads in a short time. Wait a minute, then try again."
            )
        elif code == 400 and exc.description and "CSRF" in exc.description:
            description = "Your form expired or was sent from somewhere else. Go back, reload the page and try again."
        return _render_error(code, description)

    @app.errorhandler(PermissionDenied)
    def permission_denied(exc: PermissionDenied):
        return _render_error(403)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return _render_error(404)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(exc: Exception):
        from flask import g
        from flask_login import AnonymousUserMixin

        log.error("database error: %s", exc)
        g.database_unavailable = True
        # Flask-Login's template context would reload the user from the database that just failed.
        g._login_user = AnonymousUserMixin()
        return _render_error(503)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return _render_error(500)
