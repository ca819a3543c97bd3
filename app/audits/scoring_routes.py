"""Case audit pages for auditors: their tasks, scoring a case section by section, and submitting."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.permissions import roles_required
from app.audits import bp, queries, services
from app.audits.forms import EmptyForm
from app.audits.models import ResponseState, RoundState
from app.errors import NotFound, PermissionDenied, StaleEdit
from app.questionnaire import (
    SectionFlow,
    build_section_form,
    form_answers,
    return_marker,
    section_status,
)
from app.utils import today

AUDITOR = ("auditor",)
SECTION_STATUS = {
    "not_started": ("Not yet started", "blue"),
    "in_progress": ("In progress", "light-blue"),
    "completed": ("Completed", None),
}


# ---------------------------------------------------------------------------------------------
# Scoring (auditors)
# ---------------------------------------------------------------------------------------------
@bp.route("/tasks")
@roles_required(*AUDITOR)
def my_tasks():
    tasks = queries.tasks_for(current_user, states=(RoundState.open, RoundState.moderation, RoundState.closed))
    return render_template("audits/my_tasks.html", tasks=tasks)


def _scoring_context(assignment_id: int) -> dict:
    assignment = queries.scoring_assignment(current_user, assignment_id)
    response = assignment.response
    if response is None:
        raise NotFound("This assignment has no response yet")
    instrument = queries.response_instrument(response)
    org_type = assignment.organisation.org_type
    return {
        "assignment": assignment,
        "response": response,
        "instrument": instrument,
        "org_type": org_type,
        "case": assignment.case,
        "audit_round": assignment.case.round,
        "sections": instrument.sections_for(org_type),
        "editable": services.is_editable(assignment),
        "answers": queries.answers_of(response, instrument),
    }


@bp.route("/tasks/<int:assignment_id>")
@roles_required(*AUDITOR)
def task_list(assignment_id: int):
    ctx = _scoring_context(assignment_id)
    statuses = {
        s.key: section_status(ctx["instrument"], s.key, ctx["answers"], ctx["org_type"]) for s in ctx["sections"]
    }
    return render_template(
        "audits/task_list.html",
        statuses=statuses,
        labels=SECTION_STATUS,
        complete=all(v == "completed" for v in statuses.values()),
        status=queries.status_of(
            ctx["response"],
            answered=any(a["value"] is not None or a["comment"] is not None for a in ctx["answers"].values()),
        ),
        today=today(),
        **ctx,
    )


@bp.route("/tasks/<int:assignment_id>/sections/<section_key>", methods=["GET", "POST"])
@roles_required(*AUDITOR)
def section(assignment_id: int, section_key: str):
    ctx = _scoring_context(assignment_id)
    instrument = ctx["instrument"]
    flow = SectionFlow.of(instrument, ctx["org_type"])
    if section_key not in flow:
        abort(404)
    if not ctx["editable"]:
        return redirect(url_for("audits.check_answers", assignment_id=assignment_id))
    form = build_section_form(instrument, section_key, ctx["org_type"], data=ctx["answers"])
    return_to = return_marker(request.values.get("return_to"))
    lock_version = ctx["response"].lock_version
    conflict = None
    latest = None
    if request.method == "POST" and form.validate(partial=True):

        def save():
            response = services.save_section(
                ctx["assignment"],
                section_key,
                form_answers(instrument, section_key, form),
                lock_version=request.form.get("lock_version"),
                actor=current_user,
            )
            # Read before the commit expires them: reloading each afterwards cost a round trip per save.
            return response.lock_version, ctx["audit_round"].due_date

        saved = web.attempt(save)
        if isinstance(saved.error, StaleEdit):
            conflict = saved.error.message
            fresh = queries.get_assignment(assignment_id)
            lock_version = fresh.response.lock_version
            latest = queries.answers_of(fresh.response, instrument)
        elif saved.error:
            flash(saved.error.message, "error")
            return redirect(url_for("audits.task_list", assignment_id=assignment_id))
        else:
            lock_version, due = saved.value
            action = request.form.get("action")
            step = flow.after_save(
                section_key, action=action, return_to=return_to, valid=action == "later" or form.validate()
            )
            if step.kind == "task_list":
                flash(
                    "Your answers have been saved. You can come back to this audit at any time before "
                    f"{due.day} {due:%B %Y}.",
                    "success",
                )
            if not step.stays:
                return redirect(
                    step.url(
                        section=lambda key: url_for("audits.section", assignment_id=assignment_id, section_key=key),
                        end=url_for("audits.check_answers", assignment_id=assignment_id),
                        task_list=url_for("audits.task_list", assignment_id=assignment_id),
                    )
                )
    return render_template(
        "audits/section.html",
        form=form,
        section=instrument.section(section_key),
        lock_version=lock_version,
        conflict=conflict,
        latest=latest,
        return_to=return_to,
        number=flow.number(section_key),
        **ctx,
    )


def _problem_href(assignment_id: int, instrument, problem) -> str:
    anchor = problem.field_name
    if not problem.field:
        anchor = instrument.question(problem.question_key).kind.anchor(problem.question_key)
    return url_for("audits.section", assignment_id=assignment_id, section_key=problem.section_key) + "#" + anchor


@bp.route("/tasks/<int:assignment_id>/check", methods=["GET", "POST"])
@roles_required(*AUDITOR)
def check_answers(assignment_id: int):
    ctx = _scoring_context(assignment_id)
    problems = []
    conflict = None
    form = EmptyForm()
    if form.validate_on_submit():
        submitted = web.attempt(
            services.submit_response,
            ctx["assignment"],
            lock_version=request.form.get("lock_version"),
            actor=current_user,
        )
        if isinstance(submitted.error, services.SubmitProblems):
            problems = [
                {"text": p.message, "href": _problem_href(assignment_id, ctx["instrument"], p)}
                for p in submitted.error.problems
            ]
        elif isinstance(submitted.error, StaleEdit):
            conflict = submitted.error.message
        elif submitted.error:
            flash(submitted.error.message, "error")
            return redirect(url_for("audits.task_list", assignment_id=assignment_id))
        else:
            return redirect(url_for("audits.submitted", assignment_id=assignment_id))
        ctx = _scoring_context(assignment_id)
    return render_template(
        "audits/check.html",
        problems=problems,
        conflict=conflict,
        form=form,
        lock_version=ctx["response"].lock_version,
        **ctx,
    )


@bp.route("/tasks/<int:assignment_id>/submitted")
@roles_required(*AUDITOR)
def submitted(assignment_id: int):
    ctx = _scoring_context(assignment_id)
    if ctx["response"].state != ResponseState.submitted:
        return redirect(url_for("audits.task_list", assignment_id=assignment_id))
    return render_template("audits/submitted.html", **ctx)


@bp.route("/tasks/<int:assignment_id>/all-agencies")
@roles_required(*AUDITOR)
def case_responses(assignment_id: int):
    assignment = queries.get_assignment(assignment_id)
    case = assignment.case
    if not queries.can_see_other_agencies(current_user, case):
        raise PermissionDenied("Other agencies’ answers are shared once the round is in moderation")
    instrument = queries.instrument_of(case.round)
    return render_template(
        "audits/case_responses.html",
        assignment=assignment,
        case=case,
        audit_round=case.round,
        grid=queries.case_grid(case, instrument),
        instrument=instrument,
        moderation=case.moderation,
    )
