"""Every state change of learning briefings: drafting from a round, editing, publishing, sending to organisation
leads and their confirmations that it was cascaded. Validated, flushed and recorded in the activity log; never
committed (the route does).

A published briefing cannot be edited: leads confirm that they cascaded its text, so changing it afterwards would
make their confirmations say something untrue. To correct or update one, QA drafts a new briefing for the round."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from app.accounts.models import ORG_TYPE_LABELS
from app.activity import record
from app.audits.models import AuditRound, RoundState
from app.briefings import queries
from app.briefings.models import BRIEFING_SECTIONS, Briefing, BriefingRecipient, BriefingState
from app.errors import DomainError, InvalidTransition, PermissionDenied, checked_text
from app.extensions import db
from app.notifications.outbox import queue_email
from app.permissions import is_partnership_staff
from app.questionnaire import check_version
from app.urls import external_url
from app.utils import govuk_date, utcnow

TITLE_MAX = 200
# One A4 page holds the five sections at about this length each (the print view is checked in a real browser).
SECTION_MAX = 1200
CONFLICT_MESSAGE = (
    "Someone else saved this briefing after you opened this page. Your changes have not been saved: the text below "
    "is what you entered, and what is saved now is shown under it. Save again to replace it with yours."
)
PUBLISHED_MESSAGE = (
    "This briefing is published, so it cannot change: leads confirm they cascaded exactly this text. "
    "Draft a new briefing for the round instead."
)
BRIEFING_ROUND_STATES = (RoundState.moderation, RoundState.closed)


def _require_staff(actor) -> None:
    if not is_partnership_staff(actor):
        raise PermissionDenied("Only the quality assurance group can prepare briefings")


def _require_draft(briefing: Briefing) -> None:
    if briefing.state != BriefingState.draft:
        raise InvalidTransition(PUBLISHED_MESSAGE)


def start_briefing(audit_round: AuditRound, *, actor) -> Briefing:
    """Draft a briefing for a round that has reached moderation, pre-filled from its instrument, its figures (cases
    and agencies) and its agreed findings (queries.prefill). Partnership staff (admin, qa) only."""
    _require_staff(actor)
    if audit_round.state not in BRIEFING_ROUND_STATES:
        raise DomainError("Choose a round that has reached moderation: its findings are agreed there", field="round_id")
    briefing = Briefing(
        round_id=audit_round.id,
        title=f"7-minute briefing: {audit_round.title}"[:TITLE_MAX],
        created_by_id=actor.id,
        **queries.prefill(audit_round),
    )
    db.session.add(briefing)
    db.session.flush()
    record("created", briefing, f"Learning briefing drafted from round {audit_round.title}", actor=actor)
    return briefing


def _checked_sections(sections: dict, *, required: bool) -> dict[str, str]:
    cleaned, problems = {}, []
    for key, heading in BRIEFING_SECTIONS:
        try:
            cleaned[key] = (
                checked_text(
                    sections.get(key),
                    field=key,
                    label=f"‘{heading}’",
                    max_length=SECTION_MAX,
                    required=required,
                )
                or ""
            )
        except DomainError as exc:
            problems.append((exc.field, exc.message))
    if problems:
        error = DomainError(problems[0][1], field=problems[0][0])
        error.problems = problems
        raise error
    return cleaned


def save_briefing(briefing: Briefing, *, title, sections: dict, expected_version, actor) -> Briefing:
    """Save a draft's title and sections (each up to SECTION_MAX characters; blank allowed until publishing).
    Refuses a page opened before someone else's save (StaleEdit) and a published briefing. Staff only."""
    _require_staff(actor)
    _require_draft(briefing)
    check_version(expected_version, briefing.lock_version, CONFLICT_MESSAGE)
    briefing.title = checked_text(title, field="title", label="a title", max_length=TITLE_MAX)
    for key, text in _checked_sections(sections, required=False).items():
        setattr(briefing, key, text)
    briefing.updated_at = utcnow()
    db.session.flush()
    record("updated", briefing, f"Learning briefing “{briefing.title}” edited", actor=actor)
    return briefing


def publish_briefing(briefing: Briefing, *, expected_version, actor) -> Briefing:
    """Publish a draft whose every section is written: every signed-in user can then read it, and it can be sent
    to organisation leads. Refused if it changed since the confirmation page was opened. Staff only."""
    _require_staff(actor)
    _require_draft(briefing)
    check_version(expected_version, briefing.lock_version, "The briefing changed since you opened this page.")
    _checked_sections({key: getattr(briefing, key) for key, _ in BRIEFING_SECTIONS}, required=True)
    briefing.state = briefing.state.check_move(BriefingState.published)
    briefing.published_at = utcnow()
    briefing.published_by_id = actor.id
    db.session.flush()
    record("published", briefing, f"Learning briefing “{briefing.title}” published", actor=actor)
    return briefing


def send_briefing(briefing: Briefing, *, org_types: Iterable[str] | None, actor) -> list[BriefingRecipient]:
    """Send a published briefing to the organisation leads of every active organisation (`org_types` None) or of
    the chosen organisation types: each organisation with an active lead, not sent it before, becomes a recipient
    and each of its leads is emailed a link (through the outbox, in this transaction). Staff only."""
    _require_staff(actor)
    if briefing.state != BriefingState.published:
        raise InvalidTransition("Publish the briefing before sending it")
    if org_types is not None:
        org_types = [t for t in org_types if t]
        if not org_types:
            raise DomainError("Select at least one type of organisation", field="org_types")
        unknown = [t for t in org_types if t not in ORG_TYPE_LABELS]
        if unknown:
            raise DomainError("Select types of organisation from the list", field="org_types")
    leads = queries.leads_by_organisation(org_types)
    already = {r.organisation_id for r in briefing.recipients}
    new = [(organisation, users) for organisation, users in leads if organisation.id not in already]
    if not new:
        raise DomainError(
            "Every organisation of the types chosen that has a lead has already been sent this briefing"
            if leads
            else "No organisation of the types chosen has an organisation lead to send it to",
            field="org_types" if org_types is not None else None,
        )
    link = external_url("briefings.view", briefing_id=briefing.id)
    service = current_app.config["PARTNERSHIP_NAME"]
    sent = []
    for organisation, users in new:
        recipient = BriefingRecipient(briefing=briefing, organisation_id=organisation.id, sent_by_id=actor.id)
        db.session.add(recipient)
        sent.append(recipient)
        for user in users:
            queue_email(
                user.email,
                f"Learning briefing to cascade: {briefing.title}",
                f"{service} has published a 7-minute learning briefing from a multi-agency case audit:\n"
                f"{briefing.title}\n\n"
                "Please share it with your staff, for example at a team meeting, then confirm that you have "
                f"cascaded it on the briefing's page:\n{link}\n\n"
                f"{service}\n",
                dedupe_key=f"briefing:{briefing.id}:{organisation.id}:{user.id}",
            )
    db.session.flush()
    names = ", ".join(organisation.name for organisation, _ in new)
    record("sent", briefing, f"Learning briefing “{briefing.title}” sent to the leads of {names}", actor=actor)
    return sent


def confirm_cascade(briefing: Briefing, *, actor) -> BriefingRecipient:
    """Record that the actor's organisation has cascaded the briefing to its staff: once per organisation, by one
    of its leads, and only for an organisation it was sent to (PermissionDenied otherwise)."""
    recipient = queries.recipient_for(briefing, actor)
    if recipient is None:
        raise PermissionDenied("This briefing was not sent to your organisation")
    if recipient.confirmed_at is not None:
        raise DomainError(
            f"{recipient.confirmed_by.name} already confirmed this on {govuk_date(recipient.confirmed_at)}"
        )
    recipient.confirmed_at = utcnow()
    recipient.confirmed_by_id = actor.id
    db.session.flush()
    db.session.expire(recipient, ["confirmed_by"])
    record(
        "cascaded",
        briefing,
        f"{recipient.organisation.name} confirmed it cascaded the learning briefing “{briefing.title}” to its staff",
        actor=actor,
    )
    return recipient
