"""Studio pages: start, edit, check, preview, publish and download instrument drafts (admins and QA)."""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.models import ORG_TYPE_LABELS
from app.accounts.permissions import roles_required
from app.errors import DomainError, StaleEdit
from app.extensions import db
from app.questionnaire import Instrument, build_section_form, form_answers, load_themes
from app.questionnaire.definition import ORG_TYPE_CODES
from app.questionnaire.errors import InstrumentError
from app.questionnaire.types import kind_of
from app.studio import bp, services
from app.studio.authoring import AuthoringProblems, from_workbook, from_yaml, to_workbook, to_yaml
from app.studio.diff import diff, show
from app.studio.forms import (
    KIND_LABELS,
    ConfirmForm,
    CopyForm,
    DetailsForm,
    OptionForm,
    QuestionForm,
    QuestionTypeForm,
    ScaleForm,
    SectionForm,
    StartForm,
    UploadForm,
)
from app.studio.question_types import engine_type, question_type_labels

STAFF = ("admin", "qa")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _show_error(form, exc: DomainError) -> None:
    problems = exc.problems if isinstance(exc, services.FieldProblems) else [(exc.field, exc.message)]
    for name, message in problems:
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)


def _edit(form, call, *args, **kwargs):
    """Run an edit and commit. A stale page is flashed and sends the editor back to the draft as now saved;
    other refusals are shown on the form. Returns the draft, or None when nothing was saved."""
    try:
        result = call(*args, lock_version=request.form.get("lock_version"), actor=current_user, **kwargs)
    except StaleEdit as exc:
        db.session.rollback()
        flash(exc.message, "error")
        raise _Stale() from None
    except DomainError as exc:
        db.session.rollback()
        if form is None:
            flash(exc.message, "error")
            return None
        _show_error(form, exc)
        return None
    db.session.commit()
    return result


class _Stale(Exception):
    pass


@bp.errorhandler(_Stale)
def _stale(exc):
    draft_id = request.view_args.get("draft_id") if request.view_args else None
    return redirect(url_for("studio.draft", draft_id=draft_id) if draft_id else url_for("studio.drafts"))


def _filename(definition: dict, draft: bool, extension: str) -> str:
    key = re.sub(r"[^a-z0-9-]", "", str(definition.get("key") or "instrument"))
    return f"{key}-{'draft' if draft else 'v' + str(definition.get('version'))}.{extension}"


def _download(definition: dict, draft: bool, fmt: str) -> Response:
    if fmt == "yaml":
        body, mimetype = to_yaml(definition).encode("utf-8"), "application/yaml"
    else:
        body, mimetype = to_workbook(definition), XLSX
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(definition, draft, fmt)}"'})


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
        try:
            draft = services.start_blank(key=form.key.data.strip(), title=form.title.data.strip(),
                                         kind=form.kind.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
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
        try:
            draft = services.start_copy(version, key=form.key.data.strip(), title=form.title.data.strip(),
                                        actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
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
            draft = services.start_from_definition(definition, actor=current_user, source=source)
        except AuthoringProblems as exc:
            problems = exc.problems
        except DomainError as exc:
            db.session.rollback()
            problems = [exc.message]
        else:
            db.session.commit()
            flash("Draft created from the uploaded file.", "success")
            return redirect(url_for("studio.draft", draft_id=draft.id))
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
                    f"#{rest[2]}" if len(rest) >= 3 and isinstance(rest[2], str) else "")
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
                f"#{path[3]}" if len(path) >= 4 and isinstance(path[3], str) else "")
        return url_for("studio.scale", draft_id=draft.id, name=path[1])
    if problem.path[:1] == ("sections",):
        return url_for("studio.add_section", draft_id=draft.id)
    return url_for("studio.edit_details", draft_id=draft.id) + (f"#{field}" if field else "")


@bp.route("/drafts/<int:draft_id>")
@roles_required(*STAFF)
def draft(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    problems = [{"text": p.message, "href": _problem_href(draft, p)} for p in services.problems_of(draft)]
    return render_template("studio/draft.html", draft=draft, definition=draft.definition, problems=problems,
                           form=ConfirmForm(), kinds=KIND_LABELS, show=show, org_type_labels=ORG_TYPE_LABELS)


@bp.route("/drafts/<int:draft_id>/details", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_details(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    definition = draft.definition
    form = DetailsForm(data={"title": definition.get("title"), "kind": definition.get("kind"),
                             "summary": definition.get("summary"), "source": definition.get("source"),
                             "applies_to": [c for c in definition.get("applies_to") or [] if c != "all"],
                             "review_months": definition.get("review_months"),
                             "partial_counts_as": "0.5" if definition.get("partial_counts_as") == 0.5 else "0",
                             "signatories": DetailsForm.signatories_text(definition.get("signatories"))})
    if form.validate_on_submit():
        signatories = form.signatories_mapping()
        if not form.signatories.errors and _edit(
                form, services.update_details, draft, title=form.title.data.strip(), kind=form.kind.data,
                summary=(form.summary.data or "").strip(), source=(form.source.data or "").strip(),
                applies_to=form.applies_to.data, review_months=form.review_months.data, signatories=signatories,
                partial_counts_as=0.5 if form.partial_counts_as.data == "0.5" else 0):
            return redirect(url_for("studio.draft", draft_id=draft_id))
    return render_template("studio/details.html", form=form, draft=draft)


# -- sections -----------------------------------------------------------------------------------
def _section_form(draft, si: int | None) -> SectionForm:
    if si is None:
        return SectionForm()
    sections = draft.definition.get("sections") or []
    if not 0 <= si < len(sections):
        abort(404)
    section = sections[si]
    return SectionForm(data={"title": section.get("title"), "key": section.get("key"),
                             "description": section.get("description"),
                             "applies_to": [c for c in section.get("applies_to") or [] if c != "all"]})


def _save_section(draft_id: int, si: int | None):
    draft = services.get_draft(draft_id, current_user)
    form = _section_form(draft, si)
    if form.validate_on_submit():
        saved = _edit(form, services.save_section, draft, si, key=form.key.data.strip(),
                      title=form.title.data.strip(), description=(form.description.data or "").strip(),
                      applies_to=form.applies_to.data)
        if saved:
            index = si if si is not None else len(saved.definition["sections"]) - 1
            if si is None:
                return redirect(url_for("studio.question_type", draft_id=draft_id, si=index))
            return redirect(url_for("studio.draft", draft_id=draft_id) + f"#section-{index}")
    return render_template("studio/section.html", form=form, draft=draft, si=si)


@bp.route("/drafts/<int:draft_id>/sections/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def add_section(draft_id: int):
    return _save_section(draft_id, None)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_section(draft_id: int, si: int):
    return _save_section(draft_id, si)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/move", methods=["POST"])
@roles_required(*STAFF)
def move_section(draft_id: int, si: int):
    draft = services.get_draft(draft_id, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        _edit(None, services.move_section, draft, si, request.form.get("direction", ""))
    return redirect(url_for("studio.draft", draft_id=draft_id))


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/delete", methods=["GET", "POST"])
@roles_required(*STAFF)
def delete_section(draft_id: int, si: int):
    draft = services.get_draft(draft_id, current_user)
    sections = draft.definition.get("sections") or []
    if not 0 <= si < len(sections):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        if _edit(None, services.delete_section, draft, si):
            flash(f"Section “{sections[si].get('title')}” deleted.", "success")
        return redirect(url_for("studio.draft", draft_id=draft_id))
    return render_template("studio/confirm_delete.html", form=form, draft=draft,
                           what=f"the section “{sections[si].get('title')}” and its "
                                f"{len(sections[si].get('questions') or [])} questions")


# -- questions ----------------------------------------------------------------------------------
def _earlier_choice_questions(definition: dict, si: int, qi: int | None) -> list[tuple[dict, list[dict]]]:
    scales = definition.get("scales") or {}
    result = []
    for s_index, section in enumerate(definition.get("sections") or []):
        for q_index, question in enumerate(section.get("questions") or []):
            if s_index > si or (s_index == si and qi is not None and q_index >= qi):
                return result
            kind = kind_of(question.get("type"))
            if kind is not None and kind.takes_scale:
                options = scales.get(question.get("scale")) or []
            elif kind is not None and kind.takes_options:
                options = question.get("options") or []
            else:
                continue
            result.append((question, options))
    return result


def _question_form(draft, si: int, qi: int | None, qtype: str) -> QuestionForm:
    definition = draft.definition
    sections = definition.get("sections") or []
    if not 0 <= si < len(sections):
        abort(404)
    data = {"required": engine_type(qtype).required_by_default}
    if qi is not None:
        questions = sections[si].get("questions") or []
        if not 0 <= qi < len(questions):
            abort(404)
        data = services.question_fields(questions[qi])
    form = QuestionForm(data=data)
    form.limit_to(qtype)
    if definition.get("kind") != "case_audit" and form.about is not None:
        delattr(form, "about")
    if form.scale is not None:
        form.scale.choices = [SelectChoice("", "Select a scale")] + [
            SelectChoice(name, f"{name}: {', '.join(str(o.get('label')) for o in options)}")
            for name, options in (definition.get("scales") or {}).items()]
    try:
        themes = load_themes()
    except InstrumentError:
        themes = {}
    form.themes.choices = [SelectChoice(t.key, t.title) for t in themes.values()]
    earlier = _earlier_choice_questions(definition, si, qi)
    form.show_if_question.choices = [SelectChoice("", "Always show it")] + [
        SelectChoice(q.get("key"), f"{q.get('key')}: {q.get('text')}") for q, _ in earlier]
    form.show_if_values.choices = [SelectChoice(f"{q.get('key')}={o.get('value')}", f"{q.get('key')}: {o.get('label')}")
                                   for q, options in earlier for o in options]
    return form


def _question_page(draft_id: int, si: int, qi: int | None, qtype: str):
    draft = services.get_draft(draft_id, current_user)
    form = _question_form(draft, si, qi, qtype)
    if form.validate_on_submit():
        saved = _edit(form, services.save_question, draft, si, qi, qtype=qtype, fields=form.values())
        if saved:
            index = qi if qi is not None else len(saved.definition["sections"][si]["questions"]) - 1
            question = saved.definition["sections"][si]["questions"][index]
            if engine_type(qtype).takes_options and not question.get("options"):
                return redirect(url_for("studio.add_question_option", draft_id=draft_id, si=si, qi=index))
            return redirect(url_for("studio.draft", draft_id=draft_id) + f"#section-{si}")
    question = draft.definition["sections"][si]["questions"][qi] if qi is not None else None
    return render_template("studio/question.html", form=form, draft=draft, si=si, qi=qi, qtype=qtype,
                           question=question, type_label=question_type_labels()[qtype], show=show)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def question_type(draft_id: int, si: int):
    draft = services.get_draft(draft_id, current_user)
    if not 0 <= si < len(draft.definition.get("sections") or []):
        abort(404)
    qi = request.args.get("qi", type=int)
    questions = draft.definition["sections"][si].get("questions") or []
    if qi is not None and not 0 <= qi < len(questions):
        abort(404)
    form = QuestionTypeForm()
    if form.validate_on_submit():
        if qi is not None:
            return redirect(url_for("studio.edit_question", draft_id=draft_id, si=si, qi=qi, type=form.type.data))
        return redirect(url_for("studio.add_question", draft_id=draft_id, si=si, qtype=form.type.data))
    if qi is not None and not form.is_submitted():
        form.type.data = questions[qi].get("type")
    return render_template("studio/question_type.html", form=form, draft=draft, si=si, qi=qi)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/new/<qtype>", methods=["GET", "POST"])
@roles_required(*STAFF)
def add_question(draft_id: int, si: int, qtype: str):
    if qtype not in question_type_labels():
        abort(404)
    return _question_page(draft_id, si, None, qtype)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/<int:qi>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_question(draft_id: int, si: int, qi: int):
    draft = services.get_draft(draft_id, current_user)
    questions = (draft.definition.get("sections") or [{}])[si].get("questions") if 0 <= si < len(
        draft.definition.get("sections") or []) else None
    if not questions or not 0 <= qi < len(questions):
        abort(404)
    qtype = request.args.get("type") or questions[qi].get("type")
    if qtype not in question_type_labels():
        abort(404)
    return _question_page(draft_id, si, qi, qtype)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/<int:qi>/move", methods=["POST"])
@roles_required(*STAFF)
def move_question(draft_id: int, si: int, qi: int):
    draft = services.get_draft(draft_id, current_user)
    if ConfirmForm().validate_on_submit():
        _edit(None, services.move_question, draft, si, qi, request.form.get("direction", ""))
    return redirect(url_for("studio.draft", draft_id=draft_id))


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/<int:qi>/delete", methods=["GET", "POST"])
@roles_required(*STAFF)
def delete_question(draft_id: int, si: int, qi: int):
    draft = services.get_draft(draft_id, current_user)
    sections = draft.definition.get("sections") or []
    if not (0 <= si < len(sections) and 0 <= qi < len(sections[si].get("questions") or [])):
        abort(404)
    question = sections[si]["questions"][qi]
    form = ConfirmForm()
    if form.validate_on_submit():
        if _edit(None, services.delete_question, draft, si, qi):
            flash(f"Question {question.get('key')} deleted.", "success")
        return redirect(url_for("studio.draft", draft_id=draft_id) + f"#section-{si}")
    return render_template("studio/confirm_delete.html", form=form, draft=draft,
                           what=f"the question “{question.get('text')}”")


# -- scales and answer options --------------------------------------------------------------------
@bp.route("/drafts/<int:draft_id>/scales/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def add_scale(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    form = ScaleForm()
    if form.validate_on_submit():
        if _edit(form, services.add_scale, draft, name=form.name.data.strip()):
            return redirect(url_for("studio.add_scale_option", draft_id=draft_id, name=form.name.data.strip()))
    return render_template("studio/scale_new.html", form=form, draft=draft)


@bp.route("/drafts/<int:draft_id>/scales/<name>")
@roles_required(*STAFF)
def scale(draft_id: int, name: str):
    draft = services.get_draft(draft_id, current_user)
    scales = draft.definition.get("scales") or {}
    if name not in scales:
        abort(404)
    return render_template("studio/options.html", draft=draft, owner_label=f"Scale {name}", options=scales[name],
                           owner=("scale", name), form=ConfirmForm(), show=show)


@bp.route("/drafts/<int:draft_id>/scales/<name>/delete", methods=["POST"])
@roles_required(*STAFF)
def delete_scale(draft_id: int, name: str):
    draft = services.get_draft(draft_id, current_user)
    if ConfirmForm().validate_on_submit():
        if _edit(None, services.delete_scale, draft, name):
            flash(f"Scale {name} deleted.", "success")
            return redirect(url_for("studio.draft", draft_id=draft_id))
    return redirect(url_for("studio.scale", draft_id=draft_id, name=name))


def _owner(draft, kwargs) -> tuple[tuple, list, str, str]:
    """The option list addressed by the URL: its owner, its options, its label and its page."""
    definition = draft.definition
    if "name" in kwargs:
        name = kwargs["name"]
        if name not in (definition.get("scales") or {}):
            abort(404)
        return (("scale", name), definition["scales"][name], f"Scale {name}",
                url_for("studio.scale", draft_id=draft.id, name=name))
    si, qi = kwargs["si"], kwargs["qi"]
    sections = definition.get("sections") or []
    if not (0 <= si < len(sections) and 0 <= qi < len(sections[si].get("questions") or [])):
        abort(404)
    question = sections[si]["questions"][qi]
    kind = kind_of(question.get("type"))
    if kind is None or not kind.takes_options:
        abort(404)
    return (("question", si, qi), question.get("options") or [], f"Question {question.get('key')}",
            url_for("studio.question_options", draft_id=draft.id, si=si, qi=qi))


def _option_page(draft_id: int, oi: int | None, **kwargs):
    draft = services.get_draft(draft_id, current_user)
    owner, options, owner_label, back = _owner(draft, kwargs)
    data = {}
    if oi is not None:
        if not 0 <= oi < len(options):
            abort(404)
        option = options[oi]
        data = {"label": option.get("label"), "value": str(option.get("value", "")), "score": option.get("score"),
                "meets_standard": {True: "yes", False: "no"}.get(option.get("meets_standard"), ""),
                "rag": option.get("rag") or "", "excluded": bool(option.get("excluded")),
                "needs_reason": bool(option.get("needs_reason")), "partial": bool(option.get("partial"))}
    form = OptionForm(data=data)
    if form.validate_on_submit():
        if _edit(form, services.save_option, draft, owner, oi, fields=form.values()):
            if request.form.get("action") == "another":
                return redirect(request.path if oi is None else back)
            return redirect(back)
    return render_template("studio/option.html", form=form, draft=draft, owner_label=owner_label, back=back,
                           adding=oi is None)


@bp.route("/drafts/<int:draft_id>/scales/<name>/options/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def add_scale_option(draft_id: int, name: str):
    return _option_page(draft_id, None, name=name)


@bp.route("/drafts/<int:draft_id>/scales/<name>/options/<int:oi>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_scale_option(draft_id: int, name: str, oi: int):
    return _option_page(draft_id, oi, name=name)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/<int:qi>/options")
@roles_required(*STAFF)
def question_options(draft_id: int, si: int, qi: int):
    draft = services.get_draft(draft_id, current_user)
    owner, options, owner_label, _ = _owner(draft, {"si": si, "qi": qi})
    return render_template("studio/options.html", draft=draft, owner_label=owner_label, options=options,
                           owner=owner, form=ConfirmForm(), show=show)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/<int:qi>/options/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def add_question_option(draft_id: int, si: int, qi: int):
    return _option_page(draft_id, None, si=si, qi=qi)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/<int:qi>/options/<int:oi>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_question_option(draft_id: int, si: int, qi: int, oi: int):
    return _option_page(draft_id, oi, si=si, qi=qi)


def _option_action(draft_id: int, oi: int, action: str, **kwargs):
    draft = services.get_draft(draft_id, current_user)
    owner, _, _, back = _owner(draft, kwargs)
    if ConfirmForm().validate_on_submit():
        if action == "delete":
            _edit(None, services.delete_option, draft, owner, oi)
        else:
            _edit(None, services.move_option, draft, owner, oi, request.form.get("direction", ""))
    return redirect(back)


@bp.route("/drafts/<int:draft_id>/scales/<name>/options/<int:oi>/<any(delete, move):action>", methods=["POST"])
@roles_required(*STAFF)
def change_scale_option(draft_id: int, name: str, oi: int, action: str):
    return _option_action(draft_id, oi, action, name=name)


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/<int:qi>/options/<int:oi>/<any(delete, move):action>",
          methods=["POST"])
@roles_required(*STAFF)
def change_question_option(draft_id: int, si: int, qi: int, oi: int, action: str):
    return _option_action(draft_id, oi, action, si=si, qi=qi)


# ---------------------------------------------------------------------------------------------
# Preview
# ---------------------------------------------------------------------------------------------
def _preview_instrument(draft) -> Instrument | None:
    if services.problems_of(draft):
        return None
    return Instrument.from_dict(draft.definition)


PREVIEW_TEXT_KEPT = 200
PREVIEW_BYTES_KEPT = 2500


def _storable(answers: dict[str, dict]) -> dict[str, dict]:
    """Preview answers live only in the signed session cookie, as plain JSON, and short: long text is cut, so
    the cookie stays far below the size browsers refuse (which would sign the user out)."""
    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, str) and len(value) > PREVIEW_TEXT_KEPT:
            return value[:PREVIEW_TEXT_KEPT] + "…"
        return value

    return {key: {name: plain(value) for name, value in entry.items() if value is not None}
            for key, entry in answers.items()}


def _keep_preview(draft_id: int, earlier: dict, section_answers: dict) -> None:
    answers = dict(earlier, **section_answers)
    if len(json.dumps(answers)) > PREVIEW_BYTES_KEPT:
        answers = section_answers  # a long preview keeps the latest section's answers only
    session[_preview_key(draft_id)] = answers


def _preview_key(draft_id: int) -> str:
    return f"studio-preview-{draft_id}"


@bp.route("/drafts/<int:draft_id>/preview")
@roles_required(*STAFF)
def preview(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    instrument = _preview_instrument(draft)
    if instrument is None:
        flash("Fix the problems listed below before previewing the draft.", "error")
        return redirect(url_for("studio.draft", draft_id=draft_id))
    org_type = request.args.get("org_type")
    if org_type in ORG_TYPE_CODES:
        session.pop(_preview_key(draft_id), None)
        sections = instrument.sections_for(org_type)
        if not sections:
            flash(f"No section of this draft applies to {ORG_TYPE_LABELS.get(org_type, org_type)} organisations.",
                  "error")
        else:
            return redirect(url_for("studio.preview_section", draft_id=draft_id, org_type=org_type,
                                    section_key=sections[0].key))
    return render_template("studio/preview_start.html", draft=draft, instrument=instrument,
                           org_types=_org_type_choices())


def _preview_context(draft_id: int, org_type: str):
    draft = services.get_draft(draft_id, current_user)
    instrument = _preview_instrument(draft)
    if instrument is None or org_type not in ORG_TYPE_CODES:
        abort(404)
    answers = session.get(_preview_key(draft_id), {})
    return draft, instrument, instrument.sections_for(org_type), answers


@bp.route("/drafts/<int:draft_id>/preview/<org_type>/sections/<section_key>", methods=["GET", "POST"])
@roles_required(*STAFF)
def preview_section(draft_id: int, org_type: str, section_key: str):
    draft, instrument, sections, answers = _preview_context(draft_id, org_type)
    keys = [s.key for s in sections]
    if section_key not in keys:
        abort(404)
    form = build_section_form(instrument, section_key, org_type, data=answers)
    if request.method == "POST" and form.validate():
        _keep_preview(draft_id, answers, _storable(form_answers(instrument, section_key, form)))
        index = keys.index(section_key)
        if index + 1 < len(keys):
            return redirect(url_for("studio.preview_section", draft_id=draft_id, org_type=org_type,
                                    section_key=keys[index + 1]))
        return redirect(url_for("studio.preview_check", draft_id=draft_id, org_type=org_type))
    return render_template("studio/preview_section.html", draft=draft, instrument=instrument, form=form,
                           section=instrument.section(section_key), number=keys.index(section_key) + 1,
                           sections=sections, org_type=org_type,
                           org_type_label=ORG_TYPE_LABELS.get(org_type, org_type))


@bp.route("/drafts/<int:draft_id>/preview/<org_type>/check")
@roles_required(*STAFF)
def preview_check(draft_id: int, org_type: str):
    draft, instrument, sections, answers = _preview_context(draft_id, org_type)
    return render_template("studio/preview_check.html", draft=draft, instrument=instrument, sections=sections,
                           answers=answers, org_type=org_type, org_type_label=ORG_TYPE_LABELS.get(org_type, org_type))


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
        try:
            version = services.publish(draft, lock_version=request.form.get("lock_version"), actor=current_user,
                                       continues=continues)
        except StaleEdit as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("studio.draft", draft_id=draft_id))
        except services.FieldProblems as exc:
            db.session.rollback()
            field_errors = dict(exc.problems)
        except services.PublishProblems as exc:
            db.session.rollback()
            problems = [{"text": p.message, "href": _problem_href(draft, p)} for p in exc.problems]
        except DomainError as exc:
            db.session.rollback()
            field_errors = {"": exc.message}
        else:
            db.session.commit()
            flash(f"Published {version.label}. New rounds and campaigns can use it; those already running keep "
                  "the version they started with.", "success")
            return redirect(url_for("questionnaire.index"))
    changes = diff(latest.definition if latest is not None else None, draft.definition)
    return render_template("studio/publish.html", draft=draft, latest=latest, removed=removed, added=added,
                           changes=changes, problems=problems, form=form, field_errors=field_errors, chosen=chosen,
                           show=show, questions={q.get("key"): q for s in draft.definition.get("sections") or []
                                                 for q in s.get("questions") or []},
                           old_questions={q.get("key"): q for s in (latest.definition if latest else {}).get(
                               "sections") or [] for q in s.get("questions") or []})


@bp.route("/drafts/<int:draft_id>/discard", methods=["GET", "POST"])
@roles_required(*STAFF)
def discard(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        if _edit(None, services.discard, draft):
            flash("Draft discarded.", "success")
            return redirect(url_for("studio.drafts"))
        return redirect(url_for("studio.draft", draft_id=draft_id))
    return render_template("studio/confirm_delete.html", form=form, draft=draft,
                           what=f"this draft of {draft.title}", button="Discard draft")


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
