"""A campaign's returns kept counted as they change (app/selfassessment/tallies.py), so that its findings figures
are worked out from one row per return and a few hundred counts, not from every rated criterion.

- `ReturnTally`: one return's figures per standard and per theme, worked out again from the return's own answers
  whenever it is submitted or returned, or one of its criteria is challenged or its challenge settled. Only the
  tallies of submitted and accepted returns are read.
- `CampaignRatingTally`: the rated criteria of the campaign's submitted and accepted returns counted per question
  and self-assessed and agreed rating; a return's criteria are added when it is counted and taken away when it is
  sent back or its agreed ratings change (by what its `ReturnTally.ratings` were).

- `CampaignSurveyTally`: the practitioner survey's answers per statement and option, of the organisations with at
  least `Campaign.survey_counted_from` responses (MIN_CELL_SIZE when it was counted): an organisation's answers are
  added whole when its survey reaches that many responses, and each later response's as it arrives. The exact
  partnership figures partnership staff see are worked out from it.

Nothing here is new information: every row can be worked out again from the answers (`tallies.build_campaign`),
and a campaign whose returns were never counted (`Campaign.tallied` false: campaigns from before they were kept)
has its figures worked out from its answers instead."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ReturnTally(db.Model):
    """A return's figures (app.selfassessment.return_figures): `figures`, per standard, per theme of scored
    questions, and per theme over every rated criterion, the figures the campaign's findings show per
    organisation, and its ratings counted, placed by the layout named `layout` and packed as 16-bit integers
    (`return_figures.pack`); `rerated`, its criteria re-rated during the year, [question key, rating at
    submission, current rating] (none: NULL). `ratings`: its rated criteria, [question key, self-assessed RAG,
    agreed RAG], as `counted` (in the campaign's `CampaignRatingTally`) or not."""

    __tablename__ = "return_tally"

    return_id: Mapped[int] = mapped_column(sa.ForeignKey("sa_return.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    counted: Mapped[bool]
    layout: Mapped[str] = mapped_column(sa.String(16))
    figures: Mapped[bytes] = mapped_column(sa.LargeBinary)
    rerated: Mapped[list | None] = mapped_column(sa.JSON(none_as_null=True))
    ratings: Mapped[list] = mapped_column(sa.JSON, deferred=True)


class CampaignRatingTally(db.Model):
    __tablename__ = "campaign_rating_tally"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)  # as stored in return_answer
    rag: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    agreed_rag: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    criteria: Mapped[int] = mapped_column(default=0)


class CampaignSurveyTally(db.Model):
    __tablename__ = "campaign_survey_tally"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)  # as stored in survey_answer
    value: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
