"""Administrators keep the list of partnership priorities actions are tagged with."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.actions import bp, priorities
from app.actions.forms import PartnershipPriorityForm
from app.actions.models import PartnershipPriority
from app.errors import get_or_404
from app.permissions import roles_required


@bp.route("/actions/priorities", methods=["GET", "POST"])
@roles_required("admin")
def priorities_page():
    form = PartnershipPriorityForm()
    if form.validate_on_submit():
        added = web.run(form, priorities.add_priority, form.name.data, actor=current_user, fallback="name")
        if added:
            flash(f"“{added.name}” added.", "success")
            return redirect(url_for("actions.priorities_page"))
    return render_template(
        "actions/priorities.html", rows=priorities.all_priorities(), usage=priorities.usage_counts(), form=form
    )


@bp.route("/actions/priorities/<int:priority_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_priority(priority_id: int):
    priority = get_or_404(PartnershipPriority, priority_id, "partnership priority")
    form = PartnershipPriorityForm()
    if request.method == "GET":
        form.name.data = priority.name
    command = request.form.get("command")
    if request.method == "POST" and command in ("retire", "restore"):
        service = priorities.retire_priority if command == "retire" else priorities.restore_priority
        if web.run_or_flash(service, priority, actor=current_user):
            flash(f"“{priority.name}” {'retired' if command == 'retire' else 'restored'}.", "success")
            return redirect(url_for("actions.priorities_page"))
    elif form.validate_on_submit():
        if web.run(form, priorities.rename_priority, priority, form.name.data, actor=current_user, fallback="name"):
            flash("Priority renamed.", "success")
            return redirect(url_for("actions.priorities_page"))
    used = priorities.usage_counts().get(priority.id, 0)
    return render_template("actions/priority.html", priority=priority, form=form, used=used)


@bp.route("/actions/priorities/<int:priority_id>/delete", methods=["GET", "POST"])
@roles_required("admin")
def delete_priority(priority_id: int):
    priority = get_or_404(PartnershipPriority, priority_id, "partnership priority")
    if request.method == "POST":
        name = priority.name
        if web.run_or_flash(priorities.delete_priority, priority, actor=current_user):
            flash(f"“{name}” deleted.", "success")
        return redirect(url_for("actions.priorities_page"))
    return render_template(
        "actions/priority_delete.html", priority=priority, used=priorities.usage_counts().get(priority.id, 0)
    )
