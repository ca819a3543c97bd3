"""Case audit moderation for QA and admins: the queue of cases where agencies disagree, and agreeing a case."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.permissions import roles_required
from app.audits import bp, queries, services
from app.audits.forms import EmptyForm
from app.audits.models import RoundState
from app.audits.routes import STAFF


# ---------------------------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------------------------
@bp.route("/<int:round_id>/disagreements")
@roles_required(*STAFF)
def disagreements(round_id: int):
    audit_round = queries.get_round(round_id)
    return render_template(
        "audits/disagreements.html", audit_round=audit_round, rows=queries.disagreement_queue(audit_round)
    )


def _per_agency(own: dict[tuple[str, int], str], field: str | None = None) -> dict[str, dict[int, str | None]]:
    """question key -> organisation id -> the agency's own answer, or (`field`) what the form posted for it."""
    result: dict[str, dict[int, str | None]] = {}
    for (key, org_id), answer in own.items():
        posted = request.form.get(f"{field}__{key}__{org_id}") if field else answer
        if posted is not None or field == "comment":  # an agency whose answer was not posted keeps what it had
            result.setdefault(key, {})[org_id] = posted
    return result


@bp.route("/cases/<int:case_id>/moderate", methods=["GET", "POST"])
@roles_required(*STAFF)
def moderate(case_id: int):
    case = queries.get_case(case_id)
    audit_round = case.round
    instrument = queries.instrument_of(audit_round)
    grid = queries.case_grid(case, instrument)
    moderated = queries.moderated_answers(case)
    moderation = case.moderation
    own = queries.agency_answers(case, instrument)
    values = {
        "ratings": {k: m.value for k, m in moderated.items()},
        "comments": {k: m.comment for k, m in moderated.items()},
        # Each agency's own answer to a question about its own work is where its agreed answer starts.
        "agency_ratings": _per_agency(own),
        "agency_comments": {},
        "overall_grade": moderation.overall_grade if moderation else None,
        "strengths": moderation.strengths if moderation else None,
        "areas_for_improvement": moderation.areas_for_improvement if moderation else None,
        "learning": moderation.learning if moderation else None,
    }
    if moderation is None:  # start from the agencies' consensus where they all agree
        for row in grid.rows:
            answered = {str(c.value) for c in row.cells if c.value is not None}
            if row.question.kind.is_rating and not row.question.about_agency and len(answered) == 1:
                if row.question.overall:
                    values["overall_grade"] = answered.pop()
                else:
                    values["ratings"][row.question.key] = answered.pop()
    for (key, org_id), m in queries.agency_moderated_answers(case).items():
        if (key, org_id) in own:
            values["agency_ratings"][key][org_id] = m.value
            values["agency_comments"].setdefault(key, {})[org_id] = m.comment
    errors: dict[str, str] = {}
    form = EmptyForm()
    if form.validate_on_submit():
        rated = queries.rated_questions(instrument)
        values = {
            "ratings": {q.key: request.form.get(f"rating__{q.key}") for q in rated if not q.overall},
            "comments": {q.key: request.form.get(f"comment__{q.key}") for q in rated},
            "agency_ratings": _per_agency(own, "rating"),
            "agency_comments": _per_agency(own, "comment"),
            "overall_grade": request.form.get("overall_grade"),
            "strengths": request.form.get("strengths"),
            "areas_for_improvement": request.form.get("areas_for_improvement"),
            "learning": request.form.get("learning"),
        }
        errors = web.run_fields(services.save_moderation, case, actor=current_user, **values)
        if not errors:
            flash(f"Moderation of case {case.reference} saved.", "success")
            return redirect(
                url_for("audits.disagreements", round_id=audit_round.id)
                if request.form.get("next") == "queue"
                else url_for("audits.round", round_id=audit_round.id)
            )
    return render_template(
        "audits/moderate.html",
        case=case,
        audit_round=audit_round,
        instrument=instrument,
        grid=grid,
        layout=queries.moderation_layout(grid, instrument, values, errors),
        values=values,
        errors=errors,
        form=form,
        editable=audit_round.state == RoundState.moderation,
        overall=instrument.overall_question,
    )
