"""The instrument studio: admins and the QA sub-group build, check, preview and publish instruments in the browser.

Drafts hold a definition in exactly the shape of an instrument file; the engine's own rules check it
and the questionnaire store publishes it as an immutable version.
"""

from flask import Blueprint

bp = Blueprint("studio", __name__, url_prefix="/admin/instruments/studio")

from app.studio import edit_routes, option_routes, preview_routes, routes  # noqa: E402,F401
