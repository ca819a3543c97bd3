"""Challenges: QA challenges a criterion (on its own or during a challenge event: a panel reviewing returns
together on a date), the organisation replies in a structured way (agree and change the rating, or disagree with
evidence) and QA accepts the reply or challenges again."""

from __future__ import annotations

from datetime import date

from app.activity import record
from app.errors import DomainError, InvalidTransition, NotFound, checked_text
from app.extensions import db
from app.selfassessment import tallies
from app.selfassessment.models import Campaign, Challenge, ChallengeEvent, Return
from app.selfassessment.queries import RAG_LABELS, SUBMITTED_STATES, instrument_of
from app.selfassessment.services.returns import SUBMITTED_OR_REVIEWED, _required_text, _rows_by_key, question_label
from app.signals import figures_changed
from app.uploads import StoredFile
from app.utils import utcnow

URL_PREFIXES = ("https://", "http://")


def _clear_reply(challenge: Challenge) -> None:
    challenge.reply_kind = challenge.reply_rag = challenge.reply_text = challenge.reply_link = None
    challenge.reply_file_name = challenge.reply_stored_name = None
    challenge.replied_by_id = challenge.replied_at = None
    challenge.accepted_by_id = challenge.accepted_at = None


def challenge_answer(
    ret: Return,
    question_key: str,
    *,
    moderated_rag: str,
    comment: str,
    event: ChallengeEvent | None = None,
    actor=None,
) -> tuple[Challenge, list[str]]:
    """Record (or replace: a re-challenge, which clears the organisation's reply) the partnership's moderated RAG
    and reason for one criterion of a submitted return, during `event` when given. Returns the challenge and the
    stored names of reply files no longer used (the route deletes them after commit). Partnership staff (admin or
    QA) only, once access.return_for_review allows it."""
    if ret.state not in SUBMITTED_OR_REVIEWED:
        raise InvalidTransition("A criterion can be challenged once the return has been submitted")
    if moderated_rag not in RAG_LABELS:
        raise DomainError("Select the moderated rating", field="moderated_rag")
    comment = _required_text(comment, field="comment", missing="Enter the reason for the challenge", label="The reason")
    row = _rows_by_key(ret).get(question_key)
    if row is None or row.rag is None:
        raise NotFound("That criterion has no rating to challenge")
    if event is not None and ret not in event.returns:
        raise DomainError("Add the return to the challenge event first")
    challenge = row.challenge or Challenge(return_answer_id=row.id)
    again = challenge.replied_at is not None
    unused = [challenge.reply_stored_name] if challenge.reply_stored_name else []
    _clear_reply(challenge)
    challenge.moderated_rag = moderated_rag
    challenge.comment = comment
    challenge.challenged_by_id = getattr(actor, "id", None)
    challenge.challenged_at = utcnow()
    if event is not None:
        challenge.event_id = event.id
    db.session.add(challenge)
    db.session.flush()
    tallies.return_changed(ret)
    instrument = instrument_of(ret.campaign)
    during = f" at “{event.title}”" if event is not None else ""
    record(
        "challenged",
        ret,
        f"{'Challenged again' if again else 'Challenged'} {question_label(instrument, question_key)} for "
        f"{ret.organisation.name}{during}: self-assessed {RAG_LABELS[row.rag]}, moderated {RAG_LABELS[moderated_rag]}",
        actor=actor,
    )
    figures_changed.send("campaign", id=ret.campaign_id)
    return challenge, unused


def create_event(campaign: Campaign, *, title: str, held_on: date | None, panel: str, actor=None) -> ChallengeEvent:
    """Create a challenge event of the campaign: its title, date and panel (one member a line). Partnership staff."""
    title = checked_text(title, field="title", label="The title", max_length=200)
    if title is None:
        raise DomainError("Enter a title for the challenge event", field="title")
    if held_on is None:
        raise DomainError("Enter the date of the challenge event", field="held_on")
    members = [line.strip() for line in (panel or "").splitlines() if line.strip()]
    if not members:
        raise DomainError("Enter the panel members, one a line", field="panel")
    if len("\n".join(members)) > 4000:
        raise DomainError("The panel must be 4000 characters or fewer", field="panel")
    event = ChallengeEvent(
        campaign_id=campaign.id,
        title=title,
        held_on=held_on,
        panel="\n".join(members),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(event)
    db.session.flush()
    record("created", event, f"Created the challenge event “{title}” of {campaign.label}", actor=actor)
    return event


def add_returns_to_event(event: ChallengeEvent, return_ids: list[int], *, actor=None) -> list[Return]:
    """Add submitted (or accepted) returns of the event's campaign to the event. Partnership staff."""
    if not return_ids:
        raise DomainError("Select at least one return", field="return_ids")
    returns = [db.session.get(Return, int(i)) for i in return_ids]
    added = []
    for ret in returns:
        if ret is None or ret.campaign_id != event.campaign_id:
            raise DomainError("Select returns of this campaign", field="return_ids")
        if ret.state not in SUBMITTED_STATES:
            raise DomainError(f"{ret.organisation.name} has not submitted its return yet", field="return_ids")
        if ret not in event.returns:
            event.returns.append(ret)
            added.append(ret)
    db.session.flush()
    if added:
        names = ", ".join(r.organisation.name for r in added)
        record("returns_added", event, f"Added the returns of {names} to “{event.title}”", actor=actor)
    return added


def reply_to_challenge(
    ret: Return,
    challenge: Challenge,
    *,
    kind: str,
    reply_rag: str | None,
    text: str,
    link: str | None = None,
    stored_file: StoredFile | None = None,
    actor=None,
) -> tuple[Challenge, list[str]]:
    """The organisation's structured reply to a challenge: "agree" with the rating it now gives, and a note; or
    "disagree" with its reasons and evidence (a link or a file, or both). Replaces an earlier reply QA has not yet
    accepted; returns the challenge and the stored names of files it no longer uses. The organisation's own lead,
    once access.challenge_for_reply allows it."""
    if challenge.answer.return_id != ret.id:
        raise NotFound("No such challenge on this return")
    if challenge.status == "accepted":
        raise InvalidTransition("The partnership has accepted your reply to this challenge")
    if kind not in ("agree", "disagree"):
        raise DomainError("Select whether you agree with the challenge", field="kind")
    if kind == "agree":
        if reply_rag not in RAG_LABELS:
            raise DomainError("Select the rating you now give", field="reply_rag")
        text = _required_text(text, field="text", missing="Enter a note about the change", label="The note")
        link, stored_file = None, None
    else:
        reply_rag = None
        text = _required_text(text, field="text", missing="Enter why you disagree", label="Your reasons")
        link = (link or "").strip() or None
        if link is not None and (not link.startswith(URL_PREFIXES) or len(link) > 500 or " " in link):
            raise DomainError("Enter a web address starting with https://, of 500 characters or fewer", field="link")
        if link is None and stored_file is None and not challenge.reply_stored_name:
            raise DomainError("Give your evidence: a link to it, a file, or both", field="link")
    unused = []
    if stored_file is not None or kind == "agree":
        if challenge.reply_stored_name:
            unused.append(challenge.reply_stored_name)
        challenge.reply_file_name = challenge.reply_stored_name = None
    if stored_file is not None:
        challenge.reply_file_name = stored_file.original_name
        challenge.reply_stored_name = stored_file.stored_name
    # The actor's id first: reading it may load the user, which flushes, and a reply half set breaks the
    # reply_has_time check.
    replied_by_id = getattr(actor, "id", None)
    challenge.reply_kind = kind
    challenge.reply_rag = reply_rag
    challenge.reply_text = text
    challenge.reply_link = link
    challenge.replied_by_id = replied_by_id
    challenge.replied_at = utcnow()
    db.session.flush()
    instrument = instrument_of(ret.campaign)
    what = f"agreed and rated it {RAG_LABELS[reply_rag]}" if kind == "agree" else "disagreed, with evidence"
    record(
        "replied",
        ret,
        f"{ret.organisation.name} replied to the challenge on {question_label(instrument, challenge.answer.question_key)}: "
        f"{what}",
        actor=actor,
    )
    return challenge, unused


def accept_reply(ret: Return, challenge: Challenge, *, actor=None) -> Challenge:
    """Accept the organisation's reply to a challenge. An agreeing reply's rating becomes the moderated rating.
    Partnership staff (admin or QA) only, once access.return_for_review allows it."""
    if challenge.answer.return_id != ret.id:
        raise NotFound("No such challenge on this return")
    if challenge.status != "replied":
        raise InvalidTransition("Only a challenge the organisation has replied to can be accepted")
    if challenge.reply_kind == "agree" and challenge.reply_rag:
        challenge.moderated_rag = challenge.reply_rag
    challenge.accepted_at = utcnow()
    challenge.accepted_by_id = getattr(actor, "id", None)
    db.session.flush()
    tallies.return_changed(ret)
    instrument = instrument_of(ret.campaign)
    record(
        "challenge_accepted",
        ret,
        f"Accepted the reply of {ret.organisation.name} to the challenge on "
        f"{question_label(instrument, challenge.answer.question_key)} (moderated {RAG_LABELS[challenge.moderated_rag]})",
        actor=actor,
    )
    figures_changed.send("campaign", id=ret.campaign_id)
    return challenge
