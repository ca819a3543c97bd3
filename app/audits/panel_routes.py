"""Pages for what the panel records: moderation meetings (QA and admins), and live concerns raised on a case by
auditors or partnership staff, seen by whoever may see the case and by the lead agency's organisation leads."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.audits import bp, queries, services
from app.audits.forms import EmptyForm
from app.audits.panel_forms import ConcernForm, MeetingForm, OutcomeForm
from app.errors import PermissionDenied
from app.permissions import is_partnership_staff, roles_required

STAFF = ("admin", "qa")
RAISERS = ("admin", "qa", "auditor")
CONCERN_READERS = ("admin", "qa", "auditor", "org_lead")


def _meeting_fields(form: MeetingForm) -> dict:
    return {
        "held_on": form.held_on.data,
        "panel": form.panel.data,
        "practitioners": form.practitioners.data,
        "family_feedback": form.family_feedback.data,
    }


@bp.route("/<int:round_id>/meetings/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_meeting(round_id: int):
    audit_round = queries.get_round(round_id)
    form = MeetingForm()
    if form.validate_on_submit() and web.run(
        form, services.record_meeting, audit_round, **_meeting_fields(form), actor=current_user
    ):
        flash("Meeting recorded.", "success")
        return redirect(url_for("audits.round", round_id=round_id, _anchor="meetings"))
    return render_template("audits/meeting_form.html", form=form, audit_round=audit_round, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_meeting(meeting_id: int):
    meeting = queries.get_meeting(meeting_id)
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    if request.method == "GET":
        form.family_feedback.data = meeting.family_feedback.value
    if form.validate_on_submit() and web.run(
        form, services.update_meeting, meeting, **_meeting_fields(form), actor=current_user
    ):
        flash("Meeting record saved.", "success")
        return redirect(url_for("audits.round", round_id=meeting.round_id, _anchor="meetings"))
    return render_template("audits/meeting_form.html", form=form, audit_round=meeting.round, meeting=meeting)


@bp.route("/cases/<int:case_id>/concerns/new", methods=["GET", "POST"])
@roles_required(*RAISERS)
def raise_concern(case_id: int):
    case = queries.get_case(case_id)
    if not queries.can_see_case(current_user, case):
        raise PermissionDenied("You cannot raise a concern on this case")
    form = ConcernForm()
    if form.validate_on_submit():
        concern = web.run(form, services.raise_concern, case, description=form.description.data, actor=current_user)
        if concern:
            flash(
                f"Live concern raised on case {case.reference}. The QA group and the lead agency have been emailed.",
                "success",
            )
            return redirect(url_for("audits.concern", concern_id=concern.id))
    return render_template(
        "audits/concern_form.html",
        form=form,
        case=case,
        audit_round=case.round,
        can_raise=queries.can_raise_concern(current_user, case),
        lead=queries.lead_agency(case),
    )


@bp.route("/cases/<int:case_id>/lead-agency", methods=["GET", "POST"])
@roles_required(*STAFF)
def lead_agency(case_id: int):
    case = queries.get_case(case_id)
    form = EmptyForm()
    chosen = str(case.lead_organisation_id or "")
    error = None
    if form.validate_on_submit():
        chosen = request.form.get("organisation_id", "")
        saved = web.attempt(services.set_lead_agency, case, organisation_id=chosen, actor=current_user)
        error = saved.error
        if saved:
            flash(f"Lead agency for case {case.reference} saved.", "success")
            return redirect(url_for("audits.case", case_id=case_id, _anchor="live-concerns"))
    return render_template(
        "audits/lead_agency.html",
        form=form,
        case=case,
        audit_round=case.round,
        chosen=chosen,
        default=queries.lead_agency(case) if not case.lead_organisation_id else None,
        error=error,
    )


@bp.route("/concerns/<int:concern_id>")
@roles_required(*CONCERN_READERS)
def concern(concern_id: int):
    concern = queries.visible_concern(current_user, concern_id)
    return render_template(
        "audits/concern.html",
        concern=concern,
        case=concern.case,
        audit_round=concern.case.round,
        lead=queries.lead_agency(concern.case),
        staff=is_partnership_staff(current_user),
    )


@bp.route("/concerns/<int:concern_id>/outcome", methods=["GET", "POST"])
@roles_required(*STAFF)
def concern_outcome(concern_id: int):
    concern = queries.visible_concern(current_user, concern_id)
    if concern.closed_at is not None:
        flash("This concern is closed, so its record can no longer change.", "error")
        return redirect(url_for("audits.concern", concern_id=concern_id))
    form = OutcomeForm(obj=concern if request.method == "GET" else None)
    if request.method == "GET":
        form.escalated.data = "yes" if concern.escalated_to else ("no" if concern.outcome else None)
    if form.validate_on_submit() and web.run(
        form,
        services.record_outcome,
        concern,
        owner=form.owner.data,
        escalated=form.escalated.data,
        escalated_to=form.escalated_to.data,
        escalated_on=form.escalated_on.data,
        outcome=form.outcome.data,
        actor=current_user,
    ):
        flash("Concern record saved.", "success")
        return redirect(url_for("audits.concern", concern_id=concern_id))
    return render_template(
        "audits/concern_outcome.html", form=form, concern=concern, case=concern.case, audit_round=concern.case.round
    )


@bp.route("/concerns/<int:concern_id>/close", methods=["GET", "POST"])
@roles_required(*STAFF)
def close_concern(concern_id: int):
    concern = queries.visible_concern(current_user, concern_id)
    if concern.closed_at is not None:
        return redirect(url_for("audits.concern", concern_id=concern_id))
    form = EmptyForm()
    if form.validate_on_submit() and web.run_or_flash(services.close_concern, concern, actor=current_user):
        flash(f"The live concern on case {concern.case.reference} is closed.", "success")
        return redirect(url_for("audits.concern", concern_id=concern_id))
    if request.method == "POST":
        return redirect(url_for("audits.concern", concern_id=concern_id))
    return render_template(
        "audits/concern_close.html", form=form, concern=concern, case=concern.case, audit_round=concern.case.round
    )


@bp.context_processor
def panel_helpers():
    """For the case, task list and round pages: a case's concerns the viewer may see, whether they may raise one,
    and a round's panel report (meetings and escalated cases)."""

    def case_concerns(case):
        return [c for c in queries.concerns_of_case(case) if queries.can_see_concern(current_user, c)]

    return {
        "case_concerns": case_concerns,
        "may_raise_concern": lambda case: queries.can_raise_concern(current_user, case),
        "lead_agency_of": queries.lead_agency,
        "panel_report": queries.panel_report,
        "round_concerns": queries.concerns_of_round,
    }
