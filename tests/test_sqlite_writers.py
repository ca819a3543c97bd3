"""Writers on SQLite (app/db.py): a request that may write takes the write lock at BEGIN, and one that finds it
taken waits for it within the busy timeout (SQLITE_BUSY_TIMEOUT_SECONDS) rather than failing or waiting for ever."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from app import create_app
from app.db import writing
from app.extensions import db

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on a SQLite file of its own, with one table to write to."""

    def make(**config):
        application = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'writers.sqlite3'}", **config)
        with application.app_context():
            db.session.execute(sa.text("CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, text TEXT)"))
            db.session.commit()
        return application

    made = []
    yield lambda **config: made.append(make(**config)) or made[-1]
    for application in made:
        with application.app_context():
            db.engine.dispose()


def writer(application, events, name, hold=0.0, errors=None):
    """A POST request's transaction: read, then write (the lock was taken at BEGIN, so the read cannot leave the
    transaction unable to write), hold the lock for `hold` seconds, commit."""
    try:
        with application.test_request_context(method="POST"):
            db.session.execute(sa.text("SELECT count(*) FROM note")).scalar_one()
            db.session.execute(sa.text("INSERT INTO note (text) VALUES (:t)"), {"t": name})
            events.append(f"{name} writing")
            time.sleep(hold)
            db.session.commit()
            events.append(f"{name} committed")
    except sa.exc.OperationalError as exc:
        (errors if errors is not None else events).append(str(exc.orig))


def start_holding_the_lock(application, events, hold):
    first = threading.Thread(target=writer, args=(application, events, "first", hold))
    first.start()
    deadline = time.monotonic() + 5
    while "first writing" not in events and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "first writing" in events
    return first


def test_a_second_writer_waits_for_the_first_and_both_are_saved(sqlite_app):
    application = sqlite_app()
    events: list[str] = []
    first = start_holding_the_lock(application, events, hold=0.5)
    writer(application, events, "second")
    first.join(timeout=10)
    assert events == ["first writing", "first committed", "second writing", "second committed"]
    with application.app_context():
        assert db.session.execute(sa.text("SELECT text FROM note ORDER BY id")).scalars().all() == ["first", "second"]


def test_a_writer_gives_up_with_database_is_locked_once_the_busy_timeout_has_passed(sqlite_app):
    application = sqlite_app(SQLITE_BUSY_TIMEOUT_SECONDS=0.2)
    events: list[str] = []
    errors: list[str] = []
    first = start_holding_the_lock(application, events, hold=1.5)
    started = time.monotonic()
    writer(application, events, "second", errors=errors)
    waited = time.monotonic() - started
    first.join(timeout=10)
    assert errors == ["database is locked"]
    assert 0.15 < waited < 1.2
    assert events == ["first writing", "first committed"]


def test_the_busy_timeout_is_bounded_and_configurable(sqlite_app):
    for seconds, expected in ((None, 10_000), (2.5, 2_500)):
        application = sqlite_app(**({} if seconds is None else {"SQLITE_BUSY_TIMEOUT_SECONDS": seconds}))
        with application.app_context():
            assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar_one() == expected
            assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
            db.engine.dispose()


def test_readers_do_not_wait_for_a_writer(sqlite_app):
    application = sqlite_app(SQLITE_BUSY_TIMEOUT_SECONDS=0.2)
    events: list[str] = []
    first = start_holding_the_lock(application, events, hold=0.5)
    with application.test_request_context(method="GET"):
        assert db.session.execute(sa.text("SELECT count(*) FROM note")).scalar_one() == 0
        events.append("read")
        db.session.rollback()
    first.join(timeout=10)
    assert events == ["first writing", "read", "first committed"]


def _writer_in_another_thread(application, events, errors):
    second = threading.Thread(target=writer, args=(application, events, "second"), kwargs={"errors": errors})
    second.start()
    second.join(timeout=10)


def _end_by_commit(session):
    session.commit()


def _end_by_rollback(session):
    session.rollback()


def _end_by_closing_the_session(session):
    session.close()  # the pool resets the connection it gets back


def _end_by_invalidating_the_connection(session):
    session.connection().invalidate()


@pytest.mark.parametrize(
    "end",
    [_end_by_commit, _end_by_rollback, _end_by_closing_the_session, _end_by_invalidating_the_connection],
    ids=lambda end: end.__name__.removeprefix("_end_by_"),
)
def test_however_a_writer_ends_the_next_one_gets_its_turn(sqlite_app, end):
    """The process's writers take turns (app/db.py): a turn kept after its transaction ended would make every later
    writer wait out the busy timeout and fail."""
    application = sqlite_app(SQLITE_BUSY_TIMEOUT_SECONDS=0.5)
    events: list[str] = []
    errors: list[str] = []
    with application.test_request_context(method="POST"):
        db.session.execute(sa.text("INSERT INTO note (text) VALUES ('first')"))
        end(db.session)
        _writer_in_another_thread(application, events, errors)
        db.session.rollback()
    assert errors == []
    assert events == ["second writing", "second committed"]


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_connection_kept_open_after_its_transaction_lets_the_next_writer_go(sqlite_app, end):
    """Work outside a request (the mail worker, a job) may go on with its connection after committing."""
    application = sqlite_app(SQLITE_BUSY_TIMEOUT_SECONDS=0.5)
    events: list[str] = []
    errors: list[str] = []
    with application.app_context(), writing(), db.engine.connect() as connection:
        connection.execute(sa.text("INSERT INTO note (text) VALUES ('first')"))
        getattr(connection, end)()
        _writer_in_another_thread(application, events, errors)
    assert errors == []
    assert events == ["second writing", "second committed"]


def test_a_request_that_ends_without_committing_lets_the_next_writer_go(sqlite_app):
    application = sqlite_app(SQLITE_BUSY_TIMEOUT_SECONDS=0.5)
    with application.test_request_context(method="POST"):
        db.session.execute(sa.text("INSERT INTO note (text) VALUES ('abandoned')"))
    events: list[str] = []
    errors: list[str] = []
    _writer_in_another_thread(application, events, errors)
    assert errors == []
    assert events == ["second writing", "second committed"]
    with application.app_context():
        assert db.session.execute(sa.text("SELECT text FROM note")).scalars().all() == ["second"]


def test_writers_waiting_together_are_all_saved(sqlite_app):
    application = sqlite_app(SQLITE_BUSY_TIMEOUT_SECONDS=5)
    events: list[str] = []
    errors: list[str] = []
    first = start_holding_the_lock(application, events, hold=0.3)
    others = [
        threading.Thread(target=writer, args=(application, events, f"writer {n}"), kwargs={"errors": errors})
        for n in range(8)
    ]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(timeout=20)
    assert errors == []
    assert sorted(events) == sorted(
        [
            f"{name} {what}"
            for name in ["first", *(f"writer {n}" for n in range(8))]
            for what in ("writing", "committed")
        ]
    )
    with application.app_context():
        assert db.session.execute(sa.text("SELECT count(*) FROM note")).scalar_one() == 9


def test_a_writer_that_gives_up_on_another_process_lets_the_next_one_go(sqlite_app, tmp_path):
    """A writer of another process (the CLI, a worker) holds SQLite's lock: this process's writer waits in SQLite's
    busy handler, gives up, and must not keep the turn from the writers after it."""
    application = sqlite_app(SQLITE_BUSY_TIMEOUT_SECONDS=0.2)
    other_process = sqlite3.connect(tmp_path / "writers.sqlite3", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    events: list[str] = []
    errors: list[str] = []
    writer(application, events, "first", errors=errors)
    assert errors == ["database is locked"]
    other_process.execute("ROLLBACK")
    other_process.close()
    _writer_in_another_thread(application, events, errors)
    assert errors == ["database is locked"]
    assert events == ["second writing", "second committed"]
