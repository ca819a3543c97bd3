"""'Forgotten your password?': no enumeration, expiring single-use links, rate limited."""
import sqlalchemy as sa

from app.accounts.models import AccountToken
from tests.accounts.helpers import link_path
from tests.factories import PASSWORD

NEW_PASSWORD = "plum-kettle-orbit-42"


def test_sign_in_page_links_to_the_reset_page(client):
    assert 'href="/forgot-password"' in client.get("/sign-in").get_data(as_text=True)
    assert "Reset your password" in client.get("/forgot-password").get_data(as_text=True)


def test_the_same_answer_whether_or_not_the_account_exists(client, make, db, smtp_server):
    make.make_user(roles=["qa"], email="known@test.example")
    db.session.commit()
    known = client.post("/forgot-password", data={"email": "Known@test.example"})
    unknown = client.post("/forgot-password", data={"email": "unknown@test.example"})
    assert known.status_code == unknown.status_code == 200

    def main_content(response, email):
        html = response.get_data(as_text=True)
        return html[html.index("<main"):html.index("</main>")].replace(email, "EMAIL")

    assert main_content(known, "Known@test.example") == main_content(unknown, "unknown@test.example")
    assert "Check your email" in known.get_data(as_text=True)
    assert len(smtp_server.bodies_to("known@test.example")) == 1
    assert smtp_server.bodies_to("unknown@test.example") == []


def test_reset_link_sets_a_new_password_once(client, make, db, smtp_server):
    make.make_user(roles=["qa"], email="forgetful@test.example")
    db.session.commit()
    client.post("/forgot-password", data={"email": "forgetful@test.example"})
    [body] = smtp_server.bodies_to("forgetful@test.example")
    path = link_path(body)
    assert "Choose a new password" in client.get(path).get_data(as_text=True)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(path).status_code == 410
    bad = client.post("/sign-in", data={"email": "forgetful@test.example", "password": PASSWORD})
    assert "Enter a correct email address and password" in bad.get_data(as_text=True)
    good = client.post("/sign-in", data={"email": "forgetful@test.example", "password": NEW_PASSWORD})
    assert good.headers["Location"].endswith("/tasks")


def test_an_expired_reset_link_is_refused_with_a_way_forward(app, client, make, db, smtp_server, monkeypatch):
    make.make_user(roles=["qa"], email="slow@test.example")
    db.session.commit()
    client.post("/forgot-password", data={"email": "slow@test.example"})
    [body] = smtp_server.bodies_to("slow@test.example")
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE_SECONDS", -1)
    response = client.get(link_path(body))
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "This link has expired" in html and "Request a new password reset link" in html


def test_deactivated_accounts_get_no_reset_email(client, make, db, smtp_server):
    make.make_user(roles=["qa"], email="inactive@test.example", active=False)
    db.session.commit()
    response = client.post("/forgot-password", data={"email": "inactive@test.example"})
    assert "Check your email" in response.get_data(as_text=True)
    assert smtp_server.bodies_to("inactive@test.example") == []


def test_reset_emails_to_one_account_are_capped(app, client, make, db, smtp_server):
    from app.extensions import limiter

    user = make.make_user(roles=["qa"], email="flooded@test.example")
    db.session.commit()
    for _ in range(4):
        limiter.reset()
        assert client.post("/forgot-password", data={"email": "flooded@test.example"}).status_code == 200
    assert len(smtp_server.bodies_to("flooded@test.example")) == 3
    unused = db.session.execute(sa.select(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.used_at.is_(None))).scalars().all()
    assert len(unused) == 1  # each new link retires the one before


def test_the_reset_form_is_rate_limited(client):
    codes = [client.post("/forgot-password", data={"email": "x@test.example"}).status_code for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429


def test_mail_failure_still_gives_the_same_answer(client, make, db, smtp_down):
    make.make_user(roles=["qa"], email="mail.down@test.example")
    db.session.commit()
    response = client.post("/forgot-password", data={"email": "mail.down@test.example"})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
