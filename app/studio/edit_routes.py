"""Studio pages that edit a draft: its details, sections and questions. Every edit goes through run_edit, which
carries the page's lock_version, so a page left open while someone else saved is never saved over."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import web
from app.permissions import roles_required
from app.errors import StaleEdit
from app.questionnaire import load_themes
from app.questionnaire.errors import InstrumentError
from app.questionnaire.types import kind_of
from app.studio import bp, services
from app.studio.diff import show
from app.studio.forms import (
    ConfirmForm,
    DetailsForm,
    QuestionForm,
    QuestionTypeForm,
    SectionForm,
)
from app.studio.question_types import engine_type, question_type_labels
from app.ids import number_arg

STAFF = ("admin", "qa")


def run_edit(form, call, *args, **kwargs):
    """Run an edit and commit. A stale page is flashed and sends the editor back to the draft as now saved;
    other refusals are shown on the form. Returns the draft, or None when nothing was saved."""
    edited = web.attempt(call, *args, lock_version=request.form.get("lock_version"), actor=current_user, **kwargs)
    if isinstance(edited.error, StaleEdit):
        flash(edited.error.message, "error")
        raise _Stale()
    if edited.error and form is None:
        flash(edited.error.message, "error")
    elif edited.error:
        web.show_error(form, edited.error)
    return edited.value


class _Stale(Exception):
    pass


@bp.errorhandler(_Stale)
def _stale(exc):
    draft_id = request.view_args.get("draft_id") if request.view_args else None
    return redirect(url_for("studio.draft", draft_id=draft_id) if draft_id else url_for("studio.drafts"))


@bp.route("/drafts/<int:draft_id>/details", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_details(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    definition = draft.definition
    form = DetailsForm(
        data={
            "title": definition.get("title"),
            "kind": definition.get("kind"),
            "summary": definition.get("summary"),
            "source": definition.get("source"),
            "applies_to": [c for c in definition.get("applies_to") or [] if c != "all"],
            "review_months": definition.get("review_months"),
            "partial_counts_as": "0.5" if definition.get("partial_counts_as") == 0.5 else "0",
            "signatories": DetailsForm.signatories_text(definition.get("signatories")),
        }
    )
    if form.validate_on_submit():
        signatories = form.signatories_mapping()
        if not form.signatories.errors and run_edit(
            form,
            services.update_details,
            draft,
            title=form.title.data.strip(),
            kind=form.kind.data,
            summary=(form.summary.data or "").strip(),
            source=(form.source.data or "").strip(),
            applies_to=form.applies_to.data,
            review_months=form.review_months.data,
            signatories=signatories,
            partial_counts_as=0.5 if form.partial_counts_as.data == "0.5" else 0,
        ):
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
    return SectionForm(
        data={
            "title": section.get("title"),
            "key": section.get("key"),
            "description": section.get("description"),
            "applies_to": [c for c in section.get("applies_to") or [] if c != "all"],
        }
    )


def _save_section(draft_id: int, si: int | None):
    draft = services.get_draft(draft_id, current_user)
    form = _section_form(draft, si)
    if form.validate_on_submit():
        saved = run_edit(
            form,
            services.save_section,
            draft,
            si,
            key=form.key.data.strip(),
            title=form.title.data.strip(),
            description=(form.description.data or "").strip(),
            applies_to=form.applies_to.data,
        )
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
        run_edit(None, services.move_section, draft, si, request.form.get("direction", ""))
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
        if run_edit(None, services.delete_section, draft, si):
            flash(f"Section “{sections[si].get('title')}” deleted.", "success")
        return redirect(url_for("studio.draft", draft_id=draft_id))
    return render_template(
        "studio/confirm_delete.html",
        form=form,
        draft=draft,
        what=f"the section “{sections[si].get('title')}” and its {len(sections[si].get('questions') or [])} questions",
    )


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
            for name, options in (definition.get("scales") or {}).items()
        ]
    try:
        themes = load_themes()
    except InstrumentError:
        themes = {}
    form.themes.choices = [SelectChoice(t.key, t.title) for t in themes.values()]
    earlier = _earlier_choice_questions(definition, si, qi)
    form.show_if_question.choices = [SelectChoice("", "Always show it")] + [
        SelectChoice(q.get("key"), f"{q.get('key')}: {q.get('text')}") for q, _ in earlier
    ]
    form.show_if_values.choices = [
        SelectChoice(f"{q.get('key')}={o.get('value')}", f"{q.get('key')}: {o.get('label')}")
        for q, options in earlier
        for o in options
    ]
    return form


def _question_page(draft_id: int, si: int, qi: int | None, qtype: str):
    draft = services.get_draft(draft_id, current_user)
    form = _question_form(draft, si, qi, qtype)
    if form.validate_on_submit():
        saved = run_edit(form, services.save_question, draft, si, qi, qtype=qtype, fields=form.values())
        if saved:
            index = qi if qi is not None else len(saved.definition["sections"][si]["questions"]) - 1
            question = saved.definition["sections"][si]["questions"][index]
            if engine_type(qtype).takes_options and not question.get("options"):
                return redirect(url_for("studio.add_question_option", draft_id=draft_id, si=si, qi=index))
            return redirect(url_for("studio.draft", draft_id=draft_id) + f"#section-{si}")
    question = draft.definition["sections"][si]["questions"][qi] if qi is not None else None
    return render_template(
        "studio/question.html",
        form=form,
        draft=draft,
        si=si,
        qi=qi,
        qtype=qtype,
        question=question,
        type_label=question_type_labels()[qtype],
        show=show,
    )


@bp.route("/drafts/<int:draft_id>/sections/<int:si>/questions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def question_type(draft_id: int, si: int):
    draft = services.get_draft(draft_id, current_user)
    if not 0 <= si < len(draft.definition.get("sections") or []):
        abort(404)
    qi = number_arg("qi")
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
    questions = (
        (draft.definition.get("sections") or [{}])[si].get("questions")
        if 0 <= si < len(draft.definition.get("sections") or [])
        else None
    )
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
        run_edit(None, services.move_question, draft, si, qi, request.form.get("direction", ""))
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
        if run_edit(None, services.delete_question, draft, si, qi):
            flash(f"Question {question.get('key')} deleted.", "success")
        return redirect(url_for("studio.draft", draft_id=draft_id) + f"#section-{si}")
    return render_template(
        "studio/confirm_delete.html", form=form, draft=draft, what=f"the question “{question.get('text')}”"
    )
