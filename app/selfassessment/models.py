from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.questionnaire.storage import AnswerColumns, AnswerNotes
from app.states import Lifecycle, state_column_type
from app.utils import new_figures_token, utcnow

# The survey's tables live in survey_models.py; importing them here keeps `app.selfassessment.models` the one place
# every self-assessment table can be imported from.
from app.selfassessment.survey_models import (  # noqa: F401
    SurveyAnswer,
    SurveyCode,
    SurveyLink,
    SurveyResponse,
    SurveySnapshot,
)

if TYPE_CHECKING:
    from app.accounts.models import Organisation, User
    from app.questionnaire.models import InstrumentVersion

RAG_VALUES = ("green", "amber", "red")


class CampaignState(Lifecycle):
    draft = "draft"
    open = "open"
    closed = "closed"

    @classmethod
    def transitions(cls):
        return {"draft": {"open"}, "open": {"closed"}, "closed": {"open"}}


class ReturnState(Lifecycle):
    not_started = "not_started"
    in_progress = "in_progress"
    awaiting_signoff = "awaiting_signoff"
    submitted = "submitted"
    returned = "returned"
    accepted = "accepted"

    @property
    def label(self) -> str:
        return "Awaiting sign-off" if self.value == "awaiting_signoff" else super().label

    @classmethod
    def transitions(cls):
        return {
            "not_started": {"in_progress", "submitted"},
            "in_progress": {"submitted", "awaiting_signoff"},
            # Answers are locked while the organisation's leaders sign off; the lead may withdraw it to edit.
            "awaiting_signoff": {"submitted", "in_progress"},
            "submitted": {"returned", "accepted"},
            "returned": {"in_progress", "submitted", "awaiting_signoff"},
            "accepted": {"returned"},
        }


campaign_org_type = sa.Table(
    "campaign_org_type",
    db.metadata,
    sa.Column("campaign_id", sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("org_type", sa.String(32), primary_key=True),
)


class Campaign(db.Model):
    __tablename__ = "campaign"
    __table_args__ = (sa.UniqueConstraint("instrument_version_id", "cycle", name="uq_campaign_version_cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_version_id: Mapped[int] = mapped_column(sa.ForeignKey("instrument_version.id"), index=True)
    survey_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("instrument_version.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    cycle: Mapped[str] = mapped_column(sa.String(16))  # e.g. "2025-26"
    due_date: Mapped[date]
    state: Mapped[CampaignState] = mapped_column(
        state_column_type(CampaignState, "campaign_state"), default=CampaignState.draft
    )
    previous_campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Changes whenever anything the campaign's findings figures are computed from changes (app/findings/freshness.py).
    figures_token: Mapped[str | None] = mapped_column(sa.String(32), deferred=True, default=new_figures_token)
    # Its returns are kept counted as they change (app/selfassessment/tallies.py); false for a campaign from before
    # they were, whose figures are worked out from its answers until it is counted.
    tallied: Mapped[bool] = mapped_column(default=True, server_default=sa.false())
    # The fewest responses with which an organisation's survey answers are counted in the campaign's survey tally
    # (app/selfassessment/survey_tally.py): MIN_CELL_SIZE when it was counted; none while it is not.
    survey_counted_from: Mapped[int | None]

    returns: Mapped[list[Return]] = relationship(back_populates="campaign", cascade="all, delete-orphan")
    # Loaded with the campaign (one statement, not two more): nearly every page and figure of a campaign reads its
    # instrument; the versions' definitions stay deferred.
    instrument_version: Mapped[InstrumentVersion] = relationship(foreign_keys=[instrument_version_id], lazy="joined")
    survey_version: Mapped[InstrumentVersion | None] = relationship(foreign_keys=[survey_version_id], lazy="joined")
    previous_campaign: Mapped[Campaign | None] = relationship(remote_side=[id])

    @property
    def is_open(self) -> bool:
        return self.state == CampaignState.open

    @property
    def label(self) -> str:
        """The title, with the cycle added when the title does not already say it."""
        return self.title if self.cycle in self.title else f"{self.title} ({self.cycle})"

    @property
    def invited_org_types(self) -> list[str]:
        rows = db.session.execute(
            sa.select(campaign_org_type.c.org_type).where(campaign_org_type.c.campaign_id == self.id)
        ).scalars()
        return sorted(rows)


class Return(db.Model):
    __tablename__ = "sa_return"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "organisation_id", name="uq_sa_return_campaign_organisation"),
        sa.CheckConstraint(
            "(state IN ('submitted', 'accepted')) = (submitted_at IS NOT NULL)", name="submitted_has_time"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    state: Mapped[ReturnState] = mapped_column(
        state_column_type(ReturnState, "sa_return_state"), default=ReturnState.not_started
    )
    lock_version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    declaration_name: Mapped[str | None] = mapped_column(sa.String(200))
    returned_reason: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # An extension given to this organisation alone: its return is due then instead of on the campaign's date.
    extended_to: Mapped[date | None] = mapped_column(sa.Date)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Who must sign off (signatory capacities), fixed when the lead sends it for sign-off; empty when none is needed.
    signoff_capacities: Mapped[list] = mapped_column(sa.JSON, default=list)
    sent_for_signoff_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship(back_populates="returns")
    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    answers: Mapped[list[ReturnAnswer]] = relationship(back_populates="return_", cascade="all, delete-orphan")
    signoffs: Mapped[list[ReturnSignoff]] = relationship(
        back_populates="return_", cascade="all, delete-orphan", order_by="ReturnSignoff.signed_at"
    )

    @property
    def signed_capacities(self) -> set[str]:
        return {s.capacity for s in self.signoffs}

    @property
    def missing_capacities(self) -> list[str]:
        signed = self.signed_capacities
        return [c for c in self.signoff_capacities or [] if c not in signed]

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def due_date(self) -> date:
        """When this return is due: its extension when it has one later than the campaign's due date (an extension
        never brings a date forward), otherwise the campaign's. Every reminder, overdue tag and figure uses this (or
        `due_date_expression` in SQL)."""
        campaign_due = self.campaign.due_date
        return self.extended_to if self.extended_to is not None and self.extended_to > campaign_due else campaign_due


def due_date_expression():
    """`Return.due_date` in SQL, for a query joining Return to Campaign."""
    return sa.case((Return.extended_to > Campaign.due_date, Return.extended_to), else_=Campaign.due_date)


class ReturnAnswer(AnswerColumns, AnswerNotes, db.Model):
    __tablename__ = "return_answer"
    __table_args__ = (
        sa.UniqueConstraint("return_id", "question_key", name="uq_return_answer_return_question"),
        sa.CheckConstraint("rag IS NULL OR rag IN ('green', 'amber', 'red')", name="rag_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("sa_return.id", ondelete="CASCADE"), index=True)
    # Carried forward from the previous cycle: must be re-confirmed (or changed) before submission.
    carried_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("return_answer.id", ondelete="SET NULL"))
    reconfirmed: Mapped[bool] = mapped_column(default=True)

    return_: Mapped[Return] = relationship(back_populates="answers")
    carried_from: Mapped[ReturnAnswer | None] = relationship(remote_side=[id])
    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="answer", cascade="all, delete-orphan", order_by="EvidenceFile.id"
    )
    challenge: Mapped[Challenge | None] = relationship(
        back_populates="answer", uselist=False, cascade="all, delete-orphan"
    )
    ratings: Mapped[list[CriterionRating]] = relationship(
        back_populates="answer", cascade="all, delete-orphan", order_by="CriterionRating.id"
    )


class CriterionRating(db.Model):
    """A criterion re-rated during the year, after its return was submitted and once all its actions were closed.
    The rating at submission stays on the answer; the latest of these is the current rating. Never changed."""

    __tablename__ = "criterion_rating"
    __table_args__ = (sa.CheckConstraint("rag IN ('green', 'amber', 'red')", name="rag_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_answer_id: Mapped[int] = mapped_column(sa.ForeignKey("return_answer.id", ondelete="CASCADE"), index=True)
    rag: Mapped[str] = mapped_column(sa.String(8))
    reason: Mapped[str] = mapped_column(sa.Text)
    rated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    rated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    answer: Mapped[ReturnAnswer] = relationship(back_populates="ratings")
    rated_by: Mapped[User | None] = relationship(foreign_keys=[rated_by_id])


class ReturnSignoff(db.Model):
    """One leader's sign-off of a return awaiting sign-off, given with their password; voided (deleted) when the
    lead withdraws the return to change it."""

    __tablename__ = "return_signoff"
    __table_args__ = (sa.UniqueConstraint("return_id", "capacity", name="uq_return_signoff_return_capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("sa_return.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    signatory_name: Mapped[str] = mapped_column(sa.String(200))
    capacity: Mapped[str] = mapped_column(sa.String(32))
    signed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    return_: Mapped[Return] = relationship(back_populates="signoffs")


class EvidenceFile(db.Model):
    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_answer_id: Mapped[int] = mapped_column(sa.ForeignKey("return_answer.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    answer: Mapped[ReturnAnswer] = relationship(back_populates="files")


class Challenge(db.Model):
    """QA's moderated view of one criterion; the self-assessed RAG on the answer is kept alongside."""

    __tablename__ = "challenge"
    __table_args__ = (
        sa.CheckConstraint("moderated_rag IN ('green', 'amber', 'red')", name="moderated_rag_known"),
        sa.CheckConstraint("reply_kind IS NULL OR reply_kind IN ('agree', 'disagree')", name="reply_kind_known"),
        sa.CheckConstraint("reply_rag IS NULL OR reply_rag IN ('green', 'amber', 'red')", name="reply_rag_known"),
        sa.CheckConstraint("(reply_kind IS NULL) = (replied_at IS NULL)", name="reply_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_answer_id: Mapped[int] = mapped_column(sa.ForeignKey("return_answer.id", ondelete="CASCADE"), unique=True)
    moderated_rag: Mapped[str] = mapped_column(sa.String(8))
    comment: Mapped[str] = mapped_column(sa.Text)
    challenged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    challenged_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Recorded during this challenge event, if any.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("challenge_event.id", ondelete="SET NULL"), index=True)
    # The organisation's structured reply: agree (and change its rating to reply_rag) or disagree, with evidence.
    reply_kind: Mapped[str | None] = mapped_column(sa.String(16))
    reply_rag: Mapped[str | None] = mapped_column(sa.String(8))
    reply_text: Mapped[str | None] = mapped_column(sa.Text)
    reply_link: Mapped[str | None] = mapped_column(sa.String(500))
    reply_file_name: Mapped[str | None] = mapped_column(sa.String(255))
    reply_stored_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    replied_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    answer: Mapped[ReturnAnswer] = relationship(back_populates="challenge")
    challenged_by: Mapped[User | None] = relationship(foreign_keys=[challenged_by_id])
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])
    event: Mapped[ChallengeEvent | None] = relationship(back_populates="challenges")

    @property
    def status(self) -> str:
        """awaiting_reply, replied (QA to decide) or accepted."""
        if self.accepted_at is not None:
            return "accepted"
        return "replied" if self.replied_at is not None else "awaiting_reply"


challenge_event_return = sa.Table(
    "challenge_event_return",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("challenge_event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("return_id", sa.ForeignKey("sa_return.id", ondelete="CASCADE"), primary_key=True),
)


class ChallengeEvent(db.Model):
    """A QA challenge session: returns of one campaign reviewed together by a panel on a date."""

    __tablename__ = "challenge_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date]
    panel: Mapped[str] = mapped_column(sa.Text)  # one member a line: name and role
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    returns: Mapped[list[Return]] = relationship(secondary=challenge_event_return, order_by="Return.id")
    challenges: Mapped[list[Challenge]] = relationship(back_populates="event")

    @property
    def panel_members(self) -> list[str]:
        return [line.strip() for line in (self.panel or "").splitlines() if line.strip()]
