"""The background job table: one row per download someone asked for, the truth about it whatever runs it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.utils import utcnow

# "expired": done, and its file deleted after JOBS_FILE_RETENTION_HOURS (app.jobs.expiry).
JOB_STATUSES = ("queued", "running", "done", "failed", "expired")


class BackgroundJob(db.Model):
    """A file prepared off the request for the user who asked: its kind and parameters, where it has got to,
    and the file (in app.filestore) once it is ready. Only that user is ever shown it."""

    __tablename__ = "background_job"
    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'expired')", name="status_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("progress_percent BETWEEN 0 AND 100", name="progress_is_percent"),
        sa.Index("ix_background_job_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(300))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    progress_percent: Mapped[int] = mapped_column(default=0)
    progress_text: Mapped[str] = mapped_column(sa.String(200), default="")
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    # host:pid of the process running it, so a job whose worker died is noticed and run again.
    worker: Mapped[str | None] = mapped_column(sa.String(200))
    rq_job_id: Mapped[str | None] = mapped_column(sa.String(64))
    file_name: Mapped[str | None] = mapped_column(sa.ForeignKey("stored_file.name", ondelete="SET NULL"))
    download_name: Mapped[str | None] = mapped_column(sa.String(200))
    mimetype: Mapped[str | None] = mapped_column(sa.String(100))
    # The page that offered the download (its POST asks for it again, checking access again) and the page before it.
    offer_url: Mapped[str | None] = mapped_column(sa.String(500))
    back_url: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # When it last went into the queue (asked for, or started again after its runner went away).
    queued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<BackgroundJob {self.id} {self.kind} {self.status}>"
