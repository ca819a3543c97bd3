"""Background jobs (background_job): downloads prepared off the request, by an RQ worker or in-process, with
their progress and the prepared file (in stored_file), served only to the user who asked.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "background_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress_percent", sa.Integer(), nullable=False),
        sa.Column("progress_text", sa.String(length=200), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("rq_job_id", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=64), nullable=True),
        sa.Column("download_name", sa.String(length=200), nullable=True),
        sa.Column("mimetype", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_background_job_status_known")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_background_job_attempts_not_negative")),
        sa.CheckConstraint("progress_percent BETWEEN 0 AND 100", name=op.f("ck_background_job_progress_is_percent")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_background_job_user_id_user_account")),
        sa.ForeignKeyConstraint(
            ["file_name"],
            ["stored_file.name"],
            name=op.f("fk_background_job_file_name_stored_file"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_job")),
    )
    op.create_index("ix_background_job_status", "background_job", ["status"])
    op.create_index(op.f("ix_background_job_user_id"), "background_job", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_background_job_user_id"), table_name="background_job")
    op.drop_index("ix_background_job_status", table_name="background_job")
    op.drop_table("background_job")
