"""Campaigns (QA), returns (organisation leads), QA review and challenge."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from app import web
from app.permissions import is_partnership_staff, roles_required
from app.errors import StaleEdit
from app.questionnaire import SectionFlow
from app.selfassessment import access, bp, queries, services, survey_services
from app.selfassessment.forms import DeclarationForm, SectionPage
from app.selfassessment.models import ReturnState
from app.selfassessment.survey_forms import CloseSurveyForm, ResponseCodesForm
from app.uploads import send_stored
from app.utils import today

STAFF = ("admin", "qa")
RETURN_VIEWERS = ("org_lead", "admin", "qa")
# Signatories read their organisation's return, survey results and evidence, and sign it off; they change nothing.
RETURN_READERS = (*RETURN_VIEWERS, "signatory")


# ---------------------------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------------------------
@bp.route("/my-returns")
@roles_required("org_lead", "signatory")
def my_returns():
    organisation_id = current_user.organisation_id
    returns = queries.returns_for_organisation(organisation_id) if organisation_id else []
    return render_template(
        "selfassessment/my_returns.html",
        returns=returns,
        is_overdue=queries.is_overdue,
        to_sign=lambda ret: queries.can_sign_off_now(ret, current_user),
    )


def _page_context(ret, view=None):
    view = view or queries.return_view(ret)
    return {
        "ret": ret,
        "view": view,
        "campaign": ret.campaign,
        "editable": access.can_edit_return(current_user, ret),
        "is_staff": is_partnership_staff(current_user),
        "today_date": today(),
        "can_withdraw": access.can_withdraw_return(current_user, ret),
        "can_sign_off": queries.can_sign_off_now(ret, current_user),
        "can_reply": access.is_org_lead_of(current_user, ret.organisation_id),
    }


@bp.route("/returns/<int:return_id>")
@roles_required(*RETURN_READERS)
def task_list(return_id: int):
    ret = access.return_for_view(current_user, return_id)
    context = _page_context(ret)
    context["survey"] = queries.survey_status(queries.survey_link_for(ret.campaign_id, ret.organisation_id))
    context["signoff"] = queries.signoff_lines(ret) if queries.needs_signoff(ret) else []
    context["challenges"] = queries.challenge_summary(context["view"])
    return render_template("selfassessment/return.html", **context)


@bp.route("/returns/<int:return_id>/sections/<section_key>", methods=["GET", "POST"])
@roles_required(*RETURN_READERS)
def section(return_id: int, section_key: str):
    ret = access.return_for_view(current_user, return_id)
    view = queries.return_view(ret)
    section_view = view.section(section_key)
    if section_view is None:
        abort(404)
    editable = access.can_edit_return(current_user, ret)
    if request.method == "POST" and not current_user.has_role(*RETURN_VIEWERS):
        abort(403)  # signatories read the return; only its lead changes it
    if request.method == "GET" or not editable:
        if request.method == "POST":
            flash("This return can no longer be changed.", "error")
            return redirect(url_for("selfassessment.task_list", return_id=ret.id))
        return render_template(
            "selfassessment/section.html",
            page=SectionPage(view, section_view, return_to=request.args.get("return_to")),
            section_view=section_view,
            **_page_context(ret, view),
        )

    page = SectionPage(view, section_view, formdata=request.form, files=request.files)
    status = 200
    if page.validate():
        saved = web.attempt(services.save_section, ret, section_key, page.to_save(), actor=current_user)
        if isinstance(saved.error, StaleEdit):
            ret = access.return_for_view(current_user, return_id)
            page.conflict_with(saved.error.message, ret.lock_version)
            status = 409
        elif saved.error:
            page.discard_files()
            flash(saved.error.message, "error")
            return redirect(url_for("selfassessment.task_list", return_id=return_id))
        else:
            return _after_save(ret, view, section_key, page, saved.value)
    view = queries.return_view(ret)
    section_view = view.section(section_key)
    page.view, page.section_view = view, section_view
    return render_template(
        "selfassessment/section.html", page=page, section_view=section_view, **_page_context(ret, view)
    ), status


def _after_save(ret, view, section_key: str, page: SectionPage, result):
    here = url_for("selfassessment.section", return_id=ret.id, section_key=section_key, return_to=page.return_to)
    if page.add_action_key:
        flash("Action added. You can add another.", "success")
        return redirect(f"{here}#criterion-{page.add_action_key}")
    if page.remove_file_id is not None:
        flash("File removed.", "success")
        return redirect(here)
    step = SectionFlow([s.section.key for s in view.sections]).after_save(
        section_key, action=page.command, return_to=page.return_to
    )
    if step.kind == "task_list":
        flash("Your answers have been saved. You can come back to them at any time before the due date.", "success")
    return redirect(
        step.url(
            section=lambda key: url_for("selfassessment.section", return_id=ret.id, section_key=key),
            end=url_for("selfassessment.check_answers", return_id=ret.id),
            task_list=url_for("selfassessment.task_list", return_id=ret.id),
        )
    )


@bp.route("/returns/<int:return_id>/check", methods=["GET", "POST"])
@roles_required(*RETURN_READERS)
def check_answers(return_id: int):
    ret = access.return_for_view(current_user, return_id)
    form = DeclarationForm()
    problems, status = [], 200
    if request.method == "POST":
        if not access.can_edit_return(current_user, ret):
            abort(403)
        if form.validate_on_submit():
            submitted = web.attempt(
                services.send_for_signoff if queries.needs_signoff(ret) else services.submit_return,
                ret,
                confirmed=form.confirmed.data,
                declaration_name=form.declaration_name.data,
                expected_version=form.lock_version.data,
                actor=current_user,
            )
            if isinstance(submitted.error, services.ReturnIncomplete):
                problems = submitted.error.problems
                for name, message in submitted.error.declaration.items():
                    form[name].errors = [message]
            elif submitted.error:  # a stale page, or a return no longer open
                form.form_errors.append(submitted.error.message)
                status = 409
            else:
                return redirect(url_for("selfassessment.confirmation", return_id=ret.id))
    ret = access.return_for_view(current_user, return_id)
    form.lock_version.data = str(ret.lock_version)
    context = _page_context(ret)
    context["signoff"] = queries.signoff_lines(ret) if queries.needs_signoff(ret) else []
    return render_template(
        "selfassessment/check.html",
        form=form,
        submit_problems=problems,
        problem_items=lambda found: _problem_items(ret, found),
        **context,
    ), status


def _problem_items(ret, problems) -> list[dict]:
    """Error summary entries that link to the field on its section page."""
    return [
        {
            "text": p.message,
            "href": url_for("selfassessment.section", return_id=ret.id, section_key=p.section_key) + f"#{p.field_name}",
        }
        for p in problems
    ]


@bp.route("/returns/<int:return_id>/submitted")
@roles_required(*RETURN_READERS)
def confirmation(return_id: int):
    ret = access.return_for_view(current_user, return_id)
    try:
        actions_url = url_for("actions.tracker")
    except BuildError:
        actions_url = url_for("selfassessment.task_list", return_id=ret.id)
    return render_template(
        "selfassessment/confirmation.html",
        ret=ret,
        campaign=ret.campaign,
        actions_url=actions_url,
        signoff=queries.signoff_lines(ret) if ret.state == ReturnState.awaiting_signoff else [],
    )


@bp.route("/returns/<int:return_id>/changes")
@roles_required(*RETURN_READERS)
def changes(return_id: int):
    ret = access.return_for_view(current_user, return_id)
    view = queries.return_view(ret)
    return render_template(
        "selfassessment/changes.html", changes=queries.changes_since_last_cycle(view), **_page_context(ret, view)
    )


@bp.route("/returns/<int:return_id>/survey")
@roles_required(*RETURN_READERS)
def survey_results(return_id: int):
    ret = access.return_for_view(current_user, return_id)
    return render_template(
        "selfassessment/survey_results.html",
        ret=ret,
        campaign=ret.campaign,
        results=queries.survey_results(ret.campaign, ret.organisation_id),
    )


def _open_survey_link(ret):
    """The survey link of the return's organisation (404 when the campaign has no survey)."""
    link = queries.survey_link_for(ret.campaign_id, ret.organisation_id)
    if link is None:
        abort(404)
    return link


@bp.route("/returns/<int:return_id>/survey/codes", methods=["GET", "POST"])
@roles_required(*RETURN_VIEWERS)
def survey_codes(return_id: int):
    ret = access.return_for_view(current_user, return_id)
    link = _open_survey_link(ret)
    form = ResponseCodesForm()
    codes = None
    if form.validate_on_submit():
        codes = web.run(form, survey_services.create_response_codes, link, form.count.data, actor=current_user)
    return render_template(
        "selfassessment/survey_codes.html",
        ret=ret,
        campaign=ret.campaign,
        link=link,
        form=form,
        codes=codes,
        status=queries.survey_status(link),
    )


@bp.route("/returns/<int:return_id>/survey/close", methods=["GET", "POST"])
@roles_required(*RETURN_VIEWERS)
def close_survey(return_id: int):
    ret = access.return_for_view(current_user, return_id)
    link = _open_survey_link(ret)
    form = CloseSurveyForm()
    if form.validate_on_submit() and web.run(form, survey_services.close_survey, link, actor=current_user):
        flash("The survey has closed. These results will not change.", "success")
        return redirect(url_for("selfassessment.survey_results", return_id=ret.id))
    return render_template(
        "selfassessment/survey_close.html",
        ret=ret,
        campaign=ret.campaign,
        form=form,
        status=queries.survey_status(link),
    )


@bp.route("/evidence/<int:file_id>")
@roles_required(*RETURN_READERS)
def download_file(file_id: int):
    evidence = access.evidence_for_download(current_user, file_id)
    return send_stored(evidence.stored_name, evidence.original_name)
