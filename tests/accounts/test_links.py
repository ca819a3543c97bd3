"""Invitation and password reset links: signed, expiring, single-use."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from app.accounts.models import User
from tests.accounts.helpers import link_path, sign_in_other_browser, user_form

NEW_PASSWORD = "plum-kettle-orbit-42"


@pytest.fixture
def invited(app, client, login_as, db, smtp_server):
    """A user invited through the admin page; returns (user, invitation link path, a signed-out browser)."""
    login_as("admin")
    client.post("/admin/users/new", data=user_form(email="invited@test.example", name="Ivy Invited"))
    user = db.session.execute(sa.select(User).where(User.email == "invited@test.example")).scalar_one()
    [body] = smtp_server.bodies_to("invited@test.example")
    return user, link_path(body), app.test_client()


def _set(browser, path, password=NEW_PASSWORD, confirm=None):
    return browser.post(path, data={"password": password, "confirm": confirm or password})


def test_an_invitation_link_works_once(invited):
    user, path, browser = invited
    assert _set(browser, path).status_code == 302
    response = browser.get(path)
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "This link has already been used" in html and "ask your partnership administrator" in html
    assert _set(browser, path, "another-long-passphrase").status_code == 410


def test_an_expired_invitation_is_refused(app, invited):
    user, path, browser = invited
    later = datetime.now(timezone.utc) + timedelta(seconds=app.config["TOKEN_MAX_AGE_SECONDS"] + 60)
    with freeze_time(later):
        response = browser.get(path)
        refused = _set(browser, path)
    assert response.status_code == 410 and "This link has expired" in response.get_data(as_text=True)
    assert refused.status_code == 410
    assert browser.get(path).status_code == 200  # still usable within its lifetime


def test_a_tampered_link_is_refused(invited):
    user, path, browser = invited
    tampered = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    response = browser.get(tampered)
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)
    assert browser.get("/invitation/not-a-token").status_code == 404


def test_an_invitation_cannot_be_used_as_a_reset_link(invited):
    user, path, browser = invited
    token = path.rsplit("/", 1)[1]
    assert browser.get(f"/reset-password/{token}").status_code == 404


@pytest.mark.parametrize(
    "password, confirm, message",
    [
        ("short-pass", None, "Password must be 12 characters or more"),
        ("password1234", None, "Password is too common"),
        ("invited@test.example", None, "Password must not be your email address"),
        (NEW_PASSWORD, "something-else-entirely", "The passwords do not match"),
        ("", None, "Enter a new password"),
    ],
)
def test_password_policy_messages_and_the_link_stays_usable(invited, password, confirm, message):
    user, path, browser = invited
    response = _set(browser, path, password, confirm)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html and message in html
    assert _set(browser, path).status_code == 302


def test_setting_a_password_records_activity(invited, db):
    from app.activity.models import ActivityEvent

    user, path, browser = invited
    _set(browser, path)
    event = db.session.execute(
        sa.select(ActivityEvent).where(ActivityEvent.verb == "accepted_invitation", ActivityEvent.object_id == user.id)
    ).scalar_one()
    assert event.actor_id == user.id


def test_a_reset_through_a_link_ends_other_sessions(app, client, make, db, smtp_server):
    user = make.make_user(roles=["qa"], email="many.sessions@test.example")
    db.session.commit()
    elsewhere = sign_in_other_browser(app, user)
    assert elsewhere.get("/tasks").status_code == 200
    client.post("/forgot-password", data={"email": "many.sessions@test.example"})
    [body] = smtp_server.bodies_to("many.sessions@test.example")
    assert _set(client, link_path(body)).status_code == 302
    response = elsewhere.get("/tasks")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_deactivated_users_link_is_refused(app, invited, db):
    from app.accounts.services import deactivate_user

    user, path, browser = invited
    deactivate_user(user)
    db.session.commit()
    assert browser.get(path).status_code in (404, 410)


def test_an_invitation_page_is_never_cached(invited):
    user, path, browser = invited
    page = browser.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    refused = browser.get("/invitation/not-a-token")
    assert refused.status_code == 404 and refused.headers["Cache-Control"] == "no-store"


def test_an_invitation_link_is_made_from_service_url_whatever_the_host(
    app, client, login_as, db, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)  # even a Host the app would otherwise refuse
    login_as("admin")
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    response = client.post(
        "/admin/users/new", data=user_form(email="far.away@test.example"), headers={"Host": "evil.example"}
    )
    assert response.status_code == 302
    user = db.session.execute(sa.select(User).where(User.email == "far.away@test.example")).scalar_one()
    client.post(f"/admin/users/{user.id}/resend-invitation", headers={"Host": "evil.example"})
    bodies = smtp_server.bodies_to("far.away@test.example")
    assert len(bodies) == 2
    for body in bodies:
        assert "evil.example" not in body and f"{app.config['SERVICE_URL']}/invitation/" in body
