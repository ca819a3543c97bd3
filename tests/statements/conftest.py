import pytest
from flask import g


@pytest.fixture
def sign_in(login_as):
    """login_as that also switches users within one test (clears Flask-Login's cached user on the shared context)."""

    def _sign_in(role_or_user, **kwargs):
        user = login_as(role_or_user, **kwargs)
        g.pop("_login_user", None)
        return user

    return _sign_in
