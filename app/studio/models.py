"""Drafts of instruments being built or changed in the studio (the definition is the file's shape)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.states import Lifecycle, state_column_type
from app.utils import utcnow

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.questionnaire.models import InstrumentVersion


class DraftState(Lifecycle):
    draft = "draft"
    published = "published"

    @classmethod
    def transitions(cls):
        return {"draft": {"published"}}


class InstrumentDraft(db.Model):
    """An editable instrument definition. Publishing turns it into an immutable InstrumentVersion."""

    __tablename__ = "instrument_draft"
    __table_args__ = (
        sa.CheckConstraint("(state = 'published') = (published_version_id IS NOT NULL)", name="published_has_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(300))
    definition: Mapped[dict] = mapped_column(sa.JSON)
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("instrument_version.id"), index=True)
    published_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("instrument_version.id"))
    state: Mapped[DraftState] = mapped_column(
        state_column_type(DraftState, "instrument_draft_state"), default=DraftState.draft
    )
    lock_version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    based_on: Mapped[InstrumentVersion | None] = relationship(foreign_keys=[based_on_id], viewonly=True)
    published_version: Mapped[InstrumentVersion | None] = relationship(
        foreign_keys=[published_version_id], viewonly=True
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], viewonly=True)
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id], viewonly=True)

    # Two people saving the same draft: the database refuses the UPDATE carrying a stale lock_version.
    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def is_editable(self) -> bool:
        return self.state == DraftState.draft

    def __repr__(self) -> str:
        return f"<InstrumentDraft {self.id} {self.key}>"
