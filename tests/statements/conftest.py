import pytest
from flask import g
from flask_sqlalchemy.session import Session as FlaskSession

from app.extensions import db as _db


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's Session picks the app's engine in get_bind and ignores `bind`; use the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def db(app):
    """Like tests/conftest.py's `db`, but the session really joins the outer transaction, so commits by the
    code under test are rolled back at the end of each test (the shared fixture's session commits for real)."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original_session = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original_session
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def sign_in(login_as):
    """login_as that also works for a second user in the same test.

    The test holds the app context open, so Flask-Login's per-context cache of the current user
    (g._login_user) would otherwise survive from the previous request.
    """

    def _sign_in(role_or_user, **kwargs):
        user = login_as(role_or_user, **kwargs)
        g.pop("_login_user", None)
        return user

    return _sign_in
