"""Multi-agency case audits: rounds, case samples, online scoring by each agency, moderation, agreement."""

from flask import Blueprint

bp = Blueprint("audits", __name__, url_prefix="/audits")


def init_app(app) -> None:
    from app.accounts.settings import declare_setting
    from app.audits.reminders import assignment_reminders
    from app.audits.services.concerns import LIVE_CONCERN_EMAILS
    from app.audits.panels import concerns_panel, rounds_panel, tasks_panel
    from app.main.dashboard import register_panel_provider
    from app.notifications.services import register_reminder_provider

    register_panel_provider(concerns_panel)
    register_panel_provider(tasks_panel)
    register_panel_provider(rounds_panel)
    register_reminder_provider(assignment_reminders)
    declare_setting(
        LIVE_CONCERN_EMAILS,
        label="Also tell these addresses of every live concern",
        hint="One email address a line, for example the partnership's safeguarding inbox. The QA group and the lead "
        "agency's organisation leads are always told.",
        kind="emails",
        default=[],
    )


from app.audits import case_routes, moderation_routes, panel_routes, routes, scoring_routes  # noqa: E402,F401
