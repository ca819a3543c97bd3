"""Studio preview: an instrument draft shown as an organisation of a chosen type would fill it in, section by
section, with the answers kept only (and kept short) in the signed session cookie."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.accounts.models import ORG_TYPE_LABELS
from app.permissions import roles_required
from app.questionnaire import Instrument, build_section_form, form_answers
from app.questionnaire.definition import ORG_TYPE_CODES
from app.studio import bp, services
from app.studio.edit_routes import STAFF
from app.studio.routes import _org_type_choices


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

    return {
        key: {name: plain(value) for name, value in entry.items() if value is not None}
        for key, entry in answers.items()
    }


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
            flash(
                f"No section of this draft applies to {ORG_TYPE_LABELS.get(org_type, org_type)} organisations.", "error"
            )
        else:
            return redirect(
                url_for("studio.preview_section", draft_id=draft_id, org_type=org_type, section_key=sections[0].key)
            )
    return render_template(
        "studio/preview_start.html", draft=draft, instrument=instrument, org_types=_org_type_choices()
    )


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
            return redirect(
                url_for("studio.preview_section", draft_id=draft_id, org_type=org_type, section_key=keys[index + 1])
            )
        return redirect(url_for("studio.preview_check", draft_id=draft_id, org_type=org_type))
    return render_template(
        "studio/preview_section.html",
        draft=draft,
        instrument=instrument,
        form=form,
        section=instrument.section(section_key),
        number=keys.index(section_key) + 1,
        sections=sections,
        org_type=org_type,
        org_type_label=ORG_TYPE_LABELS.get(org_type, org_type),
    )


@bp.route("/drafts/<int:draft_id>/preview/<org_type>/check")
@roles_required(*STAFF)
def preview_check(draft_id: int, org_type: str):
    draft, instrument, sections, answers = _preview_context(draft_id, org_type)
    return render_template(
        "studio/preview_check.html",
        draft=draft,
        instrument=instrument,
        sections=sections,
        answers=answers,
        org_type=org_type,
        org_type_label=ORG_TYPE_LABELS.get(org_type, org_type),
    )
