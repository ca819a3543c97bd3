"""How the app talks to its database: engine options, SQLite's settings, how transactions begin and how reading
requests end them. PostgreSQL in production; SQLite, the embedded default, for development and tests.

SQLite lets one connection write at a time. Every connection runs in write-ahead-log mode, so readers never wait
for a writer nor a writer for readers; a request that may write takes the write lock at BEGIN (`BEGIN IMMEDIATE`),
and one that finds it taken waits for at most SQLITE_BUSY_TIMEOUT_SECONDS before failing with "database is
locked". Gunicorn runs one worker process on SQLite (gunicorn.conf.py), so the writers waiting for that lock are
mostly that process's threads: they wait their turn on a lock of the process (`_WriterTurns`), each woken as the
writer before it ends; writers in other processes (the CLI, an RQ worker) wait in SQLite's own busy handler.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import Flask, has_request_context, request
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.extensions import db

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_SQLITE_BUSY_TIMEOUT_SECONDS = 10.0


def init_app(app: Flask) -> None:
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    app.teardown_request(end_reads_with_commit)


def is_sqlite(url) -> bool:
    return sa.engine.make_url(url).get_backend_name() == "sqlite"


def engine_options(config) -> dict:
    """The engine's options: connections checked before use, and on SQLite a bounded wait for the write lock
    (SQLITE_BUSY_TIMEOUT_SECONDS). Options already set in SQLALCHEMY_ENGINE_OPTIONS win."""
    options = {"pool_pre_ping": True, **(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})}
    if is_sqlite(config["SQLALCHEMY_DATABASE_URI"]):
        timeout = float(config.get("SQLITE_BUSY_TIMEOUT_SECONDS") or DEFAULT_SQLITE_BUSY_TIMEOUT_SECONDS)
        options["connect_args"] = {"timeout": timeout, "factory": SQLiteConnection, **options.get("connect_args", {})}
    return options


# --- SQLite's writers, in turn ------------------------------------------------------------------------------------


class _WriterTurns:
    """The writers of one process to one SQLite file, taking turns at its write lock.

    SQLite's busy handler sleeps 1, 2, 5, 10 … up to 100 ms between tries for the lock, whether or not it was
    released meanwhile, so under many writers the lock stood free while they slept and one save in twenty waited
    several times its own length (bench/RESULTS.md, fifteenth pass). Here a writer waits on a lock of the process
    and goes as soon as the one before it commits, rolls back or closes its connection. The wait is bounded by the
    same SQLITE_BUSY_TIMEOUT_SECONDS, after which it fails as SQLite would: a writer stuck holding the turn holds
    the others up no longer than one stuck holding SQLite's lock. BEGIN IMMEDIATE still guards the data; this only
    orders the waiting."""

    def __init__(self):
        self._lock = threading.Lock()

    def take(self, timeout: float) -> None:
        if not self._lock.acquire(timeout=max(timeout, 0)):
            raise sqlite3.OperationalError("database is locked")

    def hand_on(self) -> None:
        self._lock.release()


_turns: dict[str, _WriterTurns] = {}
_turns_lock = threading.Lock()


def _turns_for(database) -> _WriterTurns | None:
    """One queue per database file in this process; none for an in-memory database or a URI."""
    if not isinstance(database, str | os.PathLike):
        return None
    database = os.fspath(database)
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    key = os.path.realpath(database)
    with _turns_lock:
        return _turns.setdefault(key, _WriterTurns())


class SQLiteConnection(sqlite3.Connection):
    """The driver's connection, able to wait its turn to write. Every way a transaction ends on it (commit,
    rollback, close, which the pool's reset on return and invalidation use too) hands the turn on."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._timeout = float(kwargs.get("timeout", args[0] if args else 5.0))
        self._turns = _turns_for(database)
        self._has_turn = False

    def wait_turn_to_write(self) -> None:
        """Wait for this process's writers before this one, within the busy timeout."""
        if self._turns is None or self._has_turn:
            return
        self._turns.take(self._timeout)
        self._has_turn = True

    def hand_on_turn(self) -> None:
        if self._has_turn:
            self._has_turn = False
            self._turns.hand_on()

    def commit(self):
        try:
            super().commit()
        finally:
            self.hand_on_turn()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self.hand_on_turn()

    def close(self):
        try:
            super().close()
        finally:
            self.hand_on_turn()


@sa_event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, write-ahead logging, and let SQLAlchemy manage transactions (savepoints need
    it). The busy timeout is the driver's `timeout` (engine_options)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Readers never wait for a writer (and vice versa) in write-ahead-log mode.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] not in ("memory", "wal"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@contextmanager
def writing():
    """Transactions begun inside this block take SQLite's write lock at BEGIN, as writing requests do, so work
    outside a request that reads and then writes (the mail worker claiming a message) is serialised too."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@sa_event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection):
    """A request that may write takes SQLite's write lock at BEGIN. A deferred transaction that reads and then
    writes can fail at once with 'database is locked' when another writer is active, whatever the busy timeout
    says; BEGIN IMMEDIATE waits for the lock within it instead."""
    if connection.dialect.name == "sqlite":
        if _write_intent.get() or (has_request_context() and request.method in WRITE_METHODS):
            raw = connection.connection.dbapi_connection
            if isinstance(raw, SQLiteConnection):
                try:
                    raw.wait_turn_to_write()
                except sqlite3.OperationalError as exc:  # as SQLite's own timeout reaches the app
                    raise sa.exc.OperationalError("BEGIN IMMEDIATE", (), exc) from exc
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


# --- ending read-only transactions -------------------------------------------------------------------------------

_WROTE = "transaction_wrote"


@sa_event.listens_for(Session, "after_flush")
def _note_flush(session, _flush_context) -> None:
    session.info[_WROTE] = True


@sa_event.listens_for(Session, "do_orm_execute")
def _note_statement(orm_execute_state) -> None:
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        orm_execute_state.session.info[_WROTE] = True


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_writes(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def wrote_in_transaction(session) -> bool:
    """Whether the session's current transaction has flushed or executed any change."""
    return bool(session.info.get(_WROTE))


def end_reads_with_commit(exc=None) -> None:
    """Teardown: end a reading request's transaction with COMMIT rather than the ROLLBACK the session would send.

    For a transaction that wrote nothing the two are the same, but psycopg forgets every prepared statement of a
    connection on ROLLBACK, so PostgreSQL planned each page's statements afresh on every request: 0.85 ms of a
    scoring page's 1.35 ms in SQL (bench/RESULTS.md). A request that failed, wrote, or holds unsaved changes is
    left to roll back as before."""
    if exc is not None or request.method not in READ_METHODS:
        return
    session = db.session()
    if (
        not session.in_transaction()
        or wrote_in_transaction(session)
        or session.new
        or session.deleted
        or any(session.is_modified(obj) for obj in session.dirty)
    ):
        return
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()
