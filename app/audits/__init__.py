"""Multi-agency case audits: rounds, case samples, online scoring by each agency, moderation, agreement."""

from flask import Blueprint

bp = Blueprint("audits", __name__, url_prefix="/audits")


def init_app(app) -> None:
    from app.audits.reminders import assignment_reminders
    from app.audits.panels import rounds_panel, tasks_panel
    from app.main.dashboard import register_panel_provider
    from app.notifications.services import register_reminder_provider

    register_panel_provider(tasks_panel)
    register_panel_provider(rounds_panel)
    register_reminder_provider(assignment_reminders)


from app.audits import panel_routes, routes, scoring_routes  # noqa: E402,F401
