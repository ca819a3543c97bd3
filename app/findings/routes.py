"""Findings pages: thin views over app.findings.figures / queries / services."""

from __future__ import annotations


from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from app import web
from app.accounts.models import ORG_TYPE_LABELS, Organisation
from app.permissions import is_partnership_staff, roles_required
from app.accounts.queries import organisation_choices
from app.actions import access as actions_access
from app.actions.queries import is_overdue
from app.audits.queries import panel_report
from app.extensions import db
from app.findings import access, bp, charts, export, export_limit, figures, page_limit, queries, retest, services
from app.findings import export_jobs
from app.findings.forms import ActionForm, ConfirmForm, FindingForm
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
        agreement=figures.round_agreement_figures(audit_round, organisation_id),
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
    return export_jobs.offer_or_start(
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
    data = figures.campaign_figures(campaign)
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
    )


@bp.route("/campaigns/<int:campaign_id>/findings.xlsx", methods=["GET", "POST"])
@export_limit
@roles_required(*READERS)
def campaign_export(campaign_id: int):
    campaign, organisation_id = access.campaign_for(current_user, campaign_id)
    return export_jobs.offer_or_start(
        export_jobs.CAMPAIGN_KIND,
        {"campaign_id": campaign.id, "organisation_id": organisation_id},
        title=f"Findings workbook: {campaign.title}",
        back_url=url_for("findings.campaign_findings", campaign_id=campaign.id),
    )


@bp.route("/campaigns/<int:campaign_id>/responses.csv")
@export_limit
@roles_required(*READERS)
def campaign_csv(campaign_id: int):
    campaign, organisation_id = access.campaign_for(current_user, campaign_id)
    rows = export.campaign_response_rows(
        campaign.id, figures.campaign_catalogue(campaign), organisation_id=organisation_id
    )
    return _csv_response(rows, f"{export_jobs.slug(campaign.title)}-responses.csv")


# --- trends, themes, organisations ---------------------------------------------------------------------------


@bp.route("/trends/<key>")
@page_limit
@roles_required(*READERS)
def trends(key: str):
    trend = figures.trend_figures(key, **access.trend_scope(current_user))
    if trend is None:
        abort(404)
    access.mark_openable(current_user, trend["periods"])
    return render_template(
        "findings/trends.html",
        trend=trend,
        theme_chart=charts.trend_lines("chart-trend-themes", trend, title="Themes over time"),
        question_chart=charts.trend_lines(
            "chart-trend-questions", trend, items_key="questions", title="Questions over time"
        ),
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


# --- findings (report headings) ------------------------------------------------------------------------------


def _finding_form(parent_kind: str, parent, finding=None):
    form = FindingForm(obj=finding)
    form.set_themes(theme_titles())
    if request.method == "GET" and finding is None:
        if request.args.get("heading") in FINDING_HEADINGS:
            form.heading.data = request.args["heading"]
        if request.args.get("theme"):
            form.themes.data = [request.args["theme"]]
        if request.args.get("text"):
            form.text.data = request.args["text"][:2000]
    back = url_for(f"findings.{parent_kind}_findings", **{f"{parent_kind}_id": parent.id}) + "#report"
    if form.validate_on_submit():
        if finding is None:
            saved = web.run(
                form,
                services.add_finding,
                heading=form.heading.data,
                text=form.text.data,
                themes=form.themes.data,
                actor=current_user,
                **{f"{parent_kind}_id": parent.id},
                fallback=web.FIRST_FIELD,
            )
        else:
            saved = web.run(
                form,
                services.edit_finding,
                finding,
                heading=form.heading.data,
                text=form.text.data,
                themes=form.themes.data,
                actor=current_user,
                fallback=web.FIRST_FIELD,
            )
        if saved:
            flash("Finding saved.", "success")
            return redirect(back)
    return render_template("findings/finding_form.html", form=form, parent=parent, finding=finding, back=back)


@bp.route("/rounds/<int:round_id>/findings/new", methods=["GET", "POST"])
@page_limit
@roles_required(*STAFF)
def new_round_finding(round_id: int):
    audit_round, _ = access.round_for(current_user, round_id)
    return _finding_form("round", audit_round)


@bp.route("/campaigns/<int:campaign_id>/findings/new", methods=["GET", "POST"])
@page_limit
@roles_required(*STAFF)
def new_campaign_finding(campaign_id: int):
    campaign, _ = access.campaign_for(current_user, campaign_id)
    return _finding_form("campaign", campaign)


def _finding_parent(finding):
    if finding.round_id is not None:
        return "round", access.round_for(current_user, finding.round_id)[0]
    return "campaign", access.campaign_for(current_user, finding.campaign_id)[0]


@bp.route("/items/<int:finding_id>/edit", methods=["GET", "POST"])
@page_limit
@roles_required(*STAFF)
def edit_finding(finding_id: int):
    finding = access.finding_for_staff(finding_id)
    kind, parent = _finding_parent(finding)
    return _finding_form(kind, parent, finding)


@bp.route("/items/<int:finding_id>/delete", methods=["GET", "POST"])
@page_limit
@roles_required(*STAFF)
def delete_finding(finding_id: int):
    finding = access.finding_for_staff(finding_id)
    kind, parent = _finding_parent(finding)
    back = url_for(f"findings.{kind}_findings", **{f"{kind}_id": parent.id}) + "#report"
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        deleted = web.attempt(services.delete_finding, finding, actor=current_user)
        error = deleted.error.message if deleted.error else None
        if deleted:
            flash("Finding deleted.", "success")
            return redirect(back)
    return render_template(
        "findings/finding_delete.html", form=form, finding=finding, back=back, error=error, headings=FINDING_HEADINGS
    )


# --- actions -------------------------------------------------------------------------------------------------


@bp.route("/items/<int:finding_id>/actions/new", methods=["GET", "POST"])
@page_limit
@roles_required(*STAFF)
def new_action(finding_id: int):
    finding = access.finding_for_staff(finding_id)
    kind, parent = _finding_parent(finding)
    back = url_for(f"findings.{kind}_findings", **{f"{kind}_id": parent.id}) + "#report"
    form = ActionForm()
    form.set_organisations(organisation_choices())
    form.offer_partnership_priorities()
    form.set_criteria(retest.criterion_choices(parent) if kind == "round" else [])
    if form.validate_on_submit():
        try:
            owner_organisation_id = int(form.owner_organisation_id.data)
        except ValueError:
            form.owner_organisation_id.errors = [
                *form.owner_organisation_id.errors,
                "Select the organisation responsible",
            ]
            action = None
        else:
            action = web.run(
                form,
                services.add_finding_action,
                finding,
                retest_question_key=form.retest_question_key.data if kind == "round" else None,
                description=form.description.data,
                owner_organisation_id=owner_organisation_id,
                owner_name=form.owner_name.data,
                due_date=form.due_date.data,
                priority=form.priority.data,
                partnership_priority_ids=form.partnership_priorities.data,
                actor=current_user,
                fallback=web.FIRST_FIELD,
            )
        if action:
            flash("Action added.", "success")
            return redirect(url_for("actions.action", action_id=action.id))
    return render_template(
        "findings/action_form.html", form=form, finding=finding, headings=FINDING_HEADINGS, back=back
    )
