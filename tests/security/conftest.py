"""Security fixtures: the whole demo partnership loaded inside the test's rolled-back transaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import User


@pytest.fixture
def demo(app, db, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def demo_user(demo):
    def get(email: str) -> User:
        return demo.session.execute(sa.select(User).where(User.email == email)).scalar_one()

    return get
