"""Statement pages: drafting, signing, the QA register (risk assessment: risk_routes.py; the QA check:
check_routes.py; the public ones: public.py and reads_routes.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.accounts import login_limit
from app.errors import NotFound, StaleEdit, get_or_404
from app.permissions import require, roles_required
from app.questionnaire import SectionFlow, build_section_form, form_answers, validate_answers
from app.statements import bp, checking, queries, read_queries, services
from app.statements.forms import ConfirmForm, MaterialChangeForm, SignForm
from app.statements.models import Risk, StatementState
from app.statements.reads_routes import read_link

LEAD = ("org_lead",)
ORGANISATION_ROLES = ("org_lead", "signatory")
STAFF = ("admin", "qa")


# --- loaders -----------------------------------------------------------------------------------------------


def _organisation():
    require(current_user.organisation is not None)
    return current_user.organisation


def _own_statement(statement_id: int):
    statement = queries.statement_by_id(statement_id)
    if statement is None:
        raise NotFound("No such statement")
    require(statement.organisation_id == current_user.organisation_id)
    return statement


def _own_risk(risk_id: int) -> Risk:
    risk = get_or_404(Risk, risk_id, "risk")
    if risk.removed_at is not None:
        raise NotFound("That risk has been removed")
    require(risk.assessment.organisation_id == current_user.organisation_id)
    return risk


def _submit(form, change, then):
    """On a valid POST run the service call `change()`, commit and return `then(result)`.

    A DomainError is shown on the form instead (nothing is saved) and None is returned, as for a GET.
    """
    if not form.validate_on_submit():
        return None
    done = web.attempt(change)
    if not done:
        web.show_error(form, done.error)
        return None
    return then(done.value)


def _redirect_to(url: str, message: str):
    def then(_result):
        flash(message, "success")
        return redirect(url)

    return then


def _redirect_with(message: str, endpoint: str):
    def then(_result):
        flash(message, "success")
        return redirect(url_for(endpoint))

    return then


# --- organisation landing page -----------------------------------------------------------------------------


@bp.route("/manage")
@roles_required(*ORGANISATION_ROLES)
def manage():
    organisation = current_user.organisation
    context = {"organisation": organisation}
    if organisation is not None:
        context.update(
            versions=queries.statements_of(organisation.id),
            current=queries.public_statement(organisation.id),
            draft=queries.open_statement(organisation.id),
            status=queries.coverage([organisation.id])[0],
            awaiting=queries.awaiting_signature_of(current_user),
        )
        if current_user.has_role("org_lead"):
            from app.statements.panels import next_step

            context.update(
                conditions=queries.preconditions(organisation),
                assessment_status=queries.risk_assessment_status(queries.risk_assessment_for(organisation.id)),
                step=next_step(organisation),
            )
    return render_template("statements/manage.html", form=ConfirmForm(), **context)


# --- drafting ----------------------------------------------------------------------------------------------


@bp.route("/manage/start", methods=["GET", "POST"])
@roles_required(*LEAD)
def start():
    organisation = _organisation()
    existing = queries.open_statement(organisation.id)
    if existing is not None:
        return redirect(url_for(".statement", statement_id=existing.id))
    form = ConfirmForm()
    return _submit(
        form,
        lambda: services.start_statement(organisation, actor=current_user),
        lambda statement: redirect(url_for(".statement", statement_id=statement.id)),
    ) or render_template(
        "statements/start.html",
        form=form,
        organisation=organisation,
        conditions=queries.preconditions(organisation),
        current=queries.public_statement(organisation.id),
    )


@bp.route("/manage/<int:statement_id>")
@roles_required(*ORGANISATION_ROLES)
def statement(statement_id: int):
    statement = _own_statement(statement_id)
    link = read_link(statement) if statement.is_public else None
    return render_template(
        "statements/statement.html",
        statement=statement,
        sections=queries.statement_sections(statement),
        signatories=queries.signatories_by_capacity(statement.organisation_id),
        needed=queries.needed_capacities(statement),
        check_on=checking.check_is_on(),
        reads=read_queries.reads_of(statement.id) if link else [],
        read_link=link,
        form=ConfirmForm(),
    )


@bp.route("/manage/<int:statement_id>/sections/<section_key>", methods=["GET", "POST"])
@roles_required(*LEAD)
def edit_section(statement_id: int, section_key: str):
    statement = _own_statement(statement_id)
    if statement.state != StatementState.draft:
        flash(
            "This version has been sent for signatures, so it can no longer be changed. "
            "Choose “Make changes” to open a new version."
        )
        return redirect(url_for(".statement", statement_id=statement.id))
    instrument = queries.instrument_of(statement)
    org_type = statement.organisation.org_type
    flow = SectionFlow.of(instrument, org_type)
    if section_key not in flow:
        abort(404)
    form = build_section_form(instrument, section_key, org_type, data=queries.statement_answers(statement))
    action = request.form.get("action", "continue")
    page = {"section": instrument.section(section_key), "risks_key": services.RISKS_KEY}
    posted_version = request.form.get("lock_version")
    saved = None
    # "Replace with my risk assessment" keeps what was typed (saved as for "come back later"), then asks first.
    refill = action == "refill" and section_key == services.RISKS_KEY
    if request.method == "POST" and refill and section_key not in request.form:
        return redirect(url_for(".replace_risks", statement_id=statement.id))  # nothing typed to keep
    if request.method == "POST" and form.validate(partial=action == "later" or refill):
        saved = web.attempt(
            services.save_sections,
            statement,
            form_answers(instrument, section_key, form),
            expected_version=posted_version,
            actor=current_user,
        )
    if saved is not None and isinstance(saved.error, StaleEdit):
        # keep what they typed, show what is saved now, and let them save again knowingly
        statement = _own_statement(statement_id)
        saved_text = (queries.statement_answers(statement).get(section_key) or {}).get("value")
        return render_template(
            "statements/section.html",
            statement=statement,
            form=form,
            conflict=saved.error.message,
            saved_text=saved_text,
            lock_version=services.draft_version(statement),
            **page,
        ), 409
    if saved is not None and saved.error:
        web.show_error(form, saved.error)
    elif saved is not None and refill:
        return redirect(url_for(".replace_risks", statement_id=statement.id))
    elif saved is not None:
        step = flow.after_save(section_key, action=action)
        if step.kind == "task_list":
            flash("Your changes have been saved.", "success")
        return redirect(
            step.url(
                section=lambda key: url_for(".edit_section", statement_id=statement.id, section_key=key),
                end=url_for(".preview", statement_id=statement.id),
                task_list=url_for(".statement", statement_id=statement.id),
            )
        )
    return render_template(
        "statements/section.html",
        statement=statement,
        form=form,
        lock_version=services.draft_version(statement),
        **page,
    )


@bp.route("/manage/<int:statement_id>/replace-risks", methods=["GET", "POST"])
@roles_required(*LEAD)
def replace_risks(statement_id: int):
    """Confirm before the risks part is overwritten by the risk assessment: shows both texts."""
    statement = _own_statement(statement_id)
    back = url_for(".edit_section", statement_id=statement.id, section_key=services.RISKS_KEY)
    if statement.state != StatementState.draft:
        return redirect(url_for(".statement", statement_id=statement.id))
    form = ConfirmForm()
    done = _submit(
        form,
        lambda: services.refill_risks(statement, expected_version=request.form.get("lock_version"), actor=current_user),
        _redirect_to(back, "The risks part now shows your current risk assessment."),
    )
    return done or render_template(
        "statements/replace_risks.html",
        statement=statement,
        form=form,
        back=back,
        current=(statement.sections or {}).get(services.RISKS_KEY) or "",
        replacement=queries.risks_summary_text(queries.risk_assessment_for(statement.organisation_id)),
        lock_version=services.draft_version(statement),
    )


@bp.route("/manage/<int:statement_id>/preview")
@roles_required(*ORGANISATION_ROLES)
def preview(statement_id: int):
    statement = _own_statement(statement_id)
    problems = []
    if statement.state == StatementState.draft:
        problems = validate_answers(
            queries.instrument_of(statement), queries.statement_answers(statement), statement.organisation.org_type
        )
    return render_template(
        "statements/preview.html",
        check_on=checking.check_is_on() and not statement.text_approved,
        statement=statement,
        sections=queries.statement_sections(statement),
        problems=problems,
        form=ConfirmForm(),
    )


@bp.route("/manage/<int:statement_id>/send", methods=["POST"])
@roles_required(*LEAD)
def send_for_signatures(statement_id: int):
    statement = _own_statement(statement_id)
    if not web.run_or_flash(services.send_for_signatures, statement, actor=current_user, flash_category="message"):
        return redirect(url_for(".preview", statement_id=statement_id))
    if statement.state == StatementState.awaiting_check:
        flash(
            "Your statement has been sent to the partnership’s quality assurance group to check. When they approve "
            "it, it goes to your signatories.",
            "success",
        )
    else:
        flash("Your statement has been sent for signatures. Each signatory will be reminded by email.", "success")
    return redirect(url_for(".statement", statement_id=statement_id))


@bp.route("/manage/<int:statement_id>/make-changes", methods=["POST"])
@roles_required(*LEAD)
def make_changes(statement_id: int):
    statement = _own_statement(statement_id)
    draft = web.run_or_flash(services.make_changes, statement, actor=current_user, flash_category="message")
    if not draft:
        return redirect(url_for(".statement", statement_id=statement_id))
    if draft.id != statement.id:
        flash(f"Version {draft.version_number} is open for changes. Signatories will need to sign it again.", "success")
    else:
        flash("The statement is back in draft. Send it for signatures again when you have finished.", "success")
    return redirect(url_for(".statement", statement_id=draft.id))


# --- signing -----------------------------------------------------------------------------------------------


@bp.route("/manage/<int:statement_id>/sign", methods=["GET", "POST"])
@roles_required("signatory")
@login_limit
def sign(statement_id: int):
    statement = queries.statement_by_id(statement_id)
    if statement is None:
        abort(404)
    services.check_can_sign(statement, current_user)
    if statement.state != StatementState.awaiting_signatures:
        flash("This statement is not waiting for signatures.")
        return redirect(url_for(".manage"))
    if current_user.signatory_capacity in statement.signed_capacities:
        flash("You have already signed this statement.")
        return redirect(url_for(".manage"))
    if checking.needs_check(statement):
        flash("This statement is waiting for the quality assurance check. You can sign it once it is approved.")
        return redirect(url_for(".manage"))
    form = SignForm()
    if request.method == "GET":
        form.content_hash.data = statement.content_hash
    if form.validate_on_submit():
        signing = web.attempt(
            services.sign_statement,
            statement,
            current_user,
            password=form.password.data,
            shown_hash=form.content_hash.data,
        )
        if signing.error:
            web.show_error(form, signing.error)
        if isinstance(signing.error, services.StatementChanged):
            statement = queries.statement_by_id(statement_id)
            form.content_hash.data = statement.content_hash
        elif signing:
            return redirect(url_for(".signed", statement_id=statement_id))
    return render_template(
        "statements/sign.html", statement=statement, form=form, sections=queries.statement_sections(statement)
    )


@bp.route("/manage/<int:statement_id>/signed")
@roles_required("signatory")
def signed(statement_id: int):
    statement = _own_statement(statement_id)
    signature = next((s for s in statement.signatures if s.user_id == current_user.id), None)
    if signature is None:
        return redirect(url_for(".manage"))
    return render_template("statements/signed.html", statement=statement, signature=signature)


# --- review ------------------------------------------------------------------------------------------------


@bp.route("/manage/material-change", methods=["GET", "POST"])
@roles_required(*LEAD)
def material_change():
    organisation = _organisation()
    current = queries.public_statement(organisation.id)
    if current is None or current.state != StatementState.in_force:
        flash("Your organisation has no statement in force, so there is nothing to review yet.")
        return redirect(url_for(".manage"))
    form = MaterialChangeForm()

    def then(draft):
        flash("Material change recorded. Your statement is marked for review and a new draft is open.", "success")
        return redirect(url_for(".statement", statement_id=draft.id))

    return _submit(
        form, lambda: services.record_material_change(organisation, reason=form.reason.data, actor=current_user), then
    ) or render_template("statements/material_change.html", form=form, current=current)


@bp.route("/admin/register")
@roles_required(*STAFF)
def admin_register():
    rows = queries.coverage()
    counts = queries.coverage_counts(rows)
    status = request.args.get("status")
    if status in queries.COVERAGE_STATUSES:
        rows = [row for row in rows if row.status == status]
    else:
        status = None
    return render_template(
        "statements/admin_register.html",
        rows=rows,
        counts=counts,
        status=status,
        statuses=queries.COVERAGE_STATUSES,
        reads=read_queries.read_counts(row.statement_id for row in rows if row.public),
        to_check=len(checking.statements_to_check()),
    )
