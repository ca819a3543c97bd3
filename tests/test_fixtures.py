"""The db fixture really isolates tests, even when the code under test commits."""

import sqlalchemy as sa

from app.accounts.models import Organisation


def test_committed_work_is_rolled_back_part_1(make, db):
    make.make_org(slug="isolation-check-org")
    db.session.commit()


def test_committed_work_is_rolled_back_part_2(db):
    found = db.session.execute(sa.select(Organisation).where(Organisation.slug == "isolation-check-org")).first()
    assert found is None
