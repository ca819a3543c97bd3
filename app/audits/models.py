from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.questionnaire.storage import AnswerColumns, AnswerNotes
from app.states import Lifecycle, state_column_type
from app.utils import new_figures_token, utcnow

if TYPE_CHECKING:
    from app.accounts.models import Organisation, User
    from app.questionnaire.models import InstrumentVersion

AGE_BANDS = {
    "unborn": "Unborn",
    "under_1": "Under 1",
    "1_4": "1 to 4",
    "5_9": "5 to 9",
    "10_15": "10 to 15",
    "16_17": "16 to 17",
    "not_recorded": "Not recorded",
}
GENDERS = {"female": "Female", "male": "Male", "other": "Other", "not_recorded": "Not recorded"}
# ONS 2021 census high-level ethnic groups.
ETHNICITIES = {
    "asian": "Asian, Asian British or Asian Welsh",
    "black": "Black, Black British, Black Welsh, Caribbean or African",
    "mixed": "Mixed or Multiple ethnic groups",
    "white": "White",
    "other": "Other ethnic group",
    "not_recorded": "Not recorded",
}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class RoundState(Lifecycle):
    draft = "draft"
    open = "open"
    moderation = "moderation"
    closed = "closed"

    @classmethod
    def transitions(cls):
        return {"draft": {"open"}, "open": {"moderation"}, "moderation": {"open", "closed"}}

    @property
    def phrase(self) -> str:
        """Reads after "the round is": "the round is in moderation"."""
        return {"draft": "a draft", "moderation": "in moderation"}.get(self.value, self.value)


class AuditorMode(Lifecycle):
    self_audit = "self_audit"
    external = "external"

    @property
    def label(self) -> str:
        return {"self_audit": "Each agency audits its own records", "external": "External auditor"}[self.value]


class ResponseState(Lifecycle):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"

    @classmethod
    def transitions(cls):
        return {"draft": {"submitted"}, "submitted": {"returned"}, "returned": {"submitted"}}


round_organisation = sa.Table(
    "round_organisation",
    db.metadata,
    sa.Column("round_id", sa.ForeignKey("audit_round.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisation.id"), primary_key=True),
)


class AuditRound(db.Model):
    __tablename__ = "audit_round"
    __table_args__ = (sa.CheckConstraint("period_end >= period_start", name="period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_version_id: Mapped[int] = mapped_column(sa.ForeignKey("instrument_version.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    area: Mapped[str | None] = mapped_column(sa.String(100))
    period_start: Mapped[date]
    period_end: Mapped[date]
    due_date: Mapped[date]
    state: Mapped[RoundState] = mapped_column(
        state_column_type(RoundState, "audit_round_state"), default=RoundState.draft
    )
    auditor_mode: Mapped[AuditorMode] = mapped_column(
        state_column_type(AuditorMode, "audit_round_auditor_mode"), default=AuditorMode.self_audit
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    purged_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Aggregated figures kept when case-level data is purged under the retention policy.
    figures_snapshot: Mapped[dict | None] = mapped_column(sa.JSON)
    # Changes whenever anything the round's findings figures are computed from changes (app/findings/freshness.py).
    figures_token: Mapped[str | None] = mapped_column(sa.String(32), deferred=True, default=new_figures_token)
    # Whether the round's answers are kept counted as they change (app/audits/tally_models.py). A new round's are;
    # a round from before they were kept has its figures worked out from its answers until `flask audits tally`
    # (or the next submission in it) counts them.
    tallied: Mapped[bool] = mapped_column(default=True, server_default=sa.false())

    organisations: Mapped[list[Organisation]] = relationship(secondary=round_organisation, order_by="Organisation.name")
    # Read-only, so list pages can eager-load every round's version in one query; loaded with the round (its
    # definition deferred), as nearly every page of a round reads its questions.
    instrument_version: Mapped[InstrumentVersion] = relationship(viewonly=True, lazy="joined")
    cases: Mapped[list[AuditCase]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="AuditCase.reference"
    )


class AuditCase(db.Model):
    __tablename__ = "audit_case"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "reference", name="uq_audit_case_round_reference"),
        sa.CheckConstraint("age_band IS NULL OR " + _in("age_band", AGE_BANDS), name="age_band_known"),
        sa.CheckConstraint("gender IS NULL OR " + _in("gender", GENDERS), name="gender_known"),
        sa.CheckConstraint("ethnicity IS NULL OR " + _in("ethnicity", ETHNICITIES), name="ethnicity_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_round.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(sa.String(32))
    age_band: Mapped[str | None] = mapped_column(sa.String(16))
    gender: Mapped[str | None] = mapped_column(sa.String(16))
    ethnicity: Mapped[str | None] = mapped_column(sa.String(16))
    area: Mapped[str | None] = mapped_column(sa.String(100))
    # Set when the round is closed without this case being moderated.
    not_moderated_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The agency leading the child's case, told of a live concern (app/audits/queries/concerns.py: lead_agency).
    lead_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))

    round: Mapped[AuditRound] = relationship(back_populates="cases")
    lead_organisation: Mapped[Organisation | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(back_populates="case", cascade="all, delete-orphan")
    moderation: Mapped[Moderation | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False
    )
    # Longitudinal audit: the same child's case in an earlier round, linked by its pseudonymous reference.
    previous_case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("audit_case.id", ondelete="SET NULL"), index=True
    )
    previous_case: Mapped[AuditCase | None] = relationship(remote_side="AuditCase.id", foreign_keys=[previous_case_id])


class Assignment(db.Model):
    __tablename__ = "assignment"
    __table_args__ = (sa.UniqueConstraint("case_id", "organisation_id", name="uq_assignment_case_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_case.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    auditor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)

    case: Mapped[AuditCase] = relationship(back_populates="assignments")
    organisation: Mapped[Organisation] = relationship()
    auditor: Mapped[User | None] = relationship()
    response: Mapped[CaseResponse | None] = relationship(
        back_populates="assignment", uselist=False, cascade="all, delete-orphan"
    )


class CaseResponse(db.Model):
    __tablename__ = "case_response"
    __table_args__ = (
        sa.CheckConstraint("(state = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"),
        sa.CheckConstraint("state <> 'returned' OR returned_reason IS NOT NULL", name="returned_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)
    instrument_version_id: Mapped[int] = mapped_column(sa.ForeignKey("instrument_version.id"), index=True)
    state: Mapped[ResponseState] = mapped_column(
        state_column_type(ResponseState, "case_response_state"), default=ResponseState.draft
    )
    lock_version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    returned_reason: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    assignment: Mapped[Assignment] = relationship(back_populates="response")
    answers: Mapped[list[CaseAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    # Read-only, so the scoring pages can load the version (its definition deferred) with the response.
    instrument_version: Mapped[InstrumentVersion] = relationship(viewonly=True)

    # The database refuses an UPDATE whose lock_version is stale, even if two saves race.
    __mapper_args__ = {"version_id_col": lock_version}


class CaseAnswer(AnswerColumns, AnswerNotes, db.Model):
    """One answer to one question (the engine's answer columns, app.questionnaire.storage)."""

    __tablename__ = "case_answer"
    __table_args__ = (sa.UniqueConstraint("response_id", "question_key", name="uq_case_answer_response_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("case_response.id", ondelete="CASCADE"), index=True)

    response: Mapped[CaseResponse] = relationship(back_populates="answers")


class Moderation(db.Model):
    __tablename__ = "moderation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_case.id", ondelete="CASCADE"), unique=True)
    overall_grade: Mapped[str | None] = mapped_column(sa.String(64))
    strengths: Mapped[str | None] = mapped_column(sa.Text)
    areas_for_improvement: Mapped[str | None] = mapped_column(sa.Text)
    learning: Mapped[str | None] = mapped_column(sa.Text)
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    moderated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    case: Mapped[AuditCase] = relationship(back_populates="moderation")
    answers: Mapped[list[ModeratedAnswer]] = relationship(back_populates="moderation", cascade="all, delete-orphan")
    moderator: Mapped[User | None] = relationship()


_CASE_ROW = "organisation_id IS NULL"
_AGENCY_ROW = "organisation_id IS NOT NULL"


class ModeratedAnswer(db.Model):
    """The panel's agreed answer to one question of a moderated case.

    A question about the case has one agreed answer (no organisation). A question about each auditing agency's own
    work is agreed per agency: a row names the agency whose answer the panel changed or commented on; an agency
    without a row keeps its own answer as the agreed one. PostgreSQL treats NULLs as distinct in a unique
    constraint, so uniqueness is two partial unique indexes, one for each kind of row, on both databases."""

    __tablename__ = "moderated_answer"
    __table_args__ = (
        sa.Index(
            "uq_moderated_answer_case_question",
            "moderation_id",
            "question_key",
            unique=True,
            sqlite_where=sa.text(_CASE_ROW),
            postgresql_where=sa.text(_CASE_ROW),
        ),
        sa.Index(
            "uq_moderated_answer_agency_question",
            "moderation_id",
            "question_key",
            "organisation_id",
            unique=True,
            sqlite_where=sa.text(_AGENCY_ROW),
            postgresql_where=sa.text(_AGENCY_ROW),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    moderation_id: Mapped[int] = mapped_column(sa.ForeignKey("moderation.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(sa.String(100), index=True)
    # The agency an agreed answer to a question about each agency's own work is for; None for a case question.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    value: Mapped[str | None] = mapped_column(sa.String(64))
    score: Mapped[int | None]
    meets_standard: Mapped[bool | None]
    excluded: Mapped[bool] = mapped_column(default=False)
    # The panel's reasoning for this rating; case-level text, so it is removed by the retention purge.
    comment: Mapped[str | None] = mapped_column(sa.Text)

    moderation: Mapped[Moderation] = relationship(back_populates="answers")
    organisation: Mapped[Organisation | None] = relationship()
