"""Signing off a return (the organisation's signatories, with their password) and withdrawing it from sign-off
(the organisation's lead, to change it)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app import web
from app.errors import PermissionDenied
from app.permissions import roles_required
from app.selfassessment import access, bp, queries, services
from app.selfassessment.review_forms import ConfirmForm, SignoffForm


@bp.route("/returns/<int:return_id>/sign-off", methods=["GET", "POST"])
@roles_required("signatory")
def sign_off(return_id: int):
    ret = access.return_for_view(current_user, return_id)
    refusal = queries.signoff_refusal(ret, current_user)
    if refusal:
        raise PermissionDenied(refusal)
    form = SignoffForm()
    if form.validate_on_submit():
        signed = web.run(
            form,
            services.sign_off_return,
            ret,
            current_user,
            password=form.password.data,
            expected_version=form.lock_version.data,
            fallback="password",
        )
        if signed:
            if ret.state.value == "submitted":
                flash("You signed off the self-assessment. Every sign-off is in, so it has been submitted.", "success")
            else:
                flash("You signed off the self-assessment. It is submitted once every sign-off is in.", "success")
            return redirect(url_for("selfassessment.task_list", return_id=ret.id))
    ret = access.return_for_view(current_user, return_id)
    form.lock_version.data = str(ret.lock_version)
    form.password.data = ""
    return render_template(
        "selfassessment/sign_off.html",
        form=form,
        ret=ret,
        campaign=ret.campaign,
        view=queries.return_view(ret),
        signoff=queries.signoff_lines(ret),
        can_sign=queries.can_sign_off_now(ret, current_user),
    )


@bp.route("/returns/<int:return_id>/withdraw", methods=["GET", "POST"])
@roles_required("org_lead")
def withdraw(return_id: int):
    ret = access.return_for_view(current_user, return_id)
    if not access.can_withdraw_return(current_user, ret):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit() and web.run(form, services.withdraw_from_signoff, ret, actor=current_user):
        flash("The return is back with you to change. Send it for sign-off again when it is ready.", "success")
        return redirect(url_for("selfassessment.task_list", return_id=ret.id))
    return render_template(
        "selfassessment/withdraw.html", form=form, ret=ret, campaign=ret.campaign, signoff=queries.signoff_lines(ret)
    )
