"""Closing an action's loop: its owner marks it complete (note and evidence), QA verifies it or says "not yet";
evidence downloads; an action's priority and partnership priorities."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.actions import access, bp, services, verification
from app.actions.forms import ActionPrioritiesForm, CompleteActionForm, VerifyActionForm
from app.actions.models import ActionStatus
from app.permissions import roles_required
from app.uploads import ALLOWED_LABEL, max_file_bytes, send_stored, size_label


def _back(item):
    return redirect(url_for("actions.action", action_id=item.id))


@bp.route("/actions/<int:action_id>/complete", methods=["GET", "POST"])
@roles_required("org_lead")
def complete(action_id: int):
    item = access.action_for(current_user, action_id)
    if not access.can_complete(current_user, item):
        abort(403)
    if item.status not in (ActionStatus.not_started, ActionStatus.in_progress):
        flash(f"This action is {item.status.label.lower()}.", "info")
        return _back(item)
    form = CompleteActionForm()
    if form.validate_on_submit():
        if web.run(
            form,
            verification.complete_action,
            item,
            note=form.note.data,
            evidence_link=form.evidence_link.data,
            evidence_file=request.files.get("evidence_file"),
            actor=current_user,
            fallback="note",
        ):
            flash("Action marked as complete. The partnership’s QA group will check it and verify it.", "success")
            return _back(item)
    return render_template(
        "actions/complete.html",
        action=item,
        form=form,
        allowed=ALLOWED_LABEL,
        max_size=size_label(max_file_bytes()),
    )


@bp.route("/actions/<int:action_id>/verify", methods=["GET", "POST"])
@roles_required(*access.VERIFIERS)
def verify(action_id: int):
    item = access.action_for(current_user, action_id)
    completion = item.latest_completion
    if item.status != ActionStatus.complete or completion is None or not completion.pending:
        flash("This action is not awaiting verification.", "info")
        return _back(item)
    if not access.can_verify(current_user, item):
        abort(403)
    form = VerifyActionForm()
    if form.validate_on_submit():
        if web.run(
            form,
            verification.verify_action,
            item,
            outcome=form.outcome.data,
            reason=form.reason.data,
            actor=current_user,
            fallback="outcome",
        ):
            if form.outcome.data == "verified":
                flash("Action verified: it now counts as closed.", "success")
            else:
                flash("Action sent back to its owner as not yet done, with your reason.", "success")
            return _back(item)
    return render_template("actions/verify.html", action=item, completion=completion, form=form)


@bp.route("/actions/evidence/<int:completion_id>")
@roles_required(*access.TRACKER_USERS)
def evidence(completion_id: int):
    completion = access.completion_for_download(current_user, completion_id)
    return send_stored(completion.evidence_stored_name, completion.evidence_original_name)


@bp.route("/actions/<int:action_id>/priorities", methods=["GET", "POST"])
@roles_required(*access.UPDATERS)
def action_priorities(action_id: int):
    item = access.action_for(current_user, action_id)
    form = ActionPrioritiesForm()
    form.offer_partnership_priorities(item.partnership_priorities)
    if request.method == "GET":
        form.priority.data = item.priority.value
        form.partnership_priorities.data = [str(p.id) for p in item.partnership_priorities]
    if form.validate_on_submit():
        if web.run(
            form,
            services.set_priorities,
            item,
            priority=form.priority.data,
            partnership_priority_ids=form.partnership_priorities.data,
            actor=current_user,
            fallback="priority",
        ):
            flash("Priorities saved.", "success")
            return _back(item)
    return render_template("actions/priorities_form.html", action=item, form=form)
