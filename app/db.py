"""How the app talks to its database: engine options, SQLite's settings, how transactions begin and how reading
requests end them. PostgreSQL in production; SQLite, the embedded default, for development and tests.

SQLite lets one connection write at a time. Every connection runs in write-ahead-log mode, so readers never wait
for a writer nor a writer for readers; a request that may write takes the write lock at BEGIN (`BEGIN IMMEDIATE`),
and one that finds it taken waits in SQLite's busy handler for at most SQLITE_BUSY_TIMEOUT_SECONDS before failing
with "database is locked". Gunicorn runs one worker process on SQLite (gunicorn.conf.py), so the writers waiting
for that lock are that process's threads.
"""

from __future__ import annotations

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
        options["connect_args"] = {"timeout": timeout, **options.get("connect_args", {})}
    return options


@sa_event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, write-ahead logging, and let SQLAlchemy manage transactions (savepoints need
    it). The busy timeout is the driver's `timeout` (engine_options)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
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
