"""The anonymous practitioner survey: reached only through an organisation's unguessable link, no sign-in, and
answered once per one-time response code."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from app import web
from app.extensions import limiter
from app.questionnaire import (
    SectionFlow,
    build_section_form,
    error_summary_items,
    form_answers,
)
from app.selfassessment import queries, survey_bp
from app.selfassessment.models import CampaignState
from app.selfassessment.survey_services import (
    CODE_MISSING,
    SurveyClosed,
    format_code,
    normalise_code,
    record_survey_response,
)


def _link_or_404(token: str):
    link = queries.survey_link_by_token(token)
    if link is None:
        abort(404)
    return link


def _closed(link):
    return render_template("selfassessment/survey/closed.html", link=link), 410


@survey_bp.route("/survey/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SURVEY_RATE_LIMIT"], methods=["POST"])
def respond(token: str):
    link = _link_or_404(token)
    campaign = link.campaign
    if link.is_closed or campaign.state != CampaignState.open or campaign.survey_version is None:
        return _closed(link)
    survey = campaign.survey_version.parsed
    org_type = link.organisation.org_type
    formdata = request.form if request.method == "POST" else None
    flow = SectionFlow.of(survey, org_type)
    forms = [(survey.section(key), build_section_form(survey, key, org_type, formdata=formdata)) for key in flow.keys]
    source = request.form if request.method == "POST" else request.args
    code = normalise_code(source.get("code"))[:64]
    code_error = None
    errors = []
    if request.method == "POST":
        if not code:
            code_error = CODE_MISSING
            errors.append({"text": code_error, "href": "#code"})
        for _section, form in forms:
            form.validate()
            errors.extend(error_summary_items(form))
        if not errors:
            answers = {}
            for section, form in forms:
                answers.update(form_answers(survey, section.key, form))
            recorded = web.attempt(record_survey_response, link, answers, code=code)
            if isinstance(recorded.error, SurveyClosed):
                return _closed(link)
            if recorded.error:
                code_error = recorded.error.message
                errors.insert(0, {"text": code_error, "href": "#code"})
            else:
                # One anonymous page: no task list to come back to and no check your answers; the end is the thanks.
                return redirect(flow.after_all().url(end=url_for("survey.thanks", token=token)))
    return render_template(
        "selfassessment/survey/respond.html",
        link=link,
        survey=survey,
        forms=forms,
        errors=errors,
        code=format_code(code) if code else "",
        code_error=code_error,
    )


@survey_bp.route("/survey/<token>/thanks")
def thanks(token: str):
    link = _link_or_404(token)
    return render_template("selfassessment/survey/thanks.html", link=link)


@survey_bp.app_template_filter("survey_figure")
def survey_figure(value, minimum: int, *, suffix: str = "") -> str:
    """A figure from a survey snapshot as the pages show it: a number, or the words for what is not shown."""
    if value == "fewer":
        return f"Fewer than {minimum}"
    if value == "none":
        return "No responses"
    if value == queries.SURVEY_OPEN:
        return "Survey still open"
    if value is None:
        return "–"
    return f"{value:g}{suffix}" if isinstance(value, float) else f"{value}{suffix}"
