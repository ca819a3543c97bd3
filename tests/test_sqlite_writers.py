"""Requests that write to SQLite queue for its write lock (app/extensions.py): the next writer goes as soon as the
one before it ends, however it ends, and readers never queue."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa


@pytest.fixture
def engine(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    yield engine
    engine.dispose()


def writer(app, engine, events, name, finish):
    """A POST request's transaction: note when it got the write lock, write, then end as `finish` says."""
    with app.test_request_context(method="POST"):
        conn = engine.connect()
        conn.execute(sa.text("INSERT INTO note (text) VALUES (:t)"), {"t": name})  # BEGIN IMMEDIATE first
        events.append(f"{name} writing")
        time.sleep(0.3)
        events.append(f"{name} ending")
        finish(conn)


@pytest.mark.parametrize("finish", [
    lambda conn: (conn.commit(), conn.close()),
    lambda conn: (conn.rollback(), conn.close()),
    lambda conn: conn.close(),  # returned to the pool with its transaction open
    lambda conn: conn.invalidate(),
], ids=["commit", "rollback", "close", "invalidate"])
def test_the_next_writer_goes_when_the_one_before_it_ends(app, engine, finish):
    events: list[str] = []
    first = threading.Thread(target=writer, args=(app, engine, events, "first", finish))
    first.start()
    while "first writing" not in events:
        time.sleep(0.01)
    second = threading.Thread(target=writer, args=(app, engine, events, "second", lambda c: (c.commit(), c.close())))
    second.start()
    first.join(timeout=10)
    second.join(timeout=10)
    assert not first.is_alive() and not second.is_alive(), events
    assert events == ["first writing", "first ending", "second writing", "second ending"]
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM note WHERE text = 'second'")) == 1


def test_readers_do_not_wait_for_a_writer(app, engine):
    events: list[str] = []
    held = threading.Thread(target=writer, args=(app, engine, events, "writer", lambda c: (c.commit(), c.close())))
    held.start()
    while "writer writing" not in events:
        time.sleep(0.01)
    with app.test_request_context(method="GET"), engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM note")) == 0
        events.append("read")
    held.join(timeout=10)
    assert events == ["writer writing", "read", "writer ending"]


def test_the_queue_is_a_file_beside_the_database(app, engine, tmp_path):
    with app.test_request_context(method="POST"), engine.connect() as conn:
        conn.execute(sa.text("INSERT INTO note (text) VALUES ('x')"))
        conn.commit()
    assert (tmp_path / "queue.sqlite3-writers").exists()


def test_a_second_connection_of_the_same_request_does_not_wait_for_the_first(app, engine):
    impatient = sa.create_engine(engine.url, connect_args={"timeout": 0.2})  # SQLite's own wait, 0.2 s
    with app.test_request_context(method="POST"):
        first = engine.connect()
        first.execute(sa.text("INSERT INTO note (text) VALUES ('first')"))
        with impatient.connect() as second, pytest.raises(sa.exc.OperationalError, match="locked"):
            second.execute(sa.text("INSERT INTO note (text) VALUES ('second')"))
        first.commit()
        first.close()
    impatient.dispose()
