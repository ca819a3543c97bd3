"""The anonymous practitioner survey's tables: a link per organisation in a campaign, its one-time codes, the
responses (no user, no address, only a date) and the results kept when a survey closes."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.questionnaire.storage import AnswerColumns
from app.utils import utcnow

if TYPE_CHECKING:
    from app.accounts.models import Organisation
    from app.selfassessment.models import Campaign


class SurveyLink(db.Model):
    __tablename__ = "survey_link"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "organisation_id", name="uq_survey_link_campaign_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Once closed, for good: no more responses, and its results are read only from its SurveySnapshot.
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship()
    organisation: Mapped[Organisation] = relationship()

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class SurveyCode(db.Model):
    """A one-time response code, kept only as a hash. Spending one marks it spent and nothing else: the response it
    was spent on is not recorded, and neither is when."""

    __tablename__ = "survey_code"
    __table_args__ = (sa.UniqueConstraint("survey_link_id", "code_hash", name="uq_survey_code_link_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_link_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_link.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    spent: Mapped[bool] = mapped_column(default=False)


class SurveySnapshot(db.Model):
    """Survey results computed once, when a survey closes (one organisation: survey_link_id set) or when its
    campaign closes (the partnership: survey_link_id empty), with noise already added. Never recomputed."""

    __tablename__ = "survey_snapshot"
    __table_args__ = (
        sa.Index(
            "uq_survey_snapshot_partnership",
            "campaign_id",
            unique=True,
            sqlite_where=sa.text("survey_link_id IS NULL"),
            postgresql_where=sa.text("survey_link_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    survey_link_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_link.id", ondelete="CASCADE"), unique=True)
    taken_on: Mapped[date]
    figures: Mapped[dict] = mapped_column(sa.JSON)


class SurveyResponse(db.Model):
    """Anonymous: no user, no IP, no user agent, and only the date (not the time) it was given."""

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_link_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_link.id", ondelete="CASCADE"), index=True)
    instrument_version_id: Mapped[int] = mapped_column(sa.ForeignKey("instrument_version.id"))
    submitted_on: Mapped[date]

    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class SurveyAnswer(AnswerColumns, db.Model):
    __tablename__ = "survey_answer"
    __table_args__ = (
        sa.UniqueConstraint("survey_response_id", "question_key", name="uq_survey_answer_response_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_response_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
