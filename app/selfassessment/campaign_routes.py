"""Campaign pages (partnership staff): the list, a new campaign, the board, opening and closing (each confirmed
first), the due date, one organisation's extension, and triangulation with the practitioner survey."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.paging import page_arg, page_of
from app.permissions import roles_required
from app.questionnaire import theme_titles
from app.selfassessment import access, bp, queries, services
from app.selfassessment.campaign_forms import CampaignForm, ConfirmForm, DueDateForm, ExtensionForm

from app.selfassessment.models import CampaignState, ReturnState
from app.utils import govuk_date

STAFF = ("admin", "qa")


@bp.route("/campaigns")
@roles_required(*STAFF)
def campaigns():
    return render_template("selfassessment/campaigns.html", campaigns=queries.campaigns())


@bp.route("/campaigns/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_campaign():
    form = CampaignForm()
    if form.validate_on_submit():
        campaign = web.run(
            form,
            services.create_campaign,
            title=form.title.data,
            instrument_version_id=form.instrument_version_id.data,
            survey_version_id=form.survey_id,
            cycle=form.cycle.data.strip(),
            due_date=form.due_date.data,
            org_types=form.org_types.data,
            actor=current_user,
        )
        if campaign:
            flash(
                f"Campaign “{campaign.title}” created. Open it when you are ready for organisations to start.",
                "success",
            )
            return redirect(url_for("selfassessment.campaign", campaign_id=campaign.id))
    return render_template("selfassessment/campaign_form.html", form=form)


@bp.route("/campaigns/<int:campaign_id>")
@roles_required(*STAFF)
def campaign(campaign_id: int):
    campaign = queries.get_campaign(campaign_id)
    return render_template(
        "selfassessment/campaign.html",
        campaign=campaign,
        board=queries.campaign_board(campaign),
        return_states=list(ReturnState),
        rerated=queries.rerated_criteria(campaign.id),
        question_texts={q.key: q.text for q in queries.instrument_of(campaign).questions()},
    )


# Opening and closing are confirmed on a page of their own: the page says what will happen, and only its button
# (ConfirmForm) makes the change.
MOVES = {
    "open": (services.open_campaign, "opened"),
    "close": (services.close_campaign, "closed"),
}


@bp.route("/campaigns/<int:campaign_id>/open", methods=["GET", "POST"])
@roles_required(*STAFF)
def open_campaign(campaign_id: int):
    return _confirmed_move(campaign_id, "open")


@bp.route("/campaigns/<int:campaign_id>/close", methods=["GET", "POST"])
@roles_required(*STAFF)
def close_campaign(campaign_id: int):
    return _confirmed_move(campaign_id, "close")


def _confirmed_move(campaign_id: int, move: str):
    campaign = queries.get_campaign(campaign_id)
    form = ConfirmForm()
    service, verb = MOVES[move]
    if form.validate_on_submit():
        if web.run_or_flash(service, campaign, actor=current_user):
            flash(f"Campaign {verb}.", "success")
        return redirect(url_for("selfassessment.campaign", campaign_id=campaign_id))
    board = queries.campaign_board(campaign)
    return render_template(
        f"selfassessment/campaign_{move}.html",
        form=form,
        campaign=campaign,
        board=board,
        invited=len(queries.invited_organisations(campaign)),
    )


@bp.route("/campaigns/<int:campaign_id>/due-date", methods=["GET", "POST"])
@roles_required(*STAFF)
def campaign_due_date(campaign_id: int):
    campaign = queries.get_campaign(campaign_id)
    form = DueDateForm(data={"due_date": campaign.due_date} if request.method == "GET" else None)
    if form.validate_on_submit() and web.run(
        form, services.change_due_date, campaign, form.due_date.data, actor=current_user
    ):
        flash("Due date changed. Reminders and overdue tags follow the new date.", "success")
        return redirect(url_for("selfassessment.campaign", campaign_id=campaign.id))
    return render_template(
        "selfassessment/campaign_due_date.html",
        form=form,
        campaign=campaign,
        closed=campaign.state == CampaignState.closed,
    )


@bp.route("/returns/<int:return_id>/extension", methods=["GET", "POST"])
@roles_required(*STAFF)
def extension(return_id: int):
    ret = access.return_for_review(current_user, return_id)
    form = ExtensionForm(
        data={"extended_to": ret.extended_to, "reason": ret.extension_reason}
        if request.method == "GET" and ret.extended_to
        else None
    )
    if form.validate_on_submit() and web.run(
        form, services.extend_return, ret, form.extended_to.data, reason=form.reason.data, actor=current_user
    ):
        flash(f"{ret.organisation.name} now has until {govuk_date(ret.due_date)} to submit its return.", "success")
        return redirect(url_for("selfassessment.review", return_id=ret.id))
    return render_template("selfassessment/extension.html", form=form, ret=ret, campaign=ret.campaign)


@bp.route("/returns/<int:return_id>/extension/remove", methods=["POST"])
@roles_required(*STAFF)
def remove_extension(return_id: int):
    ret = access.return_for_review(current_user, return_id)
    if web.run_or_flash(services.remove_extension, ret, actor=current_user):
        flash("Extension removed. The return is due on the campaign’s date again.", "success")
    return redirect(url_for("selfassessment.review", return_id=ret.id))


@bp.route("/campaigns/<int:campaign_id>/triangulation")
@roles_required(*STAFF)
def triangulation(campaign_id: int):
    campaign = queries.get_campaign(campaign_id)
    everything = queries.triangulation(campaign.id)
    filters = {name: request.args.get(name, "") for name in ("org_type", "theme", "show")}
    rows = queries.filter_triangulation(everything, **filters)
    page = page_arg()
    titles = theme_titles()
    return render_template(
        "selfassessment/triangulation.html",
        campaign=campaign,
        results=page_of(rows, page),
        mismatches=sum(1 for row in rows if row.mismatch),
        anything=bool(everything),
        org_types=sorted({row.org_type for row in everything}),
        themes=[(key, titles.get(key, key)) for key in queries.shared_themes(campaign)],
        shows=queries.TRIANGULATION_SHOWS,
        args=request.args,
        minimum=queries.min_cell_size(),
        threshold=queries.agreement_threshold(),
    )
