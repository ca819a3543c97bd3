"""Risk assessment pages: the risks of harm an organisation's lead records before writing the statement."""

from __future__ import annotations

from flask import render_template, request

from flask_login import current_user

from app.actions.queries import OPEN_STATUSES, actions_for
from app.permissions import roles_required
from app.statements import bp, queries, services
from app.statements.forms import ConfirmForm, NoRisksForm, RiskForm
from app.statements.models import Risk
from app.statements.routes import LEAD, _organisation, _own_risk, _redirect_with, _submit


# --- risk assessment ---------------------------------------------------------------------------------------


@bp.route("/manage/risk-assessment")
@roles_required(*LEAD)
def risk_assessment():
    organisation = _organisation()
    assessment = queries.risk_assessment_for(organisation.id)
    risks = assessment.current_risks if assessment else []
    actions: dict[int, list] = {}
    for action in actions_for(risk_ids=[r.id for r in risks]):
        actions.setdefault(action.risk_id, []).append(action)
    return render_template(
        "statements/risk_assessment.html",
        organisation=organisation,
        assessment=assessment,
        risks=risks,
        actions=actions,
        status=queries.risk_assessment_status(assessment),
    )


def _risk_values(form: RiskForm) -> dict:
    values = {
        name: form[name].data
        for name in ("description", "where_when", "measures_in_place", "further_action", "owner", "review_date")
    }
    return {**values, "priority": form.priority.data, "partnership_priority_ids": form.partnership_priorities.data}


def _risk_page(risk: Risk | None):
    """Add a risk (risk=None) or change one: the same form, saved by the matching service."""
    form = RiskForm(obj=risk)
    tracked = [a for a in actions_for(risk_ids=[risk.id]) if a.status in OPEN_STATUSES] if risk else []
    form.offer_partnership_priorities(tracked[0].partnership_priorities if tracked else ())
    if tracked and request.method == "GET":
        form.priority.data = tracked[0].priority.value
        form.partnership_priorities.data = [str(p.id) for p in tracked[0].partnership_priorities]

    def save():
        if risk is None:
            return services.add_risk(_organisation(), **_risk_values(form), actor=current_user)
        return services.update_risk(risk, **_risk_values(form), actor=current_user)

    message = "Risk added to your risk assessment." if risk is None else "Risk updated."
    return _submit(form, save, _redirect_with(message, ".risk_assessment")) or render_template(
        "statements/risk_form.html", form=form, risk=risk
    )


@bp.route("/manage/risk-assessment/risks/new", methods=["GET", "POST"])
@roles_required(*LEAD)
def add_risk():
    _organisation()
    return _risk_page(None)


@bp.route("/manage/risk-assessment/risks/<int:risk_id>", methods=["GET", "POST"])
@roles_required(*LEAD)
def edit_risk(risk_id: int):
    return _risk_page(_own_risk(risk_id))


@bp.route("/manage/risk-assessment/risks/<int:risk_id>/remove", methods=["GET", "POST"])
@roles_required(*LEAD)
def remove_risk(risk_id: int):
    risk = _own_risk(risk_id)
    form = ConfirmForm()
    return _submit(
        form,
        lambda: services.remove_risk(risk, actor=current_user),
        _redirect_with("Risk removed from your risk assessment.", ".risk_assessment"),
    ) or render_template("statements/risk_remove.html", form=form, risk=risk)


@bp.route("/manage/risk-assessment/no-risks", methods=["GET", "POST"])
@roles_required(*LEAD)
def no_risks():
    organisation = _organisation()
    assessment = queries.risk_assessment_for(organisation.id)
    form = NoRisksForm(data={"justification": assessment.no_risks_justification} if assessment else None)
    return _submit(
        form,
        lambda: services.record_no_risks(organisation, justification=form.justification.data, actor=current_user),
        _redirect_with("Recorded that no risks of harm were identified.", ".risk_assessment"),
    ) or render_template("statements/no_risks.html", form=form, assessment=assessment)
