"""Security fixtures: the whole demo partnership, loaded once for a test module and rolled back after it; each test
that asks for `demo` works in a savepoint of that demo, rolled back after the test, so every test starts from the
same demo partnership."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db as _db
from tests.conftest import rolled_back, session_on


@pytest.fixture(scope="module")
def demo_connection(app):
    """A connection whose open transaction holds `flask demo load`, for the module's tests that use `demo`."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        with session_on(connection):
            result = app.test_cli_runner().invoke(args=["demo", "load"])
            assert result.exit_code == 0, result.output
            _db.session.commit()  # releases the session's savepoint; the module's transaction keeps the demo
    try:
        yield connection
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def db(request, app):
    """As everywhere (tests/conftest.py), except that a test using `demo` works inside its module's demo."""
    if "demo" not in request.fixturenames:
        with rolled_back(app) as connection, session_on(connection):
            yield _db
        return
    connection = request.getfixturevalue("demo_connection")
    with app.app_context():
        nested = connection.begin_nested()
        try:
            with session_on(connection):
                yield _db
        finally:
            if nested.is_active:
                nested.rollback()


@pytest.fixture
def demo(db):
    """The session of a test whose database holds the demo partnership."""
    return db


@pytest.fixture
def demo_user(demo):
    def get(email: str) -> User:
        return demo.session.execute(sa.select(User).where(User.email == email)).scalar_one()

    return get
