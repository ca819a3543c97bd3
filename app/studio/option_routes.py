"""Studio pages for a draft's scales and answer options (a scale's own, or a question's)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.permissions import roles_required
from app.questionnaire.types import kind_of
from app.studio import bp, services
from app.studio.diff import show
from app.studio.edit_routes import STAFF, run_edit
from app.studio.forms import ConfirmForm, OptionForm, ScaleForm
from app.urls import here


# -- scales and answer options --------------------------------------------------------------------
@bp.route("/drafts/<int:draft_id>/scales/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def add_scale(draft_id: int):
    draft = services.get_draft(draft_id, current_user)
    form = ScaleForm()
    if form.validate_on_submit():
        if run_edit(form, services.add_scale, draft, name=form.name.data.strip()):
            return redirect(url_for("studio.add_scale_option", draft_id=draft_id, name=form.name.data.strip()))
    return render_template("studio/scale_new.html", form=form, draft=draft)


@bp.route("/drafts/<int:draft_id>/scales/<name>")
@roles_required(*STAFF)
def scale(draft_id: int, name: str):
    draft = services.get_draft(draft_id, current_user)
    scales = draft.definition.get("scales") or {}
    if name not in scales:
        abort(404)
    return render_template(
        "studio/options.html",
        draft=draft,
        owner_label=f"Scale {name}",
        options=scales[name],
        owner=("scale", name),
        form=ConfirmForm(),
        show=show,
    )


@bp.route("/drafts/<int:draft_id>/scales/<name>/delete", methods=["POST"])
@roles_required(*STAFF)
def delete_scale(draft_id: int, name: str):
    draft = services.get_draft(draft_id, current_user)
    if ConfirmForm().validate_on_submit():
        if run_edit(None, services.delete_scale, draft, name):
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
        return (
            ("scale", name),
            definition["scales"][name],
            f"Scale {name}",
            url_for("studio.scale", draft_id=draft.id, name=name),
        )
    si, qi = kwargs["si"], kwargs["qi"]
    sections = definition.get("sections") or []
    if not (0 <= si < len(sections) and 0 <= qi < len(sections[si].get("questions") or [])):
        abort(404)
    question = sections[si]["questions"][qi]
    kind = kind_of(question.get("type"))
    if kind is None or not kind.takes_options:
        abort(404)
    return (
        ("question", si, qi),
        question.get("options") or [],
        f"Question {question.get('key')}",
        url_for("studio.question_options", draft_id=draft.id, si=si, qi=qi),
    )


def _option_page(draft_id: int, oi: int | None, **kwargs):
    draft = services.get_draft(draft_id, current_user)
    owner, options, owner_label, back = _owner(draft, kwargs)
    data = {}
    if oi is not None:
        if not 0 <= oi < len(options):
            abort(404)
        option = options[oi]
        data = {
            "label": option.get("label"),
            "value": str(option.get("value", "")),
            "score": option.get("score"),
            "meets_standard": {True: "yes", False: "no"}.get(option.get("meets_standard"), ""),
            "rag": option.get("rag") or "",
            "excluded": bool(option.get("excluded")),
            "needs_reason": bool(option.get("needs_reason")),
            "partial": bool(option.get("partial")),
        }
    form = OptionForm(data=data)
    if form.validate_on_submit():
        if run_edit(form, services.save_option, draft, owner, oi, fields=form.values()):
            if request.form.get("action") == "another":
                return redirect(here() if oi is None else back)
            return redirect(back)
    return render_template(
        "studio/option.html", form=form, draft=draft, owner_label=owner_label, back=back, adding=oi is None
    )


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
    return render_template(
        "studio/options.html",
        draft=draft,
        owner_label=owner_label,
        options=options,
        owner=owner,
        form=ConfirmForm(),
        show=show,
    )


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
            run_edit(None, services.delete_option, draft, owner, oi)
        else:
            run_edit(None, services.move_option, draft, owner, oi, request.form.get("direction", ""))
    return redirect(back)


@bp.route("/drafts/<int:draft_id>/scales/<name>/options/<int:oi>/<any(delete, move):action>", methods=["POST"])
@roles_required(*STAFF)
def change_scale_option(draft_id: int, name: str, oi: int, action: str):
    return _option_action(draft_id, oi, action, name=name)


@bp.route(
    "/drafts/<int:draft_id>/sections/<int:si>/questions/<int:qi>/options/<int:oi>/<any(delete, move):action>",
    methods=["POST"],
)
@roles_required(*STAFF)
def change_question_option(draft_id: int, si: int, qi: int, oi: int, action: str):
    return _option_action(draft_id, oi, action, si=si, qi=qi)
