from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils import utcnow

if TYPE_CHECKING:
    from app.questionnaire.definition import Instrument


class InstrumentModel(db.Model):
    __tablename__ = "instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(300))

    versions: Mapped[list["InstrumentVersion"]] = relationship(
        back_populates="instrument", order_by="InstrumentVersion.version.desc()"
    )

    @property
    def latest(self) -> "InstrumentVersion | None":
        return self.versions[0] if self.versions else None


class InstrumentVersion(db.Model):
    """A published version of an instrument. Immutable once stored."""

    __tablename__ = "instrument_version"
    __table_args__ = (sa.UniqueConstraint("instrument_id", "version", name="uq_instrument_version_instrument_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instrument.id"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # Deferred: pages need the parsed definition, which is cached per version (see `parsed`), not the JSON.
    definition: Mapped[dict] = mapped_column(sa.JSON, deferred=True)
    source_file: Mapped[str | None] = mapped_column(sa.String(500))
    loaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    instrument: Mapped[InstrumentModel] = relationship(back_populates="versions")

    @property
    def parsed(self) -> "Instrument":
        """The typed definition. Versions are immutable, so the parse is shared by content hash."""
        from app.questionnaire.store import parsed_definition

        return parsed_definition(self.content_hash, lambda: self.definition, self.id)

    @property
    def key(self) -> str:
        return self.instrument.key

    @property
    def kind(self) -> str:
        return self.instrument.kind

    @property
    def title(self) -> str:
        return self.parsed.title or self.instrument.title

    @property
    def label(self) -> str:
        return f"{self.title} (version {self.version})"

    def __repr__(self) -> str:
        return f"<InstrumentVersion {self.instrument_id} v{self.version}>"


IMMUTABLE_VERSION_COLUMNS = ("instrument_id", "version", "content_hash", "definition")


@event.listens_for(InstrumentVersion, "before_update")
def _refuse_changes_to_published_versions(mapper, connection, target):  # guard rail
    state = sa.inspect(target)
    changed = [name for name in IMMUTABLE_VERSION_COLUMNS if state.attrs[name].history.has_changes()]
    if changed:
        raise RuntimeError(f"Published instrument versions are immutable (tried to change {', '.join(changed)})")
