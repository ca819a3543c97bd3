"""A round's answers kept counted as they change (app/audits/tallies.py), so that its findings figures are worked
out from hundreds of rows, not from every answer of every case.

- `RoundAnswerTally`: the submitted answers per agency, question and stored value; a response adds its answers when
  it is submitted and takes them away when it is returned (a submitted response's answers cannot change).
- `RoundAgreementTally`: the agreement units of the round's cases counted per question and ratings.
- `CaseTally`, `CaseAgreementUnit`, `CaseDrift`: per case, worked out again from the case's own answers and
  moderation whenever one of its responses is submitted or returned, or its moderation is saved: the case's scored
  and met answers (for the breakdowns by the children's details), the ratings each question got from two or more
  agencies (the agreement between agencies), and how often each agency's ratings differed from the agreed ones.

Nothing here is new information: every row can be worked out again from the answers (`tallies.build_round`), and
a round whose counts were never kept (`AuditRound.tallied` false: rounds from before they were kept) has its
figures worked out from its answers instead."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RoundAnswerTally(db.Model):
    __tablename__ = "round_answer_tally"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), primary_key=True)
    question_key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text, primary_key=True)  # as stored in case_answer.value
    answers: Mapped[int] = mapped_column(default=0)
    scored: Mapped[int] = mapped_column(default=0)  # with a meets_standard
    met: Mapped[int] = mapped_column(default=0)
    excluded: Mapped[int] = mapped_column(default=0)


class CaseTally(db.Model):
    __tablename__ = "case_tally"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_case.id", ondelete="CASCADE"), primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), index=True)
    submitted: Mapped[int] = mapped_column(default=0)  # responses submitted for the case (a row: at least one)
    pooled: Mapped[bool] = mapped_column(default=False)  # a criterion of it is rated by two or more agencies
    # Over the case's submitted answers but the overall judgement's.
    scored: Mapped[int] = mapped_column(default=0)
    met: Mapped[int] = mapped_column(default=0)


class CaseAgreementUnit(db.Model):
    """One question of one case rated by two or more agencies: the ratings it got, on the question's ordinal
    scale, sorted (app.audits.agreement.unit_key), written as text: "1.0,2.0,2.0"."""

    __tablename__ = "case_agreement_unit"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_case.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), index=True)
    ratings: Mapped[str] = mapped_column(sa.Text)
    pooled: Mapped[bool]  # counted in the round's pooled figures: every criterion but the overall judgement


class RoundAgreementTally(db.Model):
    """The round's `CaseAgreementUnit` rows counted per question and ratings: the tally its agreement between
    agencies is worked out from (app.audits.agreement). Changed by what a case's units were and are now."""

    __tablename__ = "round_agreement_tally"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    ratings: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    units: Mapped[int] = mapped_column(default=0)


class CaseDrift(db.Model):
    """How many of one agency's ratings in one moderated case had an agreed rating to compare with, and how many
    differed from it."""

    __tablename__ = "case_drift"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_case.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), index=True)
    compared: Mapped[int]
    differed: Mapped[int]
