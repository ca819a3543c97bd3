"""Studio pages: start, check, publish and download instrument drafts (admins and QA); editing a draft:
app/studio/edit_routes.py and app/studio/option_routes.py; previewing it: app/studio/preview_routes.py."""

from __future__ import annotations

import re

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.accounts.models import ORG_TYPE_LABELS
from app.permissions import roles_required
from app.errors import StaleEdit
from app.extensions import db
from app.questionnaire.definition import ORG_TYPE_CODES
from app.studio import bp, services
from app.studio.authoring import AuthoringProblems, from_yaml, to_yaml
from app.studio.workbook import to_workbook
from app.studio.workbook_reader import from_workbook
from app.studio.diff import diff, show
from app.studio.edit_routes import STAFF, run_edit
from app.studio.forms import KIND_LABELS, ConfirmForm, CopyForm, StartForm, UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _filename(definition: dict, draft: bool, extension: str) -> str:
    key = re.sub(r"[^a-z0-9-]", "", str(definition.get("key") or "instrument"))
    return f"{key}-{'draft' if draft else 'v' + str(definition.get('version'))}.{extension}"


def _download(definition: dict, draft: bool, fmt: str) -> Response:
    if fmt == "yaml":
        body, mimetype = to_yaml(definition).encode("utf-8"), "application/yaml"
    else:
        body, mimetype = to_workbook(definition), XLSX
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{_filename(definition, draft, fmt)}"'},
    )


def _org_type_choices():
    return [(code, ORG_TYPE_LABELS.get(code, code)) for code in ORG_TYPE_CODES]


# ---------------------------------------------------------------------------------------------
# Starting
# ---------------------------------------------------------------------------------------------
@bp.route("/")
@roles_required(*STAFF)
def drafts():
    return render_template("studio/drafts.html", drafts=services.list_drafts(current_user), kinds=KIND_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_draft():
    form = StartForm()
    if form.validate_on_submit():
        draft = web.run(
            form,
            services.start_blank,
            key=form.key.data.strip(),
            title=form.title.data.strip(),
            kind=form.kind.data,
            actor=current_user,
        )
        if draft:
            flash("Draft created. Add a scale if it needs one, then its sections and questions.", "success")
            return redirect(url_for("studio.draft", draft_id=draft.id))
    return render_template("studio/new.html", form=form)


@bp.route("/versions/<int:version_id>/new-version", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_version(version_id: int):
    version = services.get_version(version_id, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        draft = services.start_new_version(version, actor=current_user)
        db.session.commit()
        flash(f"Draft of a new version created from version {version.version}.", "success")
        return redirect(url_for("studio.draft", draft_id=draft.id))
    return render_template("studio/new_version.html", form=form, version=version)


@bp.route("/versions/<int:version_id>/copy", methods=["GET", "POST"])
@roles_required(*STAFF)
def copy_version(version_id: int):
    version = services.get_version(version_id, current_user)
    form = CopyForm()
    if form.validate_on_submit():
        draft = web.run(
            form,
            services.start_copy,
            version,
            key=form.key.data.strip(),
            title=form.title.data.strip(),
            actor=current_user,
        )
        if draft:
            flash(f"Draft created as a copy of {version.label}.", "success")
            return redirect(url_for("studio.draft", draft_id=draft.id))
    return render_template("studio/copy.html", form=form, version=version)


@bp.route("/upload", methods=["GET", "POST"])
@roles_required(*STAFF)
def upload():
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload_file = form.file.data
        name = upload_file.filename or "upload"
        raw = upload_file.read(MAX_UPLOAD_BYTES + 1)
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        try:
            if len(raw) > MAX_UPLOAD_BYTES:
                raise AuthoringProblems(["The file must be smaller than 2MB"])
            if extension in ("yaml", "yml"):
                definition, source = from_yaml(raw, name), f"the file {name}"
            elif extension == "xlsx":
                definition, source = from_workbook(raw), f"the workbook {name}"
            else:
                raise AuthoringProblems(["The selected file must be an instrument file (.yaml) or a workbook (.xlsx)"])
            created = web.attempt(services.start_from_definition, definition, actor=current_user, source=source)
        except AuthoringProblems as exc:
            problems = exc.problems
        else:
            if created:
                flash("Draft created from the uploaded file.", "success")
                return redirect(url_for("studio.draft", draft_id=created.value.id))
            problems = [created.error.message]
    return render_template("studio/upload.html", form=form, problems=problems)


# ---------------------------------------------------------------------------------------------
# The draft
# ---------------------------------------------------------------------------------------------
def _problem_href(draft, problem) -> str:
    si, qi, field = problem.section_index, problem.question_index, problem.field
    path = problem.path
    if qi is not None:
        rest = path[4:]
        if rest[:1] == ("options",):
            if len(rest) >= 2 and isinstance(rest[1], int):
                return url_for("studio.edit_question_option", draft_id=draft.id, si=si, qi=qi, oi=rest[1]) + (
                    f"#{rest[2]}" if len(rest) >= 3 and isinstance(rest[2], str) else ""
                )
            return url_for("studio.question_options", draft_id=draft.id, si=si, qi=qi)
        if rest[:1] == ("show_if",):
            field = "show_if_values" if "in" in rest else "show_if_question"
        if rest[:1] == ("type",):
            return url_for("studio.question_type", draft_id=draft.id, si=si, qi=qi)
        return url_for("studio.edit_question", draft_id=draft.id, si=si, qi=qi) + (f"#{field}" if field else "")
    if si is not None:
        if field == "questions":
            return url_for("studio.question_type", draft_id=draft.id, si=si)
        return url_for("studio.edit_section", draft_id=draft.id, si=si) + (f"#{field}" if field else "")
    if path[:1] == ("scales",) and len(path) >= 2:
        if len(path) >= 3 and isinstance(path[2], int):
            return url_for("studio.edit_scale_option", draft_id=draft.id, name=path[1], oi=path[2]) + (
                f"#{path[3]}" if len(path) >= 4 and isinstance(path[3], str) else ""
            )
        return url_for("studio.scale", draft_id=draft.id, name=path[1])
    if problem.path[:1] == ("sections",):
        return url_for("studio.add_section", draft_id=draft.id)
    return url_for("studio.edit_details", draft_id=draft.id) + (f"#{field}" if field else "")


@bp.route("/drafts/<int:draft_id>")
@roles_required(*STAFF)
def draft(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    problems = [{"text": p.message, "href": _problem_href(draft, p)} for p in services.problems_of(draft)]
    return render_template(
        "studio/draft.html",
        draft=draft,
        definition=draft.definition,
        problems=problems,
        form=ConfirmForm(),
        kinds=KIND_LABELS,
        show=show,
        org_type_labels=ORG_TYPE_LABELS,
    )


# ---------------------------------------------------------------------------------------------
# Publishing, downloads, discarding
# ---------------------------------------------------------------------------------------------
@bp.route("/drafts/<int:draft_id>/publish", methods=["GET", "POST"])
@roles_required(*STAFF)
def publish(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    if not draft.is_editable:
        flash("This draft has already been published.", "info")
        return redirect(url_for("questionnaire.index"))
    latest, removed, added = services.publish_plan(draft)
    problems = [{"text": p.message, "href": _problem_href(draft, p)} for p in services.problems_of(draft)]
    form = ConfirmForm()
    field_errors: dict[str, str] = {}
    chosen = {old: request.form.get(f"continues-{old}", "") for old in removed}
    if form.validate_on_submit() and not problems:
        continues = {old: (value if value != "new" else None) for old, value in chosen.items() if value}
        published = web.attempt(
            services.publish,
            draft,
            lock_version=request.form.get("lock_version"),
            actor=current_user,
            continues=continues,
        )
        if isinstance(published.error, StaleEdit):
            flash(published.error.message, "error")
            return redirect(url_for("studio.draft", draft_id=draft_id))
        if isinstance(published.error, services.PublishProblems):
            problems = [{"text": p.message, "href": _problem_href(draft, p)} for p in published.error.problems]
        elif isinstance(published.error, services.FieldProblems):
            field_errors = dict(published.error.problems)
        elif published.error:
            field_errors = {"": published.error.message}
        else:
            flash(
                f"Published {published.value.label}. New rounds and campaigns can use it; those already running keep "
                "the version they started with.",
                "success",
            )
            return redirect(url_for("questionnaire.index"))
    changes = diff(latest.definition if latest is not None else None, draft.definition)
    return render_template(
        "studio/publish.html",
        draft=draft,
        latest=latest,
        removed=removed,
        added=added,
        changes=changes,
        problems=problems,
        form=form,
        field_errors=field_errors,
        chosen=chosen,
        show=show,
        questions={q.get("key"): q for s in draft.definition.get("sections") or [] for q in s.get("questions") or []},
        old_questions={
            q.get("key"): q
            for s in (latest.definition if latest else {}).get("sections") or []
            for q in s.get("questions") or []
        },
    )


@bp.route("/drafts/<int:draft_id>/discard", methods=["GET", "POST"])
@roles_required(*STAFF)
def discard(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        if run_edit(None, services.discard, draft):
            flash("Draft discarded.", "success")
            return redirect(url_for("studio.drafts"))
        return redirect(url_for("studio.draft", draft_id=draft_id))
    return render_template(
        "studio/confirm_delete.html",
        form=form,
        draft=draft,
        what=f"this draft of {draft.title}",
        button="Discard draft",
    )


@bp.route("/drafts/<int:draft_id>/download.<any(yaml, xlsx):fmt>")
@roles_required(*STAFF)
def download_draft(draft_id: int, fmt: str):
    draft = services.get_draft(draft_id, current_user)
    return _download(draft.definition, True, fmt)


@bp.route("/versions/<int:version_id>/download.<any(yaml, xlsx):fmt>")
@roles_required(*STAFF)
def download_version(version_id: int, fmt: str):
    version = services.get_version(version_id, current_user)
    return _download(version.definition, False, fmt)
