"""Actions: what an organisation will do about a finding, a self-assessment rating or a statement risk, by when,
with dated progress notes; the action tracker and each action's page.

Features raise actions through app.actions.services and describe where their actions come from by registering an
ActionSource (app.actions.sources); this feature depends only on the core and accounts.
"""

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/findings")


def init_app(app) -> None:
    from app.actions.panels import actions_panel
    from app.main.dashboard import register_panel_provider

    register_panel_provider(actions_panel)


from app.actions import priorities_routes, routes, verification_routes  # noqa: E402,F401
