"""Case audit pages for QA and admins: the case sample of a round, each agency's assignment, and the responses
QA may read and return."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.permissions import roles_required
from app.audits import bp, queries, services
from app.audits.forms import CaseForm, EmptyForm, ImportForm, ReturnForm
from app.audits.importer import COLUMN_TITLES, ImportFailed
from app.audits.longitudinal_routes import case_page_context
from app.audits.models import AGE_BANDS, ETHNICITIES, GENDERS
from app.audits.routes import STAFF


# ---------------------------------------------------------------------------------------------
# Case sample and assignments
# ---------------------------------------------------------------------------------------------
@bp.route("/<int:round_id>/cases/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def add_case(round_id: int):
    audit_round = queries.get_round(round_id)
    form = CaseForm()
    if form.validate_on_submit():
        case = web.run(
            form,
            services.add_case,
            audit_round,
            reference=form.reference.data,
            age_band=form.age_band.data,
            gender=form.gender.data,
            ethnicity=form.ethnicity.data,
            area=form.area.data,
            actor=current_user,
        )
        if case:
            flash(f"Case {case.reference} added.", "success")
            if request.form.get("another"):
                return redirect(url_for("audits.add_case", round_id=round_id))
            return redirect(url_for("audits.round", round_id=round_id))
    return render_template("audits/case_form.html", audit_round=audit_round, form=form)


@bp.route("/<int:round_id>/cases/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_cases(round_id: int):
    audit_round = queries.get_round(round_id)
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        imported = web.attempt(
            services.import_cases,
            audit_round,
            filename=upload.filename or "",
            content=upload.read(),
            actor=current_user,
        )
        if isinstance(imported.error, ImportFailed):
            problems = imported.error.problems
            form.file.errors = ["The file has problems, so no cases were imported: correct them and upload it again"]
        elif imported.error:
            web.show_error(form, imported.error)
        else:
            cases = imported.value
            flash(f"{len(cases)} case{'s' if len(cases) != 1 else ''} imported.", "success")
            return redirect(url_for("audits.round", round_id=round_id))
    return render_template(
        "audits/import.html",
        audit_round=audit_round,
        form=form,
        problems=problems,
        columns=COLUMN_TITLES,
        vocabularies={"Age band": AGE_BANDS, "Gender": GENDERS, "Ethnicity group": ETHNICITIES},
    )


@bp.route("/cases/<int:case_id>", endpoint="case")
@roles_required(*STAFF)
def show_case(case_id: int):
    case = queries.get_case(case_id)
    return render_template(
        "audits/case.html",
        case=case,
        audit_round=case.round,
        assignments=queries.assignment_views(case),
        labels=_case_labels(),
        **case_page_context(case),
    )


def _case_labels() -> dict:
    return {"age_band": AGE_BANDS, "gender": GENDERS, "ethnicity": ETHNICITIES}


@bp.route("/cases/<int:case_id>/assignments", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_assignments(case_id: int):
    case = queries.get_case(case_id)
    audit_round = case.round
    current = {a.organisation_id: a.auditor_id for a in case.assignments}
    form = EmptyForm()
    error = None
    if form.validate_on_submit():
        chosen = set(request.form.getlist("organisation_id"))
        current = {
            o.id: (request.form.get(f"auditor_{o.id}") or None)
            for o in audit_round.organisations
            if str(o.id) in chosen
        }
        saved = web.attempt(services.set_assignments, case, auditors=current, actor=current_user)
        error = saved.error
        if saved:
            flash(f"Assignments for case {case.reference} saved.", "success")
            return redirect(url_for("audits.case", case_id=case_id))
    return render_template(
        "audits/assignments.html",
        case=case,
        audit_round=audit_round,
        current=current,
        auditors=queries.eligible_auditors(audit_round),
        error=error,
        form=form,
    )


@bp.route("/cases/<int:case_id>/remove", methods=["GET", "POST"])
@roles_required(*STAFF)
def remove_case(case_id: int):
    case = queries.get_case(case_id)
    audit_round = case.round
    form = EmptyForm()
    if form.validate_on_submit():
        if not web.run_or_flash(services.remove_case, case, actor=current_user):
            return redirect(url_for("audits.case", case_id=case_id))
        flash(f"Case {case.reference} removed.", "success")
        return redirect(url_for("audits.round", round_id=audit_round.id))
    return render_template("audits/remove_case.html", case=case, audit_round=audit_round, form=form)


# ---------------------------------------------------------------------------------------------
# Responses (QA view) and returning them
# ---------------------------------------------------------------------------------------------
@bp.route("/responses/<int:assignment_id>")
@roles_required(*STAFF)
def response(assignment_id: int):
    assignment = queries.get_assignment(assignment_id)
    instrument = queries.instrument_of(assignment.case.round)
    return render_template(
        "audits/response.html",
        assignment=assignment,
        case=assignment.case,
        audit_round=assignment.case.round,
        instrument=instrument,
        answers=queries.answers_of(assignment.response, instrument),
        org_type=assignment.organisation.org_type,
        status=queries.status_of(assignment.response),
    )


@bp.route("/responses/<int:assignment_id>/return", methods=["GET", "POST"])
@roles_required(*STAFF)
def return_response(assignment_id: int):
    assignment = queries.get_assignment(assignment_id)
    form = ReturnForm()
    if form.validate_on_submit() and web.run(
        form, services.return_response, assignment, reason=form.reason.data, actor=current_user
    ):
        flash(f"Audit returned to {assignment.organisation.name}.", "success")
        return redirect(url_for("audits.case", case_id=assignment.case_id))
    return render_template(
        "audits/return.html", assignment=assignment, case=assignment.case, audit_round=assignment.case.round, form=form
    )
