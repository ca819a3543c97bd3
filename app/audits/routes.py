"""Case audit pages for QA and admins: running rounds, the case sample, responses and moderation (scoring pages:
app/audits/scoring_routes.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import web
from app.accounts.models import Organisation
from app.permissions import roles_required
from app.audits import bp, queries, services
from app.audits.agreement import MIN_CASES_FOR_ALPHA
from app.audits.forms import CaseForm, ConfirmForm, EmptyForm, ImportForm, ReturnForm, RoundForm
from app.audits.importer import COLUMN_TITLES, ImportFailed
from app.audits.longitudinal_routes import case_page_context
from app.audits.models import AGE_BANDS, ETHNICITIES, GENDERS, RoundState
from app.extensions import db
from app.questionnaire import (
    versions_of_kind,
)
from app.utils import today

STAFF = ("admin", "qa")
TRANSITIONS = {
    "open": ("Open the round for scoring", "Open round"),
    "moderation": ("Start moderation", "Start moderation"),
    "reopen": ("Reopen the round for scoring", "Reopen round"),
}


# ---------------------------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------------------------
def _round_choices(form: RoundForm) -> bool:
    versions = versions_of_kind("case_audit")
    if form.instrument_version_id is not None:
        form.instrument_version_id.choices = [SelectChoice(v.id, v.label) for v in versions]
    if form.organisation_ids is not None:
        orgs = db.session.execute(
            sa.select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
        ).scalars()
        form.organisation_ids.choices = [SelectChoice(o.id, f"{o.name} ({o.type_label})") for o in orgs]
    return bool(versions)


def _round_fields(form: RoundForm) -> dict:
    fields = {
        "title": form.title.data,
        "area": form.area.data,
        "period_start": form.period_start.data,
        "period_end": form.period_end.data,
        "due_date": form.due_date.data,
    }
    for name in ("instrument_version_id", "auditor_mode", "organisation_ids"):
        if getattr(form, name) is not None:
            fields[name] = getattr(form, name).data
    return fields


@bp.route("/")
@roles_required(*STAFF)
def rounds():
    return render_template("audits/rounds.html", rows=queries.list_rounds())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_round():
    form = RoundForm()
    has_instruments = _round_choices(form)
    if form.validate_on_submit():
        audit_round = web.run(form, services.create_round, **_round_fields(form), actor=current_user)
        if audit_round:
            flash(f"Audit round “{audit_round.title}” created. Add the cases to audit next.", "success")
            return redirect(url_for("audits.round", round_id=audit_round.id))
    return render_template("audits/round_form.html", form=form, audit_round=None, has_instruments=has_instruments)


@bp.route("/<int:round_id>", endpoint="round")
@roles_required(*STAFF)
def show_round(round_id: int):
    audit_round = queries.get_round(round_id)
    progress = queries.round_progress(audit_round)
    if audit_round.purged_at is not None:
        figures = (audit_round.figures_snapshot or {}).get("agreement")
    elif any(p.submitted for p in progress):
        figures = queries.agreement_snapshot(audit_round)
    else:
        figures = None
    return render_template(
        "audits/round.html",
        audit_round=audit_round,
        progress=progress,
        figures=figures,
        min_cases_for_alpha=MIN_CASES_FOR_ALPHA,
        instrument=queries.instrument_of(audit_round),
        today=today(),
    )


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_round(round_id: int):
    audit_round = queries.get_round(round_id)
    if audit_round.state == RoundState.closed:
        flash("This round is closed, so its details can no longer change.", "error")
        return redirect(url_for("audits.round", round_id=round_id))
    form = RoundForm(obj=audit_round if request.method == "GET" else None)
    if audit_round.state != RoundState.draft:
        form.limit_to_details()
    elif request.method == "GET":
        form.auditor_mode.data = audit_round.auditor_mode.value
        form.organisation_ids.data = [o.id for o in audit_round.organisations]
    _round_choices(form)
    if form.validate_on_submit() and web.run(
        form, services.update_round, audit_round, **_round_fields(form), actor=current_user
    ):
        flash("Round details saved.", "success")
        return redirect(url_for("audits.round", round_id=round_id))
    return render_template("audits/round_form.html", form=form, audit_round=audit_round, has_instruments=True)


@bp.route("/<int:round_id>/<any(open, moderation, reopen):action>", methods=["GET", "POST"])
@roles_required(*STAFF)
def change_state(round_id: int, action: str):
    audit_round = queries.get_round(round_id)
    form = ConfirmForm()
    waiting = queries.unsubmitted_count(audit_round) if action == "moderation" else 0
    if form.validate_on_submit():
        if action == "open":
            done = web.run(form, services.open_round, audit_round, actor=current_user)
        elif action == "moderation":
            done = web.run(
                form, services.start_moderation, audit_round, confirm_unsubmitted=form.confirm.data, actor=current_user
            )
        else:
            done = web.run(form, services.reopen_round, audit_round, actor=current_user)
        if done:
            flash(f"“{audit_round.title}” is now {audit_round.state.phrase}.", "success")
            return redirect(url_for("audits.round", round_id=round_id))
    title, button = TRANSITIONS[action]
    return render_template(
        "audits/change_state.html",
        audit_round=audit_round,
        form=form,
        action=action,
        title=title,
        button=button,
        waiting=waiting,
        today=today(),
    )


@bp.route("/<int:round_id>/close", methods=["GET", "POST"])
@roles_required(*STAFF)
def close_round(round_id: int):
    audit_round = queries.get_round(round_id)
    unmoderated = [c for c in audit_round.cases if c.moderation is None]
    reasons = {c.id: c.not_moderated_reason or "" for c in unmoderated}
    errors: dict[str, str] = {}
    form = EmptyForm()
    if form.validate_on_submit():
        reasons = {c.id: request.form.get(f"reason_{c.id}", "") for c in unmoderated}
        errors = web.run_fields(services.close_round, audit_round, reasons=reasons, actor=current_user)
        if not errors:
            flash(f"“{audit_round.title}” is closed.", "success")
            return redirect(url_for("audits.round", round_id=round_id))
    return render_template(
        "audits/close.html", audit_round=audit_round, unmoderated=unmoderated, reasons=reasons, errors=errors, form=form
    )


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


# ---------------------------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------------------------
@bp.route("/<int:round_id>/disagreements")
@roles_required(*STAFF)
def disagreements(round_id: int):
    audit_round = queries.get_round(round_id)
    return render_template(
        "audits/disagreements.html", audit_round=audit_round, rows=queries.disagreement_queue(audit_round)
    )


def _per_agency(own: dict[tuple[str, int], str], field: str | None = None) -> dict[str, dict[int, str | None]]:
    """question key -> organisation id -> the agency's own answer, or (`field`) what the form posted for it."""
    result: dict[str, dict[int, str | None]] = {}
    for (key, org_id), answer in own.items():
        posted = request.form.get(f"{field}__{key}__{org_id}") if field else answer
        if posted is not None or field == "comment":  # an agency whose answer was not posted keeps what it had
            result.setdefault(key, {})[org_id] = posted
    return result


@bp.route("/cases/<int:case_id>/moderate", methods=["GET", "POST"])
@roles_required(*STAFF)
def moderate(case_id: int):
    case = queries.get_case(case_id)
    audit_round = case.round
    instrument = queries.instrument_of(audit_round)
    grid = queries.case_grid(case, instrument)
    moderated = queries.moderated_answers(case)
    moderation = case.moderation
    own = queries.agency_answers(case, instrument)
    values = {
        "ratings": {k: m.value for k, m in moderated.items()},
        "comments": {k: m.comment for k, m in moderated.items()},
        # Each agency's own answer to a question about its own work is where its agreed answer starts.
        "agency_ratings": _per_agency(own),
        "agency_comments": {},
        "overall_grade": moderation.overall_grade if moderation else None,
        "strengths": moderation.strengths if moderation else None,
        "areas_for_improvement": moderation.areas_for_improvement if moderation else None,
        "learning": moderation.learning if moderation else None,
    }
    if moderation is None:  # start from the agencies' consensus where they all agree
        for row in grid.rows:
            answered = {str(c.value) for c in row.cells if c.value is not None}
            if row.question.kind.is_rating and not row.question.about_agency and len(answered) == 1:
                if row.question.overall:
                    values["overall_grade"] = answered.pop()
                else:
                    values["ratings"][row.question.key] = answered.pop()
    for (key, org_id), m in queries.agency_moderated_answers(case).items():
        if (key, org_id) in own:
            values["agency_ratings"][key][org_id] = m.value
            values["agency_comments"].setdefault(key, {})[org_id] = m.comment
    errors: dict[str, str] = {}
    form = EmptyForm()
    if form.validate_on_submit():
        rated = queries.rated_questions(instrument)
        values = {
            "ratings": {q.key: request.form.get(f"rating__{q.key}") for q in rated if not q.overall},
            "comments": {q.key: request.form.get(f"comment__{q.key}") for q in rated},
            "agency_ratings": _per_agency(own, "rating"),
            "agency_comments": _per_agency(own, "comment"),
            "overall_grade": request.form.get("overall_grade"),
            "strengths": request.form.get("strengths"),
            "areas_for_improvement": request.form.get("areas_for_improvement"),
            "learning": request.form.get("learning"),
        }
        errors = web.run_fields(services.save_moderation, case, actor=current_user, **values)
        if not errors:
            flash(f"Moderation of case {case.reference} saved.", "success")
            return redirect(
                url_for("audits.disagreements", round_id=audit_round.id)
                if request.form.get("next") == "queue"
                else url_for("audits.round", round_id=audit_round.id)
            )
    return render_template(
        "audits/moderate.html",
        case=case,
        audit_round=audit_round,
        instrument=instrument,
        grid=grid,
        layout=queries.moderation_layout(grid, instrument, values, errors),
        values=values,
        errors=errors,
        form=form,
        editable=audit_round.state == RoundState.moderation,
        overall=instrument.overall_question,
    )
