"""The assurance contradictions view, and the challenge or action QA raises from one of its lines."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.accounts.models import ORG_TYPE_LABELS, Organisation
from app.accounts.queries import organisation_choices
from app.extensions import db
from app.findings import bp, contradictions, page_limit, services
from app.findings.forms import ContradictionActionForm, ContradictionChallengeForm
from app.forms_common import choices
from app.paging import page_arg, page_of
from app.permissions import is_partnership_staff, own_organisation, require, roles_required
from app.questionnaire import theme_titles
from app.selfassessment import access as sa_access
from app.selfassessment import queries as sa_queries
from app.selfassessment import services as sa_services
from app.selfassessment.models import Campaign
from app.uploads import delete_stored
from app.ids import number_arg

VIEWERS = ("admin", "qa", "org_lead")  # a return's self-ratings are read by its own lead and the partnership
STAFF = ("admin", "qa")
SHOWS = {"": "Only contradictions", "all": "Every theme rated"}


def _campaign(organisation_id: int | None) -> tuple[Campaign | None, list[Campaign]]:
    """The campaign asked for (or the newest the reader may compare) and every one it may choose from."""
    campaigns = contradictions.campaign_choices(organisation_id)
    wanted = number_arg("campaign")
    if wanted is None:
        return (campaigns[0] if campaigns else None), campaigns
    chosen = next((c for c in campaigns if c.id == wanted), None)
    if chosen is None:
        if organisation_id is None:
            abort(404)
        require(False)
    return chosen, campaigns


@bp.route("/contradictions")
@page_limit
@roles_required(*VIEWERS)
def contradictions_view():
    organisation_id = own_organisation(current_user)
    campaign, campaigns = _campaign(organisation_id)
    filters = {key: request.args.get(key, "") for key in ("org_type", "theme", "show")}
    # Partnership staff may look at one organisation's lines (the link back from a challenge or an action does);
    # anyone else reads their own organisation's only.
    wanted = number_arg("organisation")
    chosen = db.session.get(Organisation, wanted) if organisation_id is None and wanted else None
    lines = []
    if campaign is not None:
        lines = contradictions.contradiction_lines(
            campaign, organisation_id=organisation_id if chosen is None else chosen.id
        )
    shown = contradictions.filter_lines(lines, **filters)
    return render_template(
        "findings/contradictions.html",
        campaign=campaign,
        campaigns=campaigns,
        filters=filters,
        chosen=chosen,
        every_organisation=url_for(
            "findings.contradictions_view",
            **({"campaign": campaign.id} if campaign else {}),
            **{key: value for key, value in filters.items() if value},
        ),
        results=page_of(shown, page_arg()),
        counted=len(lines),
        contradicting=sum(1 for line in lines if line.contradicts),
        rules=contradictions.rules(),
        org_types=sorted({line.org_type for line in lines}),
        org_type_labels=ORG_TYPE_LABELS,
        themes=sorted({(line.theme, line.theme_title) for line in lines}, key=lambda t: t[1]),
        shows=SHOWS,
        staff=is_partnership_staff(current_user),
        own_name=None if organisation_id is None else current_user.organisation.name,
    )


def _line_from_request():
    """The campaign, return and contradiction line the query string names, for partnership staff; None when there
    is no such line (no counted return of that organisation, or a theme it did not rate)."""
    campaign = db.session.get(Campaign, number_arg("campaign") or 0)
    organisation_id = number_arg("organisation")
    theme = request.args.get("theme", "")
    if campaign is None or organisation_id is None:
        return None
    lines = contradictions.contradiction_lines(campaign, organisation_id=organisation_id)
    line = next((line for line in lines if line.theme == theme), None)
    if line is None or line.return_id is None:
        return None
    return campaign, sa_access.return_for_review(current_user, line.return_id), line


def _no_such_line():
    flash("That organisation has no rating of that theme in a submitted return.", "error")
    return redirect(url_for("findings.contradictions_view"))


def _back(campaign: Campaign, line) -> str:
    """The view of the line's organisation, every theme it rated, at the line: one short page, whatever page of the
    whole list the line was on, and whether or not it still contradicts."""
    view = url_for("findings.contradictions_view", campaign=campaign.id, organisation=line.organisation_id, show="all")
    return f"{view}#line-{line.organisation_id}-{line.theme}"


def _criteria(ret, theme: str) -> list[tuple[str, str]]:
    """(question key, "text (rating)") of the return's rated criteria tagged with the theme, Green first."""
    instrument = sa_queries.instrument_of(ret.campaign)
    rated = {a.question_key: a.rag for a in ret.answers if a.rag is not None}
    found = [(q.key, q.text) for q in instrument.questions() if theme in q.themes and q.key in rated]
    found.sort(key=lambda item: rated[item[0]] != "green")
    return [(key, f"{text} (rated {contradictions.RAG_LABELS[rated[key]]})") for key, text in found]


def _default_criterion(form, criteria) -> None:
    if request.method == "GET" and criteria:
        form.question_key.data = criteria[0][0]


@bp.route("/contradictions/challenge", methods=["GET", "POST"])
@page_limit
@roles_required(*STAFF)
def contradiction_challenge():
    found = _line_from_request()
    if found is None:
        return _no_such_line()
    campaign, ret, line = found
    criteria = _criteria(ret, line.theme)
    form = ContradictionChallengeForm()
    form.question_key.choices = choices(criteria)
    if request.method == "GET":
        _default_criterion(form, criteria)
        form.moderated_rag.data = "amber"
        form.comment.data = ". ".join(line.reasons) + "." if line.reasons else ""
    back = _back(campaign, line)
    if form.validate_on_submit():
        done = web.run(
            form,
            sa_services.challenge_answer,
            ret,
            form.question_key.data,
            moderated_rag=form.moderated_rag.data,
            comment=form.comment.data,
            actor=current_user,
        )
        if done:
            for name in done[1]:
                delete_stored(name)
            flash(f"Challenge recorded on the return of {line.organisation_name}.", "success")
            return redirect(back)
    return render_template("findings/contradiction_challenge.html", form=form, line=line, back=back, ret=ret)


@bp.route("/contradictions/action", methods=["GET", "POST"])
@page_limit
@roles_required(*STAFF)
def contradiction_action():
    found = _line_from_request()
    if found is None:
        return _no_such_line()
    campaign, ret, line = found
    criteria = _criteria(ret, line.theme)
    form = ContradictionActionForm()
    form.question_key.choices = choices(criteria)
    form.set_organisations(organisation_choices())
    form.offer_partnership_priorities()
    form.set_criteria([])
    if request.method == "GET":
        _default_criterion(form, criteria)
        form.owner_organisation_id.data = str(line.organisation_id)
        reasons = ". ".join(line.reasons) + "." if line.reasons else ""
        form.description.data = f"Review the evidence for the rating of ‘{line.theme_title}’. {reasons}".strip()
    back = _back(campaign, line)
    if form.validate_on_submit():
        owner_organisation_id = form.owner_organisation()
        action = None
        if owner_organisation_id is not None:
            action = web.run(
                form,
                services.add_contradiction_action,
                ret,
                form.question_key.data,
                description=form.description.data,
                owner_organisation_id=owner_organisation_id,
                owner_name=form.owner_name.data,
                due_date=form.due_date.data,
                priority=form.priority.data,
                partnership_priority_ids=form.partnership_priorities.data,
                actor=current_user,
                fallback=web.FIRST_FIELD,
            )
        if action:
            flash(f"Action added for {line.organisation_name}.", "success")
            return redirect(back)
    return render_template(
        "findings/contradiction_action.html", form=form, line=line, back=back, ret=ret, themes=theme_titles()
    )
