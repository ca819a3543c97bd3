"""The public read confirmation page at a statement's short link (/s/<code>), and the QR code that leads to it.

No sign-in, nothing identifying: an optional first name and role and the confirmation. Rate-limited per address
(the address is never stored) and CSRF-protected like every form.
"""

from __future__ import annotations

import segno
from flask import abort, current_app, redirect, render_template, url_for
from markupsafe import Markup

from app import web
from app.extensions import limiter
from app.statements import queries, read_queries, read_bp, services
from app.statements.forms import ReadForm
from app.urls import external_url

DEFAULT_READ_RATE_LIMIT = "10 per minute"


def read_link(statement) -> str | None:
    """The short link printed on the statement, built from SERVICE_URL (never from a request)."""
    if not statement.read_code:
        return None
    return external_url("statement_reads.confirm", code=statement.read_code)


def read_qr_svg(link: str) -> Markup:
    """The link as a QR code, drawn here as inline SVG (no network, no script)."""
    svg = segno.make(link, error="m").svg_inline(scale=4, light="#fff", title="QR code for " + link, omitsize=False)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code for the read confirmation page" ', 1))


def _statement_or_404(code: str):
    statement = read_queries.statement_by_read_code(code[:16])
    if statement is None:
        abort(404)
    return statement


@read_bp.route("/s/<code>", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config.get("READ_CONFIRMATION_RATE_LIMIT", DEFAULT_READ_RATE_LIMIT), methods=["POST"]
)
def confirm(code: str):
    statement = _statement_or_404(code)
    form = ReadForm()
    if form.validate_on_submit() and web.run(
        form,
        services.confirm_read,
        statement,
        confirmed=form.confirmed.data,
        first_name=form.first_name.data,
        role=form.role.data,
    ):
        return redirect(url_for(".thanks", code=code))
    return render_template(
        "statements/read_confirm.html",
        statement=statement,
        sections=queries.statement_sections(statement),
        form=form,
    )


@read_bp.route("/s/<code>/thanks")
def thanks(code: str):
    return render_template("statements/read_thanks.html", statement=_statement_or_404(code))
