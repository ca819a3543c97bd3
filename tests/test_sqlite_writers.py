"""Writers on SQLite (app/db.py): a request that may write takes the write lock at BEGIN, and one that finds it
taken waits for it within the busy timeout (SQLITE_BUSY_TIMEOUT_SECONDS) rather than failing or waiting for ever."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from app import create_app
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
