from app.accounts import demo as accounts_demo
from app.accounts.queries import admin_counts


def test_demo_adds_one_pending_invitation_once(app, db, make):
    from app.demo import Demo
    from app.utils import today

    org = make.make_org(slug="brookside-primary-demo")
    demo = Demo(password="x", today=today(), organisations={"brookside-primary": org})
    before = admin_counts().pending_invitations
    accounts_demo.load(demo)
    accounts_demo.load(demo)
    assert admin_counts().pending_invitations == before + 1
    assert len(demo.log) == 1
