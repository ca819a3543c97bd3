"""Following a child across rounds: linking a case to the same child's case in an earlier round."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app import web
from app.audits import bp, queries, services
from app.audits.forms import EmptyForm, PreviousCaseForm
from app.audits.models import AGE_BANDS, ETHNICITIES, GENDERS
from app.permissions import roles_required

STAFF = ("admin", "qa")


def case_page_context(case, form: PreviousCaseForm | None = None) -> dict:
    """What the case page's "earlier audit of this child" block needs."""
    return {
        "previous": queries.previous_case_view(current_user, case),
        "previous_form": form or PreviousCaseForm(formdata=None),
        "unlink_form": EmptyForm(formdata=None),
    }


@bp.route("/cases/<int:case_id>/previous", methods=["POST"])
@roles_required(*STAFF)
def link_previous_case(case_id: int):
    case = queries.get_case(case_id)
    form = PreviousCaseForm()
    if form.validate_on_submit():
        previous = web.run(form, services.link_previous_case, case, reference=form.reference.data, actor=current_user)
        if previous:
            flash(f"Case {case.reference} linked to case {previous.reference} in {previous.round.title}.", "success")
            return redirect(url_for("audits.case", case_id=case_id))
    return render_template(
        "audits/case.html",
        case=case,
        audit_round=case.round,
        assignments=queries.assignment_views(case),
        labels={"age_band": AGE_BANDS, "gender": GENDERS, "ethnicity": ETHNICITIES},
        **case_page_context(case, form),
    )


@bp.route("/cases/<int:case_id>/previous/remove", methods=["POST"])
@roles_required(*STAFF)
def unlink_previous_case(case_id: int):
    case = queries.get_case(case_id)
    form = EmptyForm()
    if form.validate_on_submit() and web.run_or_flash(services.unlink_previous_case, case, actor=current_user):
        flash(f"Case {case.reference} is no longer linked to an earlier case.", "success")
    return redirect(url_for("audits.case", case_id=case_id))
