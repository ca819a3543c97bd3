"""Learning briefing pages: thin views over app.briefings.queries and services."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import web
from app.audits.models import AuditRound
from app.briefings import bp, queries, services
from app.briefings.forms import BriefingForm, ConfirmCascadeForm, PublishForm, SendForm, StartForm
from app.briefings.models import BriefingState
from app.errors import StaleEdit, get_or_404
from app.permissions import is_partnership_staff, roles_required

STAFF = ("admin", "qa")


@bp.route("/")
@login_required
def index():
    staff = is_partnership_staff(current_user)
    return render_template(
        "briefings/index.html",
        briefings=queries.published_briefings(),
        drafts=queries.draft_briefings() if staff else [],
        staff=staff,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    form = StartForm()
    form.set_rounds(queries.rounds_to_brief())
    if form.validate_on_submit():
        audit_round = get_or_404(AuditRound, int(form.round_id.data), "round")
        briefing = web.run(form, services.start_briefing, audit_round, actor=current_user)
        if briefing:
            flash("The draft is filled in from the round’s findings. Edit each section, then preview it.", "success")
            return redirect(url_for("briefings.edit", briefing_id=briefing.id))
    return render_template("briefings/new.html", form=form)


@bp.route("/<int:briefing_id>")
@login_required
def view(briefing_id: int):
    briefing = queries.briefing_for(current_user, briefing_id)
    staff = is_partnership_staff(current_user)
    return render_template(
        "briefings/view.html",
        briefing=briefing,
        staff=staff,
        recipients=queries.recipient_rows(briefing) if staff else [],
        own=queries.recipient_for(briefing, current_user),
        confirm_form=ConfirmCascadeForm(),
    )


@bp.route("/<int:briefing_id>/print")
@login_required
def print_view(briefing_id: int):
    briefing = queries.briefing_for(current_user, briefing_id)
    return render_template("briefings/print.html", briefing=briefing)


@bp.route("/<int:briefing_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(briefing_id: int):
    briefing = queries.briefing_for(current_user, briefing_id)
    if briefing.state != BriefingState.draft:
        flash(services.PUBLISHED_MESSAGE)
        return redirect(url_for("briefings.view", briefing_id=briefing.id))
    # Only a GET fills the form from the briefing: a post that leaves a field out must not take the saved value,
    # least of all the version it was made from.
    form = BriefingForm(obj=None if request.method == "POST" else briefing)
    saved_now = None
    if form.validate_on_submit():
        outcome = web.attempt(
            services.save_briefing,
            briefing,
            title=form.title.data,
            sections=form.sections(),
            expected_version=form.lock_version.data,
            actor=current_user,
        )
        if outcome:
            flash("Briefing saved.", "success")
            return redirect(url_for("briefings.view", briefing_id=briefing.id))
        web.show_error(form, outcome.error)
        if isinstance(outcome.error, StaleEdit):
            # What the other person saved, shown under the form; the next save replaces it knowingly.
            briefing = queries.briefing_for(current_user, briefing_id)
            saved_now = briefing
            form.lock_version.data = str(briefing.lock_version)
    elif not form.is_submitted():
        form.lock_version.data = str(briefing.lock_version)
    return render_template(
        "briefings/edit.html", form=form, briefing=briefing, saved_now=saved_now, section_max=services.SECTION_MAX
    )


@bp.route("/<int:briefing_id>/publish", methods=["GET", "POST"])
@roles_required(*STAFF)
def publish(briefing_id: int):
    briefing = queries.briefing_for(current_user, briefing_id)
    if briefing.state != BriefingState.draft:
        return redirect(url_for("briefings.view", briefing_id=briefing.id))
    form = PublishForm()
    if form.validate_on_submit() and web.run(
        form,
        services.publish_briefing,
        briefing,
        expected_version=form.lock_version.data,
        actor=current_user,
    ):
        return redirect(url_for("briefings.published", briefing_id=briefing.id))
    form.lock_version.data = str(queries.briefing_for(current_user, briefing_id).lock_version)
    return render_template("briefings/publish.html", form=form, briefing=briefing)


@bp.route("/<int:briefing_id>/published")
@roles_required(*STAFF)
def published(briefing_id: int):
    briefing = queries.briefing_for(current_user, briefing_id)
    if briefing.state != BriefingState.published:
        return redirect(url_for("briefings.view", briefing_id=briefing.id))
    return render_template("briefings/published.html", briefing=briefing)


@bp.route("/<int:briefing_id>/send", methods=["GET", "POST"])
@roles_required(*STAFF)
def send(briefing_id: int):
    briefing = queries.briefing_for(current_user, briefing_id)
    if briefing.state != BriefingState.published:
        flash("Publish the briefing before sending it.")
        return redirect(url_for("briefings.view", briefing_id=briefing.id))
    form = SendForm()
    if form.validate_on_submit():
        sent = web.run(form, services.send_briefing, briefing, org_types=form.chosen_types(), actor=current_user)
        if sent:
            flash(
                f"Sent to the leads of {len(sent)} {'organisation' if len(sent) == 1 else 'organisations'}.",
                "success",
            )
            return redirect(url_for("briefings.view", briefing_id=briefing.id, _anchor="organisations"))
    return render_template(
        "briefings/send.html", form=form, briefing=briefing, recipients=queries.recipient_rows(briefing)
    )


@bp.route("/<int:briefing_id>/confirm", methods=["POST"])
@roles_required("org_lead")
def confirm(briefing_id: int):
    briefing = queries.briefing_for(current_user, briefing_id)
    form = ConfirmCascadeForm()
    if form.validate_on_submit() and web.run_or_flash(services.confirm_cascade, briefing, actor=current_user):
        flash("Thank you. The partnership can see that your organisation has cascaded this briefing.", "success")
    return redirect(url_for("briefings.view", briefing_id=briefing.id))


@bp.app_template_filter("briefing_blocks")
def briefing_blocks(text: str | None) -> list[tuple[str, list[str]]]:
    """A section's text as blocks to render: ("list", bullet lines) for lines starting "- ", else ("para", lines);
    a blank line ends a block."""
    blocks: list[tuple[str, list[str]]] = []
    for line in (text or "").splitlines():
        stripped = line.strip()
        if not stripped:
            blocks.append(("break", []))
            continue
        kind, content = ("list", stripped[2:].strip()) if stripped.startswith(("- ", "* ")) else ("para", stripped)
        if blocks and blocks[-1][0] == kind:
            blocks[-1][1].append(content)
        else:
            blocks.append((kind, [content]))
    return [block for block in blocks if block[0] != "break"]
