"""Case audit pages for QA and admins: running rounds (the case sample and responses: app/audits/case_routes.py;
moderation: app/audits/moderation_routes.py; scoring pages: app/audits/scoring_routes.py)."""

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
from app.audits.forms import ConfirmForm, EmptyForm, RoundForm
from app.audits.models import RoundState
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
        figures = queries.kept_agreement_snapshot(audit_round)
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
