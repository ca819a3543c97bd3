"""The action tracker and an action's page: read every action (staff) or an organisation's own, add updates."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.accounts.models import ORG_TYPE_LABELS, Organisation
from app.permissions import (
    is_partnership_staff,
    own_organisation,
    roles_required,
)
from app.accounts.queries import organisation_choices
from app.actions import access, bp, escalation, queries, services, sources
from app.actions.forms import ActionUpdateForm, TrackerFilterForm
from app.actions.models import ActionStatus
from app.extensions import db
from app.forms_common import choices
from app.utils import today


@bp.route("/actions")
@roles_required(*access.TRACKER_USERS)
def tracker():
    organisation_id = own_organisation(current_user)
    form = TrackerFilterForm(request.args)
    form.organisation.choices = choices([("", "All organisations")] + [(o.id, o.name) for o in organisation_choices()])
    form.org_type.choices = choices([("", "All types"), *ORG_TYPE_LABELS.items()])
    form.source.choices = choices([("", "All sources"), *sources.source_labels().items()])
    filters = queries.TrackerFilters(overdue=bool(form.overdue.data), escalated=bool(form.escalated.data))
    if form.validate():
        filters.status = form.status.data or None
        filters.source = form.source.data or None
        if organisation_id is None:
            filters.organisation_id = int(form.organisation.data) if form.organisation.data else None
            filters.org_type = form.org_type.data or None
    if organisation_id is not None:
        filters.organisation_id = organisation_id
    today_ = today()
    rows = queries.tracker_rows(filters, today_, viewer=current_user)
    own = db.session.get(Organisation, organisation_id) if organisation_id is not None else None
    return render_template(
        "actions/actions.html",
        rows=rows,
        form=form,
        staff=organisation_id is None,
        today=today_,
        is_overdue=queries.is_overdue,
        filtered=any(
            request.args.get(k) for k in ("organisation", "org_type", "status", "source", "overdue", "escalated")
        ),
        own_name=own.name if own else None,
        escalated=escalation.escalated_levels(row.action for row in rows),
    )


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@roles_required(*access.TRACKER_USERS)
def action(action_id: int):
    item = access.action_for(current_user, action_id)
    if request.method == "POST" and not access.can_update_action(current_user):
        abort(403)
    form = ActionUpdateForm()
    if request.method == "GET":
        form.status.data = item.status.value
    if form.validate_on_submit():
        if web.run(
            form,
            services.update_action,
            item,
            note=form.note.data,
            status=form.status.data,
            actor=current_user,
            fallback="status",
        ):
            flash("Update added.", "success")
            return redirect(url_for("actions.action", action_id=item.id))
    return render_template(
        "actions/action.html",
        action=item,
        row=queries.tracker_row(item, current_user),
        form=form,
        today=today(),
        is_overdue=queries.is_overdue,
        moves={s.value: item.status.can_move_to(s) or s == item.status for s in ActionStatus},
        staff=is_partnership_staff(current_user),
        can_update=access.can_update_action(current_user),
        steps=escalation.steps_for([item.id])[item.id],
    )
