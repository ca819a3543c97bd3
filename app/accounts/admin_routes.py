"""Partnership administrators: organisations, users and bulk import."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.accounts import bp, importing, queries, services, settings, tokens
from app.accounts.forms import ConfirmForm, ImportForm, OrganisationForm, UserForm, settings_form
from app.accounts.models import ORG_TYPE_LABELS, ROLE_LABELS, Organisation, User
from app.permissions import roles_required
from app.errors import get_or_404
from app.extensions import db
from app.paging import page_arg
from app.ids import number_arg


def _actor():
    return current_user._get_current_object()


# --- organisations ----------------------------------------------------------------------------------------------


@bp.route("/admin/organisations/")
@roles_required("admin")
def organisations():
    filters = {
        "org_type": request.args.get("type") or None,
        "area": request.args.get("area") or None,
        "active": request.args.get("active") or None,
    }
    return render_template(
        "accounts/admin/organisations.html",
        results=queries.search_organisations(**filters, page=page_arg()),
        areas=queries.all_areas(),
        user_counts=queries.user_counts_by_organisation(),
        args=request.args,
        active_filters=queries.ACTIVE_FILTERS,
    )


def _save_organisation(form: OrganisationForm, org: Organisation | None):
    fields = {
        "name": form.name.data,
        "slug": form.slug.data,
        "org_type": form.org_type.data,
        "areas": form.areas.data,
        "active": form.active.data,
        "signatory_rule": form.signatory_rule.data or None,
    }
    if org is None:
        org = web.run(form, services.create_organisation, **fields, actor=_actor(), fallback=web.FIRST_FIELD)
        message = "{name} has been added"
    else:
        org = (
            web.run(form, services.update_organisation, org, **fields, actor=_actor(), fallback=web.FIRST_FIELD) and org
        )
        message = "{name} has been saved"
    if not org:
        return None
    # What other features did about it (a return started in an open self-assessment campaign…).
    notes = getattr(org, "change_notes", [])
    flash(
        " ".join([message.format(name=org.name) + "."] + notes) if notes else message.format(name=org.name), "success"
    )
    return redirect(url_for("accounts.organisations"))


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@roles_required("admin")
def organisation_new():
    form = OrganisationForm()
    if form.validate_on_submit():
        done = _save_organisation(form, None)
        if done:
            return done
    return render_template("accounts/admin/organisation_form.html", form=form, org=None)


@bp.route("/admin/organisations/<int:org_id>", methods=["GET", "POST"])
@roles_required("admin")
def organisation_edit(org_id):
    org = get_or_404(Organisation, org_id)
    form = OrganisationForm(obj=org)
    if request.method == "GET":
        form.areas.data = "\n".join(org.areas or [])
    if form.validate_on_submit():
        done = _save_organisation(form, org)
        if done:
            return done
    return render_template(
        "accounts/admin/organisation_form.html",
        form=form,
        org=org,
        user_count=queries.user_counts_by_organisation().get(org.id, 0),
    )


# --- users ------------------------------------------------------------------------------------------------------


@bp.route("/admin/users/")
@roles_required("admin")
def users():
    filters = {
        "organisation_id": number_arg("organisation"),
        "role": request.args.get("role") or None,
        "status": request.args.get("status") or None,
        "text": request.args.get("q") or None,
    }
    return render_template(
        "accounts/admin/users.html",
        results=queries.search_users(**filters, page=page_arg()),
        organisations=queries.organisation_choices(),
        args=request.args,
        statuses=queries.USER_STATUSES,
        user_status=queries.user_status,
    )


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    form.set_organisations(queries.organisation_choices(include=user.organisation if user else None))
    if request.method == "GET" and user is not None:
        form.organisation.data = str(user.organisation_id or "")
        form.roles.data = sorted(user.roles)
        form.signatory_capacity.data = user.signatory_capacity or ""
    return form


def _render_user_form(form: UserForm, user: User | None):
    lifetime = services.describe_duration(tokens.max_age(tokens.INVITE))
    return render_template("accounts/admin/user_form.html", form=form, user=user, invitation_lifetime=lifetime)


def _user_fields(form: UserForm) -> dict:
    organisation = db.session.get(Organisation, int(form.organisation.data)) if form.organisation.data else None
    return {
        "email": form.email.data,
        "name": form.name.data,
        "organisation": organisation,
        "roles": form.roles.data,
        "signatory_capacity": form.signatory_capacity.data,
    }


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def user_new():
    form = _user_form(None)
    if form.validate_on_submit():
        user = web.run(form, services.create_user, **_user_fields(form), actor=_actor(), fallback=web.FIRST_FIELD)
        if user:
            _invite(user, resend=False)
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return _render_user_form(form, None)


def _invite(user: User, *, resend: bool) -> None:
    invited = web.attempt(services.queue_invitation, user, actor=_actor(), resend=resend)
    if not invited:
        flash(invited.error.message + ".", "warning")
        return
    verb = "A new invitation has been queued" if resend else f"{user.name} has been added and an invitation queued"
    flash(f"{verb} for {user.email}. It will be emailed in a few moments", "success")


@bp.route("/admin/users/<int:user_id>")
@roles_required("admin")
def user_detail(user_id):
    user = get_or_404(User, user_id)
    return render_template(
        "accounts/admin/user.html",
        user=user,
        status=queries.user_status(user),
        statuses=queries.USER_STATUSES,
        form=ConfirmForm(),
        invitation_sent_at=services.latest_invitation_sent_at(user),
    )


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def user_edit(user_id):
    user = get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        if web.run(form, services.update_user, user, **_user_fields(form), actor=_actor(), fallback=web.FIRST_FIELD):
            flash(f"{user.name}’s details have been saved", "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return _render_user_form(form, user)


# A state change confirmed on its own page: (service, question, consequence, button, done message).
USER_ACTIONS = {
    "deactivate": (
        services.deactivate_user,
        "Are you sure you want to deactivate {name}?",
        "They will be signed out at once and will not be able to sign in. Their records and activity "
        "are kept, and you can reactivate the account later.",
        "Deactivate account",
        "{name}’s account has been deactivated",
    ),
    "reactivate": (
        services.reactivate_user,
        "Are you sure you want to reactivate {name}?",
        "They will be able to sign in again with their existing password, or set one through a new "
        "invitation or “Forgotten your password?”.",
        "Reactivate account",
        "{name}’s account has been reactivated",
    ),
}


def _confirm_user_action(user_id: int, action: str):
    user = get_or_404(User, user_id)
    service, question, consequence, button, done = USER_ACTIONS[action]
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        changed = web.attempt(service, user, actor=_actor())
        error = changed.error.message if changed.error else None
        if changed:
            flash(done.format(name=user.name), "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template(
        "accounts/admin/confirm.html",
        user=user,
        form=form,
        error=error,
        question=question.format(name=user.name),
        consequence=consequence,
        button=button,
    )


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@roles_required("admin")
def user_deactivate(user_id):
    return _confirm_user_action(user_id, "deactivate")


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["GET", "POST"])
@roles_required("admin")
def user_reactivate(user_id):
    return _confirm_user_action(user_id, "reactivate")


@bp.route("/admin/users/<int:user_id>/resend-invitation", methods=["POST"])
@roles_required("admin")
def user_resend_invitation(user_id):
    user = get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        _invite(user, resend=True)
    return redirect(url_for("accounts.user_detail", user_id=user.id))


# --- bulk import ------------------------------------------------------------------------------------------------


def _import_and_invite(kind: str, filename: str, content: bytes):
    """Import a file, and invite the users it created, in one transaction."""
    result = importing.import_file(kind, filename, content, actor=_actor())
    invited = importing.invite_imported(result.created, actor=_actor()) if result.kind == "users" else []
    return result, invited


@bp.route("/admin/import", methods=["GET", "POST"])
@roles_required("admin")
def import_accounts():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        imported = web.attempt(_import_and_invite, form.kind.data, upload.filename or "", upload.read())
        if isinstance(imported.error, importing.ImportRejected):
            return render_template(
                "accounts/admin/import.html",
                form=form,
                errors=imported.error.errors,
                filename=upload.filename,
                **_import_reference(),
            )
        if imported.error:
            form.file.errors = [*form.file.errors, imported.error.message]
        else:
            result, invited = imported.value
            return render_template(
                "accounts/admin/import_done.html", result=result, invited=invited, filename=upload.filename
            )
    return render_template("accounts/admin/import.html", form=form, errors=None, **_import_reference())


def _import_reference() -> dict:
    return {"kinds": importing.KINDS, "org_type_labels": ORG_TYPE_LABELS, "role_labels": ROLE_LABELS}


@bp.route("/admin/import/<kind>-template.csv")
@roles_required("admin")
def import_template(kind):
    if kind not in importing.KINDS:
        abort(404)
    return Response(
        importing.template_csv(kind),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={kind}-template.csv"},
    )


# --- partnership settings ---------------------------------------------------------------------------------------


@bp.route("/admin/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings_page():
    specs = settings.declared_settings()
    values = {spec.key: settings.get_setting(spec.key) for spec in specs}
    form = settings_form(specs, values, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        submitted = {spec.key: form[spec.key].data for spec in specs}
        changed = web.run(form, settings.save_settings, submitted, actor=_actor(), fallback=web.FIRST_FIELD)
        if changed is not None:
            flash("Settings saved" if changed else "No settings were changed", "success")
            return redirect(url_for("accounts.settings_page"))
    return render_template("accounts/admin/settings.html", form=form, specs=specs)
