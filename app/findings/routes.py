"""Findings pages: thin views over app.findings.figures / queries / services (the report's agreed findings and
their actions: app/findings/report_routes.py)."""

from __future__ import annotations


from flask import Response, abort, render_template, request, stream_with_context, url_for
from flask_login import current_user

from app.accounts.models import ORG_TYPE_LABELS, Organisation
from app.permissions import is_partnership_staff, roles_required
from app.accounts.queries import organisation_choices
from app.actions import access as actions_access
from app.actions.queries import is_overdue
from app.audits.queries import panel_report
from app import jobs
from app.extensions import db
from app.findings import access, bp, charts, export, export_jobs, export_limit, figures, page_limit, queries, retest
from app.findings.models import FINDING_HEADINGS
from app.questionnaire import all_catalogues, theme_titles
from app.utils import today

READERS = access.READERS
STAFF = access.STAFF


def _own_name(organisation_id: int | None) -> str | None:
    if organisation_id is None:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    return organisation.name if organisation else "Your organisation"


def _csv_response(rows, download_name: str):
    """Stream the CSV. The rows are produced after the view has returned and its database session has ended, so
    the generator must hold plain values only (ids, a catalogue), never ORM instances; stream_with_context gives it
    a fresh session, closed when the last row is sent."""
    return Response(
        stream_with_context(export.csv_lines(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{download_name}"'},
    )


@bp.context_processor
def findings_helpers():
    def coverage_rows(coverage) -> list[dict]:
        return [{"key": {"text": key}, "value": {"text": str(value)}} for key, value in export.coverage_items(coverage)]

    return {
        "theme_titles": theme_titles(),
        "coverage_rows": coverage_rows,
        "can_open_action": lambda action: actions_access.can_open_action(current_user, action),
        "can_open_tracker": lambda: actions_access.can_open_tracker(current_user),
    }


# --- index ---------------------------------------------------------------------------------------------------


@bp.route("/")
@page_limit
@roles_required(*READERS)
def index():
    organisation_id = access.own_organisation(current_user)
    rounds = queries.visible_rounds(organisation_id=organisation_id)
    campaigns = queries.visible_campaigns(organisation_id=organisation_id)
    catalogues = all_catalogues()
    used = {t for c in catalogues.values() for q in c.questions.values() for t in q.themes}
    titles = theme_titles()
    themes = [(key, title) for key, title in titles.items() if key in used]
    reported = (
        {row.instrument_key for row in rounds}
        | {row.instrument_key for row in campaigns}
        | {row.survey_key for row in campaigns if row.survey_key}
    )
    trends = sorted((c for key, c in catalogues.items() if key in reported), key=lambda c: c.title)
    return render_template(
        "findings/index.html",
        rounds=rounds,
        campaigns=campaigns,
        themes=themes,
        trends=trends,
        organisation_id=organisation_id,
        staff=organisation_id is None,
    )


# --- rounds --------------------------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>")
@page_limit
@roles_required(*READERS)
def round_findings(round_id: int):
    audit_round, organisation_id = access.round_for(current_user, round_id)
    data = figures.round_figures(audit_round)
    if organisation_id is not None:
        data = figures.own_view(data, organisation_id)
    own_name = _own_name(organisation_id)
    findings = queries.findings_for(round_id=audit_round.id)
    return render_template(
        "findings/round.html",
        audit_round=audit_round,
        figures=data,
        agreement=figures.round_agreement_figures(audit_round, organisation_id, figures=data),
        staff=organisation_id is None,
        own_name=own_name,
        charts=charts.round_charts(data, own_name=own_name),
        findings=findings,
        actions_of=access.report_actions(findings, organisation_id),
        headings=FINDING_HEADINGS,
        today=today(),
        is_overdue=is_overdue,
        panel=panel_report(audit_round),
        **retest.page_context(audit_round, organisation_id, current_user),
    )


@bp.route("/rounds/<int:round_id>/findings.xlsx", methods=["GET", "POST"])
@export_limit
@roles_required(*READERS)
def round_export(round_id: int):
    audit_round, organisation_id = access.round_for(current_user, round_id)
    return jobs.offer_or_start(
        export_jobs.ROUND_KIND,
        {"round_id": audit_round.id, "organisation_id": organisation_id},
        title=f"Findings workbook: {audit_round.title}",
        back_url=url_for("findings.round_findings", round_id=audit_round.id),
    )


@bp.route("/rounds/<int:round_id>/responses.csv")
@export_limit
@roles_required(*READERS)
def round_csv(round_id: int):
    audit_round, organisation_id = access.round_for(current_user, round_id)
    rows = export.round_response_rows(
        audit_round.id, figures.round_catalogue(audit_round), organisation_id=organisation_id
    )
    return _csv_response(rows, f"{export_jobs.slug(audit_round.title)}-responses.csv")


# --- campaigns -----------------------------------------------------------------------------------------------


@bp.route("/campaigns/<int:campaign_id>")
@page_limit
@roles_required(*READERS)
def campaign_findings(campaign_id: int):
    campaign, organisation_id = access.campaign_for(current_user, campaign_id)
    area = _area(campaign, organisation_id)
    data = figures.campaign_figures(campaign, area=area)
    survey_own = None
    if organisation_id is not None:
        survey_own = next(
            (o for o in (data.get("survey") or {}).get("organisations", []) if o["id"] == organisation_id), None
        )
        data = figures.own_view(data, organisation_id)
    own_name = _own_name(organisation_id)
    findings = queries.findings_for(campaign_id=campaign.id)
    return render_template(
        "findings/campaign.html",
        campaign=campaign,
        figures=data,
        staff=organisation_id is None,
        own_name=own_name,
        survey_own=survey_own,
        charts=charts.campaign_charts(data, own_name=own_name),
        findings=findings,
        actions_of=access.report_actions(findings, organisation_id),
        headings=FINDING_HEADINGS,
        today=today(),
        is_overdue=is_overdue,
        org_type_labels=ORG_TYPE_LABELS,
        areas=figures.campaign_areas(campaign.id) if organisation_id is None else [],
        area=area,
    )


@bp.route("/campaigns/<int:campaign_id>/findings.xlsx", methods=["GET", "POST"])
@export_limit
@roles_required(*READERS)
def campaign_export(campaign_id: int):
    campaign, organisation_id = access.campaign_for(current_user, campaign_id)
    area = _area(campaign, organisation_id)
    return jobs.offer_or_start(
        export_jobs.CAMPAIGN_KIND,
        {"campaign_id": campaign.id, "organisation_id": organisation_id, "area": area},
        title=f"Findings workbook: {campaign.title}" + (f" ({area})" if area else ""),
        back_url=url_for("findings.campaign_findings", campaign_id=campaign.id, area=area),
    )


@bp.route("/campaigns/<int:campaign_id>/responses.csv")
@export_limit
@roles_required(*READERS)
def campaign_csv(campaign_id: int):
    campaign, organisation_id = access.campaign_for(current_user, campaign_id)
    rows = export.campaign_response_rows(
        campaign.id,
        figures.campaign_catalogue(campaign),
        organisation_id=organisation_id,
        area=_area(campaign, organisation_id),
    )
    return _csv_response(
        rows, f"{export_jobs.slug(campaign.title)}{_area_slug(campaign, organisation_id)}-responses.csv"
    )


def _area(campaign, organisation_id: int | None) -> str | None:
    return figures.chosen_area(campaign.id, request.args.get("area"), organisation_id)


def _area_slug(campaign, organisation_id: int | None) -> str:
    area = _area(campaign, organisation_id)
    return f"-{export_jobs.slug(area)}" if area else ""


# --- trends, themes, organisations ---------------------------------------------------------------------------


@bp.route("/trends/<key>")
@page_limit
@roles_required(*READERS)
def trends(key: str):
    trend = figures.trend_figures(key, **access.trend_scope(current_user))
    if trend is None:
        abort(404)
    access.mark_openable(current_user, trend["periods"])
    chosen = charts.chosen_questions(trend, request.args.getlist("question"))
    return render_template(
        "findings/trends.html",
        trend=trend,
        theme_chart=charts.small_multiples("chart-trend-themes", trend, title="Themes over time"),
        question_chart=charts.small_multiples(
            "chart-trend-questions", trend, items_key="questions", title="Chosen questions over time", keys=chosen
        ),
        question_choices=charts.question_choices(trend),
        chosen=chosen,
    )


@bp.route("/themes/<key>")
@page_limit
@roles_required(*READERS)
def theme(key: str):
    titles = theme_titles()
    if key not in titles:
        abort(404)
    scope = access.trend_scope(current_user)
    staff = scope["organisation_id"] is None
    data = figures.theme_figures(key, **scope)
    access.mark_openable(current_user, [source["period"] for source in data["sources"]])
    return render_template(
        "findings/theme.html",
        theme_key=key,
        theme_title=titles[key],
        description=figures.theme_description(key),
        figures=data,
        theme_chart=charts.theme_sources_chart("chart-theme", data),
        staff=staff,
    )


@bp.route("/organisations/<int:organisation_id>")
@page_limit
@roles_required(*READERS)
def organisation(organisation_id: int):
    org = access.organisation_for(current_user, organisation_id)
    data = access.organisation_figures_for(current_user, org)
    access.mark_openable(current_user, data["rounds"] + data["campaigns"])
    spread_charts = {}
    for r in data["rounds"]:
        spread_charts[("round", r["id"])] = charts.spread_chart(
            f"chart-round-{r['id']}", r["themes"], own_name=org.name, title=f"{r['title']}: by theme"
        )
    for c in data["campaigns"]:
        spread_charts[("campaign", c["id"])] = charts.spread_chart(
            f"chart-campaign-{c['id']}", c["themes"], own_name=org.name, title=f"{c['title']}: criteria agreed Green"
        )
    return render_template(
        "findings/organisation.html",
        organisation=org,
        figures=data,
        charts=spread_charts,
        staff=is_partnership_staff(current_user),
        organisations=organisation_choices() if is_partnership_staff(current_user) else [],
    )
