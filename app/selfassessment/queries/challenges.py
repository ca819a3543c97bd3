"""Challenges: the ones on a return (for its first page), challenge events and the state of each challenge in one."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.errors import get_or_404
from app.extensions import db
from app.questionnaire import Question, Section
from app.selfassessment.models import Challenge, ChallengeEvent, Return, ReturnAnswer, challenge_event_return
from app.selfassessment.queries._common import SUBMITTED_STATES
from app.selfassessment.queries.return_detail import ReturnView

CHALLENGE_STATUS_LABELS = {
    "awaiting_reply": "Awaiting reply",
    "replied": "Replied",
    "accepted": "Accepted",
}
REPLY_LABELS = {"agree": "Agree and change the rating", "disagree": "Disagree"}


@dataclass
class ChallengeItem:
    section: Section
    question: Question
    rag: str | None
    challenge: Challenge

    @property
    def status_label(self) -> str:
        return CHALLENGE_STATUS_LABELS[self.challenge.status]


def challenge_summary(view: ReturnView) -> list[ChallengeItem]:
    """Every challenge on the return, in the order its criteria appear."""
    return [
        ChallengeItem(section=s.section, question=c.question, rag=c.rag, challenge=c.challenge)
        for s in view.sections
        for c in s.criteria
        if c.challenge is not None
    ]


def get_event(event_id: int) -> ChallengeEvent:
    return get_or_404(ChallengeEvent, event_id, "challenge event")


def events_for_campaign(campaign_id: int) -> list[ChallengeEvent]:
    return list(
        db.session.execute(
            sa.select(ChallengeEvent)
            .where(ChallengeEvent.campaign_id == campaign_id)
            .options(selectinload(ChallengeEvent.returns))
            .order_by(ChallengeEvent.held_on.desc(), ChallengeEvent.id.desc())
        ).scalars()
    )


def events_for_return(return_id: int) -> list[ChallengeEvent]:
    return list(
        db.session.execute(
            sa.select(ChallengeEvent)
            .join(challenge_event_return, challenge_event_return.c.event_id == ChallengeEvent.id)
            .where(challenge_event_return.c.return_id == return_id)
            .order_by(ChallengeEvent.held_on)
        ).scalars()
    )


def returns_to_add(event: ChallengeEvent) -> list[Return]:
    """Submitted (or accepted) returns of the event's campaign not yet in the event."""
    in_event = {r.id for r in event.returns}
    rows = db.session.execute(
        sa.select(Return)
        .where(Return.campaign_id == event.campaign_id, Return.state.in_(SUBMITTED_STATES))
        .options(selectinload(Return.organisation))
        .order_by(Return.id)
    ).scalars()
    return sorted((r for r in rows if r.id not in in_event), key=lambda r: r.organisation.name)


@dataclass
class EventReturnRow:
    ret: Return
    challenges: list[Challenge]

    def count(self, status: str) -> int:
        return sum(1 for c in self.challenges if c.status == status)


def event_rows(event: ChallengeEvent) -> list[EventReturnRow]:
    """Each return in the event with the challenges recorded on it (in this event or before)."""
    ids = [r.id for r in event.returns]
    by_return: dict[int, list[Challenge]] = {i: [] for i in ids}
    if ids:
        for challenge, return_id in db.session.execute(
            sa.select(Challenge, ReturnAnswer.return_id)
            .join(ReturnAnswer, Challenge.return_answer_id == ReturnAnswer.id)
            .where(ReturnAnswer.return_id.in_(ids))
            .order_by(Challenge.id)
        ).all():
            by_return[return_id].append(challenge)
    return [
        EventReturnRow(ret=r, challenges=by_return[r.id])
        for r in sorted(event.returns, key=lambda r: r.organisation.name)
    ]
