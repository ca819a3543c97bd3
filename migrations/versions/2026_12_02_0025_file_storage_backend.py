"""File storage backends and expiring downloads: each stored file records which store holds its bytes (the
database, or an S3-compatible object store at `location`); a background job may be 'expired' (its file deleted
after JOBS_FILE_RETENTION_HOURS) and keeps the page that offered it, to prepare it again.

stored_file is changed with ALTER TABLE ... ADD COLUMN on SQLite too, never a batch rebuild: rebuilding it drops
the table, and with foreign keys on that would cascade to every stored_file_chunk.

Downgrading refuses while any file is held in an object store (move them back first: flask files move --to
database); expired jobs go back to failed.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

BACKEND_CHECK = "backend IN ('database', 's3')"
OLD_STATUSES = "status IN ('queued', 'running', 'done', 'failed')"
NEW_STATUSES = "status IN ('queued', 'running', 'done', 'failed', 'expired')"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    with op.batch_alter_table("background_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offer_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("back_url", sa.String(length=500), nullable=True))
        batch_op.drop_constraint(op.f("ck_background_job_status_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_background_job_status_known"), sa.text(NEW_STATUSES))

    if _sqlite():
        op.execute(
            "ALTER TABLE stored_file ADD COLUMN backend VARCHAR(10) DEFAULT 'database' NOT NULL "
            f"CONSTRAINT ck_stored_file_backend_known CHECK ({BACKEND_CHECK})"
        )
        op.execute("ALTER TABLE stored_file ADD COLUMN location VARCHAR(1000)")
    else:
        op.add_column(
            "stored_file", sa.Column("backend", sa.String(length=10), server_default="database", nullable=False)
        )
        op.add_column("stored_file", sa.Column("location", sa.String(length=1000), nullable=True))
        op.create_check_constraint(op.f("ck_stored_file_backend_known"), "stored_file", sa.text(BACKEND_CHECK))


def downgrade():
    held_elsewhere = op.get_bind().execute(
        sa.text("SELECT count(*) FROM stored_file WHERE backend <> 'database'")
    ).scalar_one()
    if held_elsewhere:
        raise RuntimeError(
            f"{held_elsewhere} stored file(s) are held in an object store: move them into the database first "
            "(flask files move --to database)"
        )
    if _sqlite():
        op.execute("ALTER TABLE stored_file DROP COLUMN location")
        op.execute("ALTER TABLE stored_file DROP COLUMN backend")
    else:
        op.drop_constraint(op.f("ck_stored_file_backend_known"), "stored_file", type_="check")
        op.drop_column("stored_file", "location")
        op.drop_column("stored_file", "backend")

    op.execute(
        "UPDATE background_job SET status = 'failed', error = 'The file expired and was deleted.' "
        "WHERE status = 'expired'"
    )
    with op.batch_alter_table("background_job", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_background_job_status_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_background_job_status_known"), sa.text(OLD_STATUSES))
        batch_op.drop_column("back_url")
        batch_op.drop_column("offer_url")
