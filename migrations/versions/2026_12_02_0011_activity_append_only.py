"""The activity log refuses UPDATE and DELETE in the database too.

The application only ever inserts activity events (app/activity/models.py refuses updates and deletes through the
ORM); these triggers make the database refuse them as well, whoever connects, so the record of who did what cannot
be edited or thinned out with plain SQL.

- PostgreSQL: one trigger function, a row trigger BEFORE UPDATE OR DELETE and a statement trigger BEFORE TRUNCATE.
- SQLite: BEFORE UPDATE and BEFORE DELETE triggers that RAISE(ABORT). SQLite has no TRUNCATE; its
  "DELETE FROM activity_event" without a WHERE fires the delete trigger like any other DELETE. DROP TABLE still works
  on both (a restore or a downgrade drops the table, it does not delete rows).

Consequences worth knowing:
- A user who has done anything cannot be deleted: activity_event.actor_id is ON DELETE SET NULL, which is an UPDATE of
  the log. The service never deletes users (it deactivates them), and `flask data purge` never touches the log.
- SQLite loses triggers when Alembic's batch mode rebuilds a table ("move and copy"). A later migration that alters
  activity_event in batch mode must create the two triggers again (see `_sqlite_triggers` below);
  tests/test_activity_append_only.py fails if they are missing.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

MESSAGE = "activity_event is append-only: rows can be inserted, never changed or removed"

POSTGRESQL_UP = [
    f"""
    CREATE FUNCTION activity_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER activity_event_no_update_or_delete BEFORE UPDATE OR DELETE ON activity_event
    FOR EACH ROW EXECUTE FUNCTION activity_event_append_only()
    """,
    """
    CREATE TRIGGER activity_event_no_truncate BEFORE TRUNCATE ON activity_event
    FOR EACH STATEMENT EXECUTE FUNCTION activity_event_append_only()
    """,
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS activity_event_no_truncate ON activity_event",
    "DROP TRIGGER IF EXISTS activity_event_no_update_or_delete ON activity_event",
    "DROP FUNCTION IF EXISTS activity_event_append_only()",
]


def _sqlite_triggers() -> list[str]:
    return [
        f"""
        CREATE TRIGGER activity_event_no_update BEFORE UPDATE ON activity_event
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """,
        f"""
        CREATE TRIGGER activity_event_no_delete BEFORE DELETE ON activity_event
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """,
    ]


SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS activity_event_no_delete",
    "DROP TRIGGER IF EXISTS activity_event_no_update",
]


def _statements(up: bool) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        return POSTGRESQL_UP if up else POSTGRESQL_DOWN
    if dialect == "sqlite":
        return _sqlite_triggers() if up else SQLITE_DOWN
    raise NotImplementedError(f"no append-only triggers for {dialect}")


def upgrade():
    for statement in _statements(up=True):
        op.execute(statement)


def downgrade():
    for statement in _statements(up=False):
        op.execute(statement)
