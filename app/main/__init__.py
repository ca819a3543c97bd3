"""Dashboard, health check and the service's information pages."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from app.main import routes  # noqa: E402,F401


def init_app(app):
    from app.main.navigation import nav_items, optional_url
    from app.permissions import viewer

    app.jinja_env.globals["viewer"] = viewer
    app.jinja_env.globals["optional_url"] = optional_url
    app.jinja_env.globals["nav_items"] = lambda: nav_items(viewer())
