"""Annual safeguarding self-assessment: campaigns, returns, QA challenge and the anonymous practitioner survey."""

from flask import Blueprint

bp = Blueprint("selfassessment", __name__, url_prefix="/self-assessment")
# Practitioners reach the survey through a short public link, outside the signed-in area.
survey_bp = Blueprint("survey", __name__)
extra_blueprints = [survey_bp]


def init_app(app) -> None:
    from app.main.dashboard import register_panel_provider
    from app.notifications.services import register_reminder_provider
    from app.selfassessment import action_sources, membership
    from app.selfassessment.panels import org_lead_panel, signatory_panel, staff_panel
    from app.selfassessment.reminders import due_reminders

    register_panel_provider(org_lead_panel)
    register_panel_provider(signatory_panel)
    register_panel_provider(staff_panel)
    register_reminder_provider(due_reminders)
    action_sources.register()
    membership.register()


from app.selfassessment import (  # noqa: E402,F401
    campaign_routes,
    rating_routes,
    review_routes,
    routes,
    signoff_routes,
    survey_routes,
)
