"""Themed findings, charts and exports; the findings a QA sub-group agrees, and the actions raised on them."""

from flask import Blueprint, current_app

from app.extensions import limiter, signed_in_user_or_address

bp = Blueprint("findings", __name__, url_prefix="/findings")

# Findings pages compute figures over whole rounds and campaigns and exports read every answer, so each person has a
# budget of their own (one bucket for all pages, another for all downloads) and cannot starve everyone else.
page_limit = limiter.shared_limit(
    lambda: current_app.config["FINDINGS_RATE_LIMIT"], scope="findings-pages", key_func=signed_in_user_or_address
)
export_limit = limiter.shared_limit(
    lambda: current_app.config["EXPORT_RATE_LIMIT"], scope="findings-exports", key_func=signed_in_user_or_address
)


def init_app(app) -> None:
    from app.findings import action_sources, contradictions, export_jobs, freshness, retest, services

    action_sources.register()
    export_jobs.register()
    retest.declare_settings()
    contradictions.declare_settings()
    freshness.subscribe()
    services.subscribe()


from app.findings import contradictions_routes, report_routes, routes  # noqa: E402,F401
