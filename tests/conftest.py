"""Shared fixtures: app, db (per-test transaction rolled back), client, login_as, factories.

The test database is built with the migrations, never create_all. Set TEST_DATABASE_URL to run on PostgreSQL.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import g, request_started
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db as _db
from app.extensions import limiter
from tests import factories
from tests.parallel import database_name

pytest_plugins = ["tests.smtp"]


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs only on the SQLite pass")
    config.addinivalue_line("markers", "e2e: drives a real browser against gunicorn")
    config.addinivalue_line("markers", "slow: slower tests (still run in CI)")


def _reset_database(url: str) -> None:
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()


def _worker_database(url: str) -> str:
    """The pass's PostgreSQL database, or under xdist a database of the worker's own beside it (created here)."""
    parsed = make_url(url)
    name = database_name(parsed.database)
    if name == parsed.database:
        return url
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        from config import normalise_database_url

        return _worker_database(normalise_database_url(url))
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def statement_signing_key() -> str:
    """The statement seal key of this test session (PEM), made afresh and never written anywhere."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.statements.keys import private_key_pem

    return private_key_pem(Ed25519PrivateKey.generate()).decode("ascii")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory, statement_signing_key):
    from flask_migrate import upgrade

    _reset_database(database_url)
    application = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")),
        STATEMENT_SIGNING_KEY=statement_signing_key,
        STATEMENT_SIGNING_KEY_FILE="",
        STATEMENT_PREVIOUS_PUBLIC_KEYS="",
        STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE="",
    )
    request_started.connect(_fresh_request_globals, application)
    with application.app_context():
        upgrade()
        _load_instrument_library(application)
        _db.session.commit()
        _db.session.remove()
    yield application
    with application.app_context():
        _db.engine.dispose()


def _fresh_request_globals(sender, **extra):
    """Tests keep one app context across requests, so per-request values kept on `g` (Flask-Login's cached user,
    the CSP nonce) would leak from one request to the next; in production every request has a fresh context."""
    for name in ("_login_user", "csp_nonce", "database_unavailable"):
        g.pop(name, None)


def _load_instrument_library(application) -> None:
    """Instruments are reference data every feature needs: load the real library once per session."""
    from pathlib import Path

    from app.questionnaire import load_files

    directory = Path(application.config["INSTRUMENTS_DIR"])
    files = sorted(p for p in directory.glob("*.yaml") if p.name != "themes.yaml")
    assert files, f"no instruments in {directory}: the tests need the real instrument library"
    load_files(files)


class _ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks an engine per model and would ignore our connection; stay on it."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@contextmanager
def session_on(connection: sa.Connection):
    """`db.session` works inside `connection`'s transaction: a commit by the code under test releases a savepoint
    only, so whoever began the transaction can still roll everything back."""
    original_session = _db.session
    _db.session = _db._make_scoped_session(
        {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
    )
    try:
        yield _db
    finally:
        _db.session.remove()
        _db.session = original_session


@contextmanager
def rolled_back(app):
    """A connection in a transaction that is rolled back (and the connection closed) when the block ends."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        try:
            yield connection
        finally:
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def db(app):
    """A database session whose work is rolled back after the test, even if the code under test commits."""
    with rolled_back(app) as connection, session_on(connection):
        yield _db


@pytest.fixture
def client(app, db):
    limiter.reset()
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client, db):
    """login_as("qa") creates a user with that role and signs them in; login_as(user) signs in an existing user."""

    def _login(role_or_user, **kwargs):
        user = role_or_user
        if isinstance(role_or_user, str):
            user = factories.make_user(roles=[role_or_user], **kwargs)
        db.session.commit()  # releases the test's savepoint only; the outer transaction is rolled back later
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        g.pop("_login_user", None)  # the test's app context may still cache the previous user
        return user

    return _login


@pytest.fixture
def make(db):
    """The factories module, with the test's database session ready."""
    return factories
