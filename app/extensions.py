"""Extension singletons, initialised in create_app()."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from contextvars import ContextVar

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.pool import Pool

try:
    import fcntl
except ImportError:  # not on a POSIX system: writers in other processes wait in SQLite's own way
    fcntl = None

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def signed_in_user_or_address() -> str:
    """Rate-limit key: the signed-in user, so people behind one address (an office, a proxy) do not share a limit
    and one person cannot use up everyone's; the client address for anyone not signed in."""
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


@sa_event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, and let SQLAlchemy manage transactions (savepoints need it)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Readers never wait for a writer (and vice versa) in write-ahead-log mode.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] not in ("memory", "wal"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
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
    writes can fail at once with 'database is locked' when another writer is active, whatever busy_timeout says."""
    if connection.dialect.name == "sqlite":
        from flask import has_request_context, request

        if _write_intent.get():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        if not (has_request_context() and request.method in WRITE_METHODS):
            connection.exec_driver_sql("BEGIN")
            return
        queue = _writer_queue(connection.engine.url.database)
        if queue is not None and queue.acquire():
            connection.info[_QUEUED] = queue
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _leave_queue(connection.info)
            raise


class _WriterQueue:
    """Requests that write to one SQLite file, queued for its write lock instead of polling for it.

    SQLite lets one connection write at a time, and the others wait in its busy handler, which sleeps 1, 2, 5, ...
    up to 100 ms between tries. With fifty people saving at once the lock stood free a third of the time while the
    waiters slept, and one save in twenty waited 180 ms or more (bench/RESULTS.md, fourth pass). A writing request
    now waits its turn behind a lock of this process's threads and then an flock on a file beside the database
    (other gunicorn workers), and is woken as soon as the writer before it ends. BEGIN IMMEDIATE still guards the
    data; this only orders the waiting. A request stuck while writing holds the others up as it holds SQLite's lock,
    until gunicorn's worker timeout ends its process, which frees the flock."""

    def __init__(self, database: str):
        self.path = database + "-writers"
        self._threads = threading.Lock()
        self._holder: int | None = None
        self._file = None

    def acquire(self) -> bool:
        if self._holder == threading.get_ident():  # a second connection of the same request: never wait for oneself
            return False
        self._threads.acquire()
        try:
            if fcntl is not None:
                if self._file is None:
                    self._file = open(self.path, "ab")  # noqa: SIM115 - held for the life of the process
                fcntl.flock(self._file, fcntl.LOCK_EX)
        except OSError:  # (a read-only folder, say): wait in SQLite's way
            self._threads.release()
            return False
        self._holder = threading.get_ident()
        return True

    def release(self) -> None:
        self._holder = None
        try:
            if fcntl is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_QUEUED = "sqlite_writer_queue"
_queues: dict[str, _WriterQueue] = {}
_queues_lock = threading.Lock()


def _writer_queue(database: str | None) -> _WriterQueue | None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    with _queues_lock:
        if database not in _queues:
            _queues[database] = _WriterQueue(database)
        return _queues[database]


def _leave_queue(info: dict) -> None:
    queue = info.pop(_QUEUED, None)
    if queue is not None:
        queue.release()


@sa_event.listens_for(Engine, "commit")
@sa_event.listens_for(Engine, "rollback")
def _sqlite_writer_done(connection) -> None:
    if connection.dialect.name == "sqlite" and not connection.invalidated:  # (an invalidated one: see below)
        _leave_queue(connection.info)


@sa_event.listens_for(Pool, "checkin")
@sa_event.listens_for(Pool, "invalidate")
def _sqlite_connection_done(_dbapi_connection, connection_record, *_args) -> None:
    """A connection returned or dropped with its transaction still open never reached commit or rollback."""
    if connection_record is not None:
        _leave_queue(connection_record.info)


# --- ending read-only transactions -------------------------------------------------------------------------------

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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
    from flask import request

    if exc is not None or request.method not in READ_METHODS:
        return
    session = db.session()
    if (not session.in_transaction() or wrote_in_transaction(session) or session.new or session.deleted
            or any(session.is_modified(obj) for obj in session.dirty)):
        return
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()
