"""Absolute links for emails, built from the configured SERVICE_URL and never from a request's Host header."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request


def external_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` on the service, e.g. https://safeguarding.example.org/tasks.

    Works the same inside a request, whatever Host it was sent to, and outside one (the mail worker)."""
    service = urlsplit(current_app.config["SERVICE_URL"])
    adapter = current_app.url_map.bind(
        service.netloc, script_name=service.path.rstrip("/") or "/", url_scheme=service.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def here(*, query: bool = False) -> str:
    """This request's address as the browser sent it, without scheme and host: behind a proxy that serves the app
    under a path (X-Forwarded-Prefix, PROXY_FIX_X_PREFIX), that path comes first. `request.path` leaves it out, so a
    link or redirect built from it would leave the service."""
    path = request.full_path.rstrip("?") if query else request.path
    return request.script_root + path
