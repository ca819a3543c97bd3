"""Actions: what an organisation will do about a finding, a self-assessment rating or a statement risk, by when,
with dated progress notes; the action tracker and each action's page.

Features raise actions through app.actions.services and describe where their actions come from by registering an
ActionSource (app.actions.sources); this feature depends only on the core, accounts and notifications. Overdue
actions of every source are reminded to their owners and escalated (app.actions.reminders, app.actions.escalation).
"""

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/findings")


def init_app(app) -> None:
    from app.actions import escalation
    from app.actions.panels import actions_panel
    from app.actions.reminders import overdue_action_reminders
    from app.main.dashboard import register_panel_provider
    from app.notifications.services import register_reminder_provider

    register_panel_provider(actions_panel)
    register_reminder_provider(overdue_action_reminders)
    escalation.declare_settings()


from app.actions import routes  # noqa: E402,F401
