"""Learning briefings: one-page 7-minute briefings drawn from a round's agreed findings, published to every
signed-in user and sent to organisation leads, who confirm they have cascaded them to their staff."""

from flask import Blueprint

bp = Blueprint("briefings", __name__, url_prefix="/briefings")

from app.briefings import routes  # noqa: E402,F401
