"""Themed findings, charts, exports and the action tracker."""
from flask import Blueprint

bp = Blueprint("findings", __name__, url_prefix="/findings")


def init_app(app) -> None:
    from app.findings.panels import actions_panel
    from app.main.dashboard import register_panel_provider

    register_panel_provider(actions_panel)


from app.findings import routes  # noqa: E402,F401
