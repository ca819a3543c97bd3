"""The partnership's review of returns: read a return, challenge a criterion (alone or during a challenge event),
return it or accept it; challenge events; the organisation's reply to a challenge and QA's acceptance of it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import web
from app.errors import DomainError
from app.permissions import roles_required
from app.selfassessment import access, bp, queries, services
from app.selfassessment.campaign_forms import ConfirmForm as ConfirmMoveForm
from app.selfassessment.review_forms import (
    AddReturnsForm,
    ChallengeEventForm,
    ChallengeForm,
    ChallengeReplyForm,
    ConfirmForm,
    ReturnToOrganisationForm,
)
from app.selfassessment.routes import STAFF, _page_context
from app.uploads import delete_stored, has_file, save_upload, send_stored
from app.ids import number_arg


@bp.route("/returns/<int:return_id>/review")
@roles_required(*STAFF)
def review(return_id: int):
    ret = access.return_for_review(current_user, return_id)
    context = _page_context(ret)
    context["events"] = queries.events_for_return(ret.id)
    event_id = number_arg("event")
    context["event"] = queries.get_event(event_id) if event_id else None
    return render_template("selfassessment/review.html", **context)


@bp.route("/returns/<int:return_id>/criteria/<question_key>/challenge", methods=["GET", "POST"])
@roles_required(*STAFF)
def challenge(return_id: int, question_key: str):
    ret = access.return_for_review(current_user, return_id)
    view = queries.return_view(ret)
    criterion = view.criterion(question_key)
    if criterion is None or criterion.rag is None:
        abort(404)
    event_id = number_arg("event")
    event = queries.get_event(event_id) if event_id else None
    existing = criterion.challenge
    form = ChallengeForm(
        data={"moderated_rag": existing.moderated_rag, "comment": existing.comment}
        if existing is not None and request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        done = web.run(
            form,
            services.challenge_answer,
            ret,
            question_key,
            moderated_rag=form.moderated_rag.data,
            comment=form.comment.data,
            event=event,
            actor=current_user,
        )
        if done:
            for name in done[1]:
                delete_stored(name)
            flash("Challenge recorded. The self-assessed rating is kept alongside it.", "success")
            if event is not None:
                return redirect(url_for("selfassessment.challenge_event", event_id=event.id) + f"#return-{ret.id}")
            return redirect(url_for("selfassessment.review", return_id=ret.id) + f"#criterion-{question_key}")
    return render_template(
        "selfassessment/challenge.html", form=form, criterion=criterion, event=event, **_page_context(ret, view)
    )


@bp.route("/returns/<int:return_id>/challenges/<int:challenge_id>/accept", methods=["POST"])
@roles_required(*STAFF)
def accept_reply(return_id: int, challenge_id: int):
    ret = access.return_for_review(current_user, return_id)
    challenge = access.challenge_on(ret, challenge_id)
    if ConfirmForm().validate_on_submit() and web.run_or_flash(
        services.accept_reply, ret, challenge, actor=current_user
    ):
        flash("Reply accepted.", "success")
    return redirect(url_for("selfassessment.review", return_id=ret.id) + f"#criterion-{challenge.answer.question_key}")


@bp.route("/returns/<int:return_id>/return-to-organisation", methods=["GET", "POST"])
@roles_required(*STAFF)
def return_to_organisation(return_id: int):
    ret = access.return_for_review(current_user, return_id)
    form = ReturnToOrganisationForm()
    if form.validate_on_submit() and web.run(
        form, services.return_to_organisation, ret, reason=form.reason.data, actor=current_user
    ):
        flash(f"Return sent back to {ret.organisation.name} with your reasons.", "success")
        return redirect(url_for("selfassessment.review", return_id=ret.id))
    return render_template("selfassessment/return_to_org.html", form=form, ret=ret, campaign=ret.campaign)


@bp.route("/returns/<int:return_id>/accept", methods=["GET", "POST"])
@roles_required(*STAFF)
def accept(return_id: int):
    """Accepting is confirmed on a page of its own that says what it means; only that page's button accepts."""
    ret = access.return_for_review(current_user, return_id)
    form = ConfirmMoveForm()
    if form.validate_on_submit():
        if web.run_or_flash(services.accept_return, ret, actor=current_user):
            flash(f"Return from {ret.organisation.name} accepted.", "success")
        return redirect(url_for("selfassessment.review", return_id=ret.id))
    return render_template(
        "selfassessment/accept.html",
        form=form,
        ret=ret,
        open_challenges=[
            item for item in queries.challenge_summary(queries.return_view(ret)) if item.challenge.status != "accepted"
        ],
    )


# ---------------------------------------------------------------------------------------------
# Challenge events
# ---------------------------------------------------------------------------------------------
@bp.route("/campaigns/<int:campaign_id>/challenge-events", methods=["GET", "POST"])
@roles_required(*STAFF)
def challenge_events(campaign_id: int):
    campaign = queries.get_campaign(campaign_id)
    form = ChallengeEventForm()
    if form.validate_on_submit():
        event = web.run(
            form,
            services.create_event,
            campaign,
            title=form.title.data,
            held_on=form.held_on.data,
            panel=form.panel.data,
            actor=current_user,
        )
        if event:
            flash("Challenge event created. Add the returns the panel will review.", "success")
            return redirect(url_for("selfassessment.challenge_event", event_id=event.id))
    return render_template(
        "selfassessment/challenge_events.html",
        campaign=campaign,
        events=queries.events_for_campaign(campaign.id),
        form=form,
    )


@bp.route("/challenge-events/<int:event_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def challenge_event(event_id: int):
    event = queries.get_event(event_id)
    candidates = queries.returns_to_add(event)
    instrument = queries.instrument_of(event.campaign)
    form = AddReturnsForm()
    form.return_ids.choices = [(str(r.id), r.organisation.name) for r in candidates]
    if form.validate_on_submit() and web.run(
        form, services.add_returns_to_event, event, [int(i) for i in form.return_ids.data], actor=current_user
    ):
        flash("Returns added to the event.", "success")
        return redirect(url_for("selfassessment.challenge_event", event_id=event.id))
    return render_template(
        "selfassessment/challenge_event.html",
        event=event,
        campaign=event.campaign,
        rows=queries.event_rows(event),
        form=form,
        candidates=candidates,
        question_text=lambda key: instrument.question(key).text if instrument.has_question(key) else key,
    )


# ---------------------------------------------------------------------------------------------
# The organisation's reply
# ---------------------------------------------------------------------------------------------
@bp.route("/returns/<int:return_id>/challenges/<int:challenge_id>/reply", methods=["GET", "POST"])
@roles_required("org_lead")
def reply_to_challenge(return_id: int, challenge_id: int):
    ret, challenge = access.challenge_for_reply(current_user, return_id, challenge_id)
    view = queries.return_view(ret)
    criterion = view.criterion(challenge.answer.question_key)
    form = ChallengeReplyForm(
        data={
            "kind": challenge.reply_kind,
            "reply_rag": challenge.reply_rag,
            "text": challenge.reply_text,
            "link": challenge.reply_link,
        }
        if challenge.replied_at is not None and request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        stored = None
        try:
            upload = request.files.get("evidence_file")
            if form.kind.data == "disagree" and has_file(upload):
                stored = save_upload(upload)
        except DomainError as error:
            form.evidence_file.errors = [error.message]
        if not form.evidence_file.errors:
            done = web.run(
                form,
                services.reply_to_challenge,
                ret,
                challenge,
                kind=form.kind.data,
                reply_rag=form.reply_rag.data or None,
                text=form.text.data,
                link=form.link.data,
                stored_file=stored,
                actor=current_user,
            )
            if done:
                for name in done[1]:
                    delete_stored(name)
                flash("Your reply has been sent to the partnership.", "success")
                return redirect(url_for("selfassessment.task_list", return_id=ret.id) + "#challenges")
            if stored is not None:
                delete_stored(stored.stored_name)
    return render_template(
        "selfassessment/challenge_reply.html",
        form=form,
        ret=ret,
        campaign=ret.campaign,
        challenge=challenge,
        criterion=criterion,
    )


@bp.route("/challenges/<int:challenge_id>/evidence")
@roles_required("org_lead", "signatory", *STAFF)
def challenge_reply_file(challenge_id: int):
    challenge = access.reply_file_for_download(current_user, challenge_id)
    return send_stored(challenge.reply_stored_name, challenge.reply_file_name)
