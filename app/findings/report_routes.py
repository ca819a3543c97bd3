"""Findings report pages for QA and admins: findings agreed under the report's headings for a round or a campaign,
and the actions raised from them (the figures pages: app/findings/routes.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.accounts.queries import organisation_choices
from app.findings import access, bp, page_limit, retest, services
from app.findings.forms import ActionForm, ConfirmForm, FindingForm
from app.findings.models import FINDING_HEADINGS
from app.permissions import roles_required
from app.questionnaire import theme_titles

STAFF = access.STAFF


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
        owner_organisation_id = form.owner_organisation()
        action = None
        if owner_organisation_id is not None:
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
