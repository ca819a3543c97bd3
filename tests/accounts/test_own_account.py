import sqlalchemy as sa

from app.activity.models import ActivityEvent
from tests.accounts.helpers import sign_in_other_browser
from tests.factories import PASSWORD

NEW_PASSWORD = "plum-kettle-orbit-42"


def test_own_account_page_shows_the_users_details(client, login_as, make):
    org = make.make_org(name="Account Page School", org_type="school")
    login_as(
        make.make_user(
            roles=["signatory", "org_lead"],
            organisation=org,
            name="Sasha Signer",
            email="sasha@test.example",
            signatory_capacity="headteacher",
        )
    )
    html = client.get("/account").get_data(as_text=True)
    for text in (
        "Sasha Signer",
        "sasha@test.example",
        "Account Page School",
        "Organisation lead",
        "Signatory",
        "Headteacher",
        "Change your password",
    ):
        assert text in html


def test_change_password_keeps_this_session_and_ends_the_others(app, client, login_as, make, db):
    user = login_as(make.make_user(roles=["qa"], email="changer@test.example"))
    elsewhere = sign_in_other_browser(app, user)
    response = client.post(
        "/account/change-password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert "Your password has been changed" in client.get("/account").get_data(as_text=True)
    assert elsewhere.get("/tasks").status_code == 302
    assert db.session.execute(
        sa.select(ActivityEvent).where(ActivityEvent.verb == "password_changed", ActivityEvent.object_id == user.id)
    ).scalar_one()
    client.post("/sign-out")
    good = client.post("/sign-in", data={"email": "changer@test.example", "password": NEW_PASSWORD})
    assert good.headers["Location"].endswith("/tasks")


def test_change_password_checks_the_current_password_and_the_policy(client, login_as, make):
    login_as(make.make_user(roles=["qa"], email="careful@test.example"))
    html = client.post(
        "/account/change-password",
        data={"current_password": "wrong-password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ).get_data(as_text=True)
    assert "Your current password is incorrect" in html
    html = client.post(
        "/account/change-password", data={"current_password": PASSWORD, "password": "short", "confirm": "short"}
    ).get_data(as_text=True)
    assert "Password must be 12 characters or more" in html
    html = client.post(
        "/account/change-password", data={"current_password": PASSWORD, "password": PASSWORD, "confirm": PASSWORD}
    ).get_data(as_text=True)
    assert "must be different from your current password" in html


def test_wrong_current_passwords_share_the_sign_in_rate_limit(client, login_as, make):
    login_as(make.make_user(roles=["qa"]))
    codes = [
        client.post(
            "/account/change-password",
            data={"current_password": "wrong-password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        ).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [200] * 5 and codes[5] == 429


def test_own_account_needs_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
