from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.states import Lifecycle, state_column_type
from app.utils import utcnow

if TYPE_CHECKING:
    from app.accounts.models import Organisation, User


class StatementState(Lifecycle):
    draft = "draft"
    # Sent to the quality assurance group, whose approval of the text comes before any signature (when the
    # partnership's check is on): the text signed is the text approved.
    awaiting_check = "awaiting_check"
    awaiting_signatures = "awaiting_signatures"
    in_force = "in_force"
    superseded = "superseded"
    review_required = "review_required"

    @classmethod
    def transitions(cls):
        return {
            "draft": {"awaiting_check", "awaiting_signatures"},
            # Approved: on to signatures. Sent back with reasons, or withdrawn by the lead: back to draft.
            "awaiting_check": {"draft", "awaiting_signatures"},
            # Back to draft only while nobody has signed; once signed, a change makes a new version.
            "awaiting_signatures": {"draft", "in_force", "superseded"},
            "in_force": {"superseded", "review_required"},
            "review_required": {"superseded"},
        }


# A statement under review after a material change stays on display until its successor is signed.
PUBLIC_STATES = (StatementState.in_force, StatementState.review_required)
OPEN_STATES = (StatementState.draft, StatementState.awaiting_check, StatementState.awaiting_signatures)
OPEN_STATES_SQL = "state IN ('draft', 'awaiting_check', 'awaiting_signatures')"
# States whose text is locked by its content hash but not yet sent to the signatories.
UNSENT_STATES_SQL = "state IN ('draft', 'awaiting_check')"


class RiskAssessment(db.Model):
    __tablename__ = "risk_assessment"
    __table_args__ = (
        sa.CheckConstraint(
            "NOT no_risks_identified OR (no_risks_justification IS NOT NULL AND no_risks_justification <> '')",
            name="no_risks_justified",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), unique=True)
    no_risks_identified: Mapped[bool] = mapped_column(default=False)
    no_risks_justification: Mapped[str | None] = mapped_column(sa.Text)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    risks: Mapped[list[Risk]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Risk.id"
    )

    @property
    def current_risks(self) -> list[Risk]:
        return [risk for risk in self.risks if risk.removed_at is None]

    @property
    def is_complete(self) -> bool:
        """Complete when at least one risk is recorded, or no risks are identified with a reason."""
        return bool(self.current_risks) or (self.no_risks_identified and bool(self.no_risks_justification))


class Risk(db.Model):
    """A risk of harm (abuse, not general health and safety) to children in the organisation's care."""

    __tablename__ = "risk"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("risk_assessment.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    where_when: Mapped[str] = mapped_column(sa.Text)
    measures_in_place: Mapped[str] = mapped_column(sa.Text)
    further_action: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str] = mapped_column(sa.String(200))
    review_date: Mapped[date]
    # Removed risks are kept (not deleted) so the actions raised from them keep their parent.
    removed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    assessment: Mapped[RiskAssessment] = relationship(back_populates="risks")


class Statement(db.Model):
    __tablename__ = "statement"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "version_number", name="uq_statement_organisation_version"),
        sa.CheckConstraint("state = 'draft' OR content_hash IS NOT NULL", name="signed_states_have_hash"),
        sa.CheckConstraint(
            "state <> 'in_force' OR (in_force_at IS NOT NULL AND review_due IS NOT NULL)", name="in_force_has_dates"
        ),
        # At most one statement in force per organisation.
        sa.Index(
            "uq_statement_one_in_force",
            "organisation_id",
            unique=True,
            sqlite_where=sa.text("state = 'in_force'"),
            postgresql_where=sa.text("state = 'in_force'"),
        ),
        # At most one version being written or signed per organisation.
        sa.Index(
            "uq_statement_one_open",
            "organisation_id",
            unique=True,
            sqlite_where=sa.text(OPEN_STATES_SQL),
            postgresql_where=sa.text(OPEN_STATES_SQL),
        ),
        sa.CheckConstraint(f"{UNSENT_STATES_SQL} OR sent_for_signatures_at IS NOT NULL", name="sent_states_have_time"),
        sa.CheckConstraint(
            "state <> 'awaiting_check' OR sent_for_check_at IS NOT NULL", name="checked_states_have_time"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    version_number: Mapped[int]
    instrument_version_id: Mapped[int] = mapped_column(sa.ForeignKey("instrument_version.id"))
    sections: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # section key -> text
    state: Mapped[StatementState] = mapped_column(
        state_column_type(StatementState, "statement_state"), default=StatementState.draft
    )
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    required_capacities: Mapped[list] = mapped_column(sa.JSON, default=list)
    material_change_note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_for_signatures_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # When the lead last sent this version to the quality assurance group to check (app/statements/services/checks.py).
    sent_for_check_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The short random code of the page where staff confirm they have read this version (/s/<code>), set when it
    # comes into force; a new version has a new code, so its count starts again.
    read_code: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    in_force_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    review_due: Mapped[date | None]
    superseded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The organisation as it was named when the statement was sent for signatures: what its signatories signed
    # for, kept so that renaming the organisation later does not change what was sealed.
    organisation_name: Mapped[str | None] = mapped_column(sa.String(200))
    organisation_slug: Mapped[str | None] = mapped_column(sa.String(100))
    # The Ed25519 seal made when the statement came into force (app/statements/seals.py).
    seal_key_id: Mapped[str | None] = mapped_column(sa.String(16))
    seal_signature: Mapped[str | None] = mapped_column(sa.String(88))

    organisation: Mapped[Organisation] = relationship()
    signatures: Mapped[list[Signature]] = relationship(back_populates="statement", order_by="Signature.signed_at")
    checks: Mapped[list[StatementCheck]] = relationship(back_populates="statement", order_by="StatementCheck.id")

    @property
    def valid_signatures(self) -> list[Signature]:
        return [s for s in self.signatures if s.voided_at is None]

    @property
    def signed_capacities(self) -> set[str]:
        return {s.capacity for s in self.valid_signatures}

    @property
    def missing_capacities(self) -> list[str]:
        signed = self.signed_capacities
        return [c for c in self.required_capacities if c not in signed]

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    @property
    def latest_check(self) -> StatementCheck | None:
        return self.checks[-1] if self.checks else None

    @property
    def text_approved(self) -> bool:
        """The quality assurance group approved exactly this text (its content hash)."""
        return any(
            c.decision == CheckDecision.approved and c.content_hash == self.content_hash and self.content_hash
            for c in self.checks
        )

    @property
    def sent_back(self) -> StatementCheck | None:
        """The check that sent this draft back with reasons, while it is a draft because of it."""
        latest = self.latest_check
        if self.state == StatementState.draft and latest is not None and latest.decision == CheckDecision.returned:
            return latest
        return None


class Signature(db.Model):
    """Immutable: stores the SHA-256 of the canonical statement content the signatory saw."""

    __tablename__ = "signature"
    __table_args__ = (sa.UniqueConstraint("statement_id", "capacity", name="uq_signature_statement_capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("statement.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    signatory_name: Mapped[str] = mapped_column(sa.String(200))
    capacity: Mapped[str] = mapped_column(sa.String(32))
    signed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    voided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The Ed25519 seal made when the signature was given (app/statements/seals.py).
    seal_key_id: Mapped[str | None] = mapped_column(sa.String(16))
    seal_signature: Mapped[str | None] = mapped_column(sa.String(88))

    statement: Mapped[Statement] = relationship(back_populates="signatures")
    user: Mapped[User] = relationship()


class CheckDecision(str, enum.Enum):
    approved = "approved"
    returned = "returned"


class StatementCheck(db.Model):
    """The quality assurance group's decision on one statement text: approved, or sent back with reasons.

    Kept, never changed, so the lead sees why a draft came back and the register shows who approved what. Not part
    of the sealed payload (app/statements/seals.py): the seal is over what was signed; the check is in the activity
    log and here.
    """

    __tablename__ = "statement_check"
    __table_args__ = (
        sa.CheckConstraint(
            "decision <> 'returned' OR (reasons IS NOT NULL AND reasons <> '')", name="returned_with_reasons"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("statement.id"), index=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    decision: Mapped[CheckDecision] = mapped_column(state_column_type(CheckDecision, "check_decision"))
    reasons: Mapped[str | None] = mapped_column(sa.Text)
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    checked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    statement: Mapped[Statement] = relationship(back_populates="checks")
    checked_by: Mapped[User | None] = relationship()


class ReadConfirmation(db.Model):
    """Someone (staff, volunteer) confirmed they have read a statement version on its public page. Only an optional
    first name and role are kept: never an address, email or anything else that identifies them."""

    __tablename__ = "statement_read"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("statement.id"), index=True)
    first_name: Mapped[str | None] = mapped_column(sa.String(50))
    role: Mapped[str | None] = mapped_column(sa.String(80))
    read_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class SealEvent(db.Model):
    """One link of the append-only chain over every seal made (app/statements/chain.py).

    Each event names what was sealed and the SHA-256 of its sealed payload, carries the hash of the event before
    it, and is itself sealed, so removing, reordering or rewriting any event breaks the chain from there on.
    """

    __tablename__ = "seal_event"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('signature', 'statement')", name="kind_known"),
        sa.CheckConstraint("(kind = 'signature') = (signature_id IS NOT NULL)", name="signature_events_name_one"),
        sa.CheckConstraint("sequence > 0", name="sequence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("statement.id"), index=True)
    signature_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signature.id"), unique=True)
    payload_hash: Mapped[str] = mapped_column(sa.String(64))
    previous_hash: Mapped[str] = mapped_column(sa.String(64))
    event_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    seal_key_id: Mapped[str] = mapped_column(sa.String(16))
    seal_signature: Mapped[str] = mapped_column(sa.String(88))
