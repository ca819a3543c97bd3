"""A request that only read ends its transaction with COMMIT (PostgreSQL then keeps its prepared statements:
psycopg drops them all on ROLLBACK); anything that wrote, failed or holds unsaved changes still rolls back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import Organisation
from app.db import end_reads_with_commit


@pytest.fixture
def endings(db):
    """How the session's transactions ended: in the tests' per-test transaction each is a savepoint."""
    seen = []
    engine = db.engine
    listeners = {
        "release_savepoint": lambda *a: seen.append("commit"),
        "rollback_savepoint": lambda *a: seen.append("rollback"),
    }
    for name, fn in listeners.items():
        sa.event.listen(engine, name, fn)
    yield seen
    for name, fn in listeners.items():
        sa.event.remove(engine, name, fn)


def test_a_page_that_only_reads_commits(client, login_as, endings):
    login_as("qa")
    endings.clear()
    assert client.get("/findings/").status_code == 200
    assert endings == ["commit"]


def test_a_posted_form_is_never_committed_by_the_teardown(client, endings):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert response.status_code == 200 and "There is a problem" in response.get_data(as_text=True)
    assert "commit" not in endings


@pytest.mark.parametrize("flush", [True, False])
def test_a_reading_request_with_changes_is_not_committed(app, db, flush):
    with app.test_request_context("/"):
        db.session.add(Organisation(name="Test Unsaved Trust", slug="test-unsaved-trust", org_type="charity"))
        if flush:
            db.session.flush()
        end_reads_with_commit()
        db.session.rollback()
        found = db.session.execute(sa.select(Organisation).filter_by(slug="test-unsaved-trust")).scalar_one_or_none()
        assert found is None


def test_a_posted_form_that_saves_ends_with_commit(client, login_as, make, db, endings):
    login_as("admin")
    org = make.make_org(name="Test Renamed Trust")
    db.session.commit()
    endings.clear()
    response = client.post(
        f"/admin/organisations/{org.id}",
        data={
            "name": "Test Renamed Again Trust",
            "slug": org.slug,
            "org_type": "charity",
            "areas": "North",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert endings == ["commit"]
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Test Renamed Again Trust"
