"""Append-only activity log: who did what to which record, and when."""

from flask import Blueprint

bp = Blueprint("activity", __name__, url_prefix="/admin/activity")

from app.activity.services import record  # noqa: E402,F401
from app.activity import routes  # noqa: E402,F401
