"""The activity log is append-only in the database itself (migration 0011): plain SQL cannot change or remove an
event, on SQLite (BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT)) and on PostgreSQL (a row trigger on
UPDATE and DELETE, a statement trigger on TRUNCATE). Inserting still works, and the retention purge leaves the log
alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.activity import record
from app.extensions import db as _db
from app.utils import utcnow


def _an_event(db) -> int:
    record("created", None, "An event for the append-only test")
    db.session.flush()
    return db.session.execute(sa.text("SELECT max(id) FROM activity_event")).scalar_one()


def _refused(db, sql: str, **params) -> None:
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(sa.text(sql), params)


def test_inserting_an_event_works(db):
    before = db.session.execute(sa.text("SELECT count(*) FROM activity_event")).scalar_one()
    _an_event(db)
    assert db.session.execute(sa.text("SELECT count(*) FROM activity_event")).scalar_one() == before + 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE activity_event SET summary = 'rewritten' WHERE id = :id",
        "UPDATE activity_event SET actor_label = 'someone else', actor_id = NULL WHERE id = :id",
        "UPDATE activity_event SET at = at WHERE id = :id",
    ],
)
def test_raw_sql_cannot_change_an_event(db, sql):
    event_id = _an_event(db)
    _refused(db, sql, id=event_id)
    assert (
        db.session.execute(sa.text("SELECT summary FROM activity_event WHERE id = :id"), {"id": event_id}).scalar_one()
        == "An event for the append-only test"
    )


@pytest.mark.parametrize("sql", ["DELETE FROM activity_event WHERE id = :id", "DELETE FROM activity_event"])
def test_raw_sql_cannot_delete_an_event(db, sql):
    event_id = _an_event(db)
    _refused(db, sql, id=event_id)
    assert (
        db.session.execute(sa.text("SELECT count(*) FROM activity_event WHERE id = :id"), {"id": event_id}).scalar_one()
        == 1
    )


def test_truncate_is_refused_on_postgresql(db):
    _an_event(db)
    if db.engine.dialect.name == "sqlite":  # SQLite has no TRUNCATE; its unqualified DELETE is refused above
        assert (
            db.session.execute(
                sa.text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'activity_event'")
            ).scalar_one()
            == 2
        )
        return
    _refused(db, "TRUNCATE activity_event")


def test_deleting_a_user_who_did_something_is_refused(db, make):
    """actor_id is ON DELETE SET NULL: removing an actor would rewrite the log, so the database refuses it."""
    user = make.make_user(roles=["qa"])
    record("created", None, "Something the user did", actor=user)
    db.session.flush()
    _refused(db, "DELETE FROM user_account WHERE id = :id", id=user.id)


def test_the_retention_purge_leaves_the_activity_log_alone(db, runner):
    """`flask data purge` removes case-level data of old rounds; it adds an event and changes none."""
    from app.audits import services
    from tests.audits.factories import complete_answers, make_round, moderate, score

    setup = make_round(agencies=("police", "health"))
    for agency in ("police", "health"):
        score(setup.assignment(0, agency), complete_answers(), actor=setup.auditors[agency])
    services.start_moderation(setup.round, actor=setup.qa)
    moderate(setup.round.cases[0], actor=setup.qa)
    services.close_round(setup.round, actor=setup.qa)
    setup.round.closed_at = utcnow() - timedelta(days=365 * 3)
    db.session.commit()
    columns = "id, at, actor_id, actor_label, verb, object_type, object_id, summary"
    events = db.session.execute(sa.text(f"SELECT {columns} FROM activity_event ORDER BY id")).all()
    result = runner.invoke(args=["data", "purge", "--older-than", "2"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 closed round" in result.output
    after = db.session.execute(sa.text(f"SELECT {columns} FROM activity_event ORDER BY id")).all()
    assert after[: len(events)] == events, "no event was changed or removed"
    assert "purged" in [row.verb for row in after[len(events) :]], "the purge itself is recorded"


def test_the_triggers_come_from_the_migration_and_go_with_its_downgrade(app, tmp_path):
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from tests.e2e.live import create_database, drop_database
    from tests.test_migrations import _roundtrip_database_name

    url = create_database(_roundtrip_database_name().replace("roundtrip", "activity"), tmp_path)
    try:
        other = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp_path / "uploads"))
        with other.app_context():
            engine = _db.engine
            upgrade()
            assert _trigger_names(engine)
            downgrade(revision="0010")
            assert _trigger_names(engine) == set()
            with engine.begin() as connection:  # at 0010 the log could still be rewritten
                connection.execute(
                    sa.text(
                        "INSERT INTO activity_event (at, actor_label, verb, object_type, summary) "
                        "VALUES (:at, 'system', 'created', 'test', 'x')"
                    ),
                    {"at": utcnow()},
                )
                connection.execute(sa.text("UPDATE activity_event SET summary = 'y'"))
                connection.execute(sa.text("DELETE FROM activity_event"))
            upgrade()
            assert _trigger_names(engine)
            engine.dispose()
    finally:
        drop_database(url)


def _trigger_names(engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return set(
                connection.execute(
                    sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'activity_event'")
                ).scalars()
            )
        return set(
            connection.execute(
                sa.text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'activity_event'::regclass AND NOT tgisinternal")
            ).scalars()
        )
