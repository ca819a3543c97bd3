"""Re-rating a criterion during the year (the organisation's lead or partnership staff), once its actions are
closed: the page shows the rating at submission, every re-rating since, and takes the new current rating."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app import web
from app.permissions import is_partnership_staff, roles_required
from app.selfassessment import access, bp, queries, services
from app.selfassessment.campaign_forms import RerateForm


@bp.route("/returns/<int:return_id>/criteria/<question_key>/rerate", methods=["GET", "POST"])
@roles_required("org_lead", "admin", "qa")
def rerate(return_id: int, question_key: str):
    ret = access.return_for_rerating(current_user, return_id)
    view = queries.return_view(ret)
    criterion = view.criterion(question_key)
    if criterion is None or criterion.answer is None:
        abort(404)
    problem = queries.rerating_problem(ret, criterion)
    form = RerateForm()
    if problem is None and form.validate_on_submit():
        if web.run(
            form,
            services.rerate_criterion,
            ret,
            question_key,
            rag=form.rag.data,
            reason=form.reason.data,
            actor=current_user,
        ):
            flash("Current rating saved. The rating at submission is kept beside it.", "success")
            endpoint = "selfassessment.review" if is_partnership_staff(current_user) else "selfassessment.task_list"
            return redirect(url_for(endpoint, return_id=ret.id) + f"#criterion-{question_key}")
    return render_template(
        "selfassessment/rerate.html",
        form=form,
        ret=ret,
        campaign=ret.campaign,
        criterion=criterion,
        problem=problem,
        is_staff=is_partnership_staff(current_user),
    )


@bp.route("/returns/<int:return_id>/ratings")
@roles_required("org_lead", "admin", "qa")
def ratings(return_id: int):
    """Every rated criterion of the return: its rating at submission, its current rating, and whether it may be
    re-rated now (and why not)."""
    ret = access.return_for_rerating(current_user, return_id)
    view = queries.return_view(ret)
    rows = [
        (criterion, queries.rerating_problem(ret, criterion))
        for section_view in view.sections
        for criterion in section_view.criteria
        if criterion.rag is not None
    ]
    return render_template(
        "selfassessment/ratings.html",
        ret=ret,
        campaign=ret.campaign,
        rows=rows,
        is_staff=is_partnership_staff(current_user),
    )
