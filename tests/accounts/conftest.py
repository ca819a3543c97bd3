import pytest
from flask import g, request_started

from app.extensions import db as _db


@pytest.fixture
def db(app):
    """Like the shared `db` fixture, but every query really runs on the test's connection.

    Flask-SQLAlchemy's Session.get_bind() answers with `db.engines[None]` and ignores a session-level bind, so the
    shared fixture's sessions reach the engine directly and a route's commit outlives the test. Pointing the
    default bind at the test's connection keeps every commit inside the transaction rolled back afterwards.
    """
    with app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection
        original_session = _db.session
        _db.session = _db._make_scoped_session({"bind": connection, "join_transaction_mode": "create_savepoint"})
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original_session
            engines[None] = engine
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def forget_signed_in_user_between_requests(app):
    """Tests share one app context across requests, so Flask-Login's per-request cache of the signed-in user
    (g._login_user) would leak from one browser to the next; production has a fresh context per request."""

    def forget(sender, **extra):
        g.pop("_login_user", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)
