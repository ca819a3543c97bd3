"""Security headers: CSP with per-request nonces, framing, referrer and caching rules."""

from __future__ import annotations

import ipaddress
import logging
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from app.permissions import viewer
from config import INSECURE_SECRET_KEYS

log = logging.getLogger(__name__)

PROXY_FIX_SETTINGS = {
    "x_for": "PROXY_FIX_X_FOR",
    "x_proto": "PROXY_FIX_X_PROTO",
    "x_host": "PROXY_FIX_X_HOST",
    "x_port": "PROXY_FIX_X_PORT",
    "x_prefix": "PROXY_FIX_X_PREFIX",
}


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths may be used as a post-login redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def configure_security_headers(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def set_headers(response):
        nonce = csp_nonce()
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            f"style-src 'self' 'nonce-{nonce}'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config.get("HSTS") and request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # A signed-in session is enough to say "no-store" (and more cautious than asking whether the account is
        # still active, which after a commit reloaded the user for every saved form).
        if not request.path.startswith("/static/") and (session.get("_user_id") or viewer().is_authenticated):
            response.headers["Cache-Control"] = "no-store"
        return response


class MountedSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie belongs to the path the service is served under. Behind a proxy that
    serves it under a path (X-Forwarded-Prefix), each request knows that path (`request.script_root`): a hub
    serving two partnerships as /riverside/ and /lakeside/ on one host keeps their sessions apart, where one cookie
    for the whole host would sign people out of one whenever they used the other."""

    def get_cookie_path(self, app: Flask) -> str:
        if app.config.get("SESSION_COOKIE_PATH") is None and has_request_context() and request.script_root:
            return request.script_root
        return super().get_cookie_path(app)


def configure_proxy_fix(app: Flask) -> None:
    """Believe X-Forwarded-* headers only from the number of proxies configured in front of the app (none by
    default), so rate limits count the real client, HSTS and cookies follow the scheme people really use, and
    links and the session cookie follow the path the service is served under."""
    app.session_interface = MountedSessionInterface()
    hops = {arg: int(app.config.get(setting) or 0) for arg, setting in PROXY_FIX_SETTINGS.items()}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **hops)


def is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").strip()).is_loopback
    except ValueError:
        return False


def guard_public_secret_key(app: Flask) -> None:
    """With the public development SECRET_KEY anyone can forge a session cookie, so such an app answers only
    people on this machine. The check is on the connection's own address (and the forwarded one, if a proxy is
    configured), never on a header a client chooses alone such as Host."""
    if (app.config.get("SECRET_KEY") or "") not in INSECURE_SECRET_KEYS:
        return
    log.warning(
        "SECRET_KEY is the public development key: only requests from this machine (loopback) are "
        "answered. Set SECRET_KEY (and APP_CONFIG=production) before serving anyone else."
    )

    @app.before_request
    def refuse_other_machines():
        peer = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR", request.remote_addr)
        if not (is_loopback(peer) and is_loopback(request.remote_addr)):
            abort(
                403, "This development server only answers requests from this machine. Set SECRET_KEY to serve others."
            )
