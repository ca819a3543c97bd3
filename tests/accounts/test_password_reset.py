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
        return html[html.index("<main") : html.index("</main>")].replace(email, "EMAIL")

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
    unused = (
        db.session.execute(
            sa.select(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        )
        .scalars()
        .all()
    )
    assert len(unused) == 1  # each new link retires the one before


def test_the_reset_form_is_rate_limited(client):
    codes = [client.post("/forgot-password", data={"email": "x@test.example"}).status_code for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429


def test_mail_failure_still_gives_the_same_answer(client, make, db, smtp_down):
    make.make_user(roles=["qa"], email="mail.down@test.example")
    db.session.commit()
    response = client.post("/forgot-password", data={"email": "mail.down@test.example"})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)


def _statements_of(app, client, email):
    """The SQL a POST /forgot-password runs, with the typed address replaced by a placeholder."""
    from app.extensions import db as _db

    import datetime
    import re

    seen = []

    def same_kind(value):
        if value == email:
            return "EMAIL"
        if isinstance(value, datetime.datetime) or re.match(r"\d{4}-\d\d-\d\d[ T]\d", str(value)):
            return "TIMESTAMP"
        return value

    def note(conn, cursor, statement, parameters, context, executemany):
        values = parameters.values() if isinstance(parameters, dict) else parameters
        seen.append((re.sub(r"sa_savepoint_\d+", "SAVEPOINT", statement), [same_kind(v) for v in values]))

    sa.event.listen(_db.engine, "before_cursor_execute", note)
    try:
        response = client.post("/forgot-password", data={"email": email})
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", note)
    return response, seen


def test_the_same_work_whether_or_not_the_account_exists(app, client, make, db):
    from app.extensions import limiter
    from app.notifications.models import OutboxMessage

    make.make_user(roles=["qa"], email="exists@test.example")
    db.session.commit()
    known, known_sql = _statements_of(app, client, "exists@test.example")
    limiter.reset()
    unknown, unknown_sql = _statements_of(app, client, "absent@test.example")
    assert known.get_data(as_text=True).replace("exists@", "X@") == unknown.get_data(as_text=True).replace(
        "absent@", "X@"
    ).replace(_nonce(unknown), _nonce(known))
    assert known_sql == unknown_sql
    assert any("INSERT INTO mail_outbox" in statement for statement, _ in known_sql)
    assert not any("user_account" in statement or "account_token" in statement for statement, _ in known_sql)
    rows = db.session.execute(
        sa.select(OutboxMessage.kind, OutboxMessage.state).where(
            OutboxMessage.recipient.in_(["exists@test.example", "absent@test.example"])
        )
    ).all()
    assert rows == [("password_reset", "pending")] * 2


def _nonce(response) -> str:
    import re

    return re.search(r'nonce="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_the_worker_sends_only_to_an_account_and_drops_the_rest(client, make, db, runner, smtp_server):
    from app.notifications.models import OutboxMessage

    make.make_user(roles=["qa"], email="real@test.example")
    db.session.commit()
    client.post("/forgot-password", data={"email": "real@test.example"})
    client.post("/forgot-password", data={"email": "nobody@test.example"})
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0
    assert "sent password_reset" in result.output and "dropped password_reset" in result.output
    assert len(smtp_server.bodies_to("real@test.example")) == 1 and smtp_server.bodies_to("nobody@test.example") == []
    states = dict(db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.state)).all())
    assert states["real@test.example"] == "sent" and states["nobody@test.example"] == "dropped"
    sent = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "real@test.example")
    ).scalar_one()
    assert sent.body == "" and sent.subject == "Reset your password"  # the link is never kept


def test_a_reset_link_is_made_from_service_url_whatever_the_host(app, client, make, db, smtp_server, monkeypatch):
    make.make_user(roles=["qa"], email="hosted@test.example")
    db.session.commit()
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)  # even a Host the app would otherwise refuse
    response = client.post("/forgot-password", data={"email": "hosted@test.example"}, headers={"Host": "evil.example"})
    assert response.status_code == 200
    [body] = smtp_server.bodies_to("hosted@test.example")
    assert "evil.example" not in body
    assert link_path(body) and f"{app.config['SERVICE_URL']}/reset-password/" in body


def test_a_reset_page_is_never_cached(client, make, db, smtp_server):
    make.make_user(roles=["qa"], email="cache@test.example")
    db.session.commit()
    client.post("/forgot-password", data={"email": "cache@test.example"})
    [body] = smtp_server.bodies_to("cache@test.example")
    page = client.get(link_path(body))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    refused = client.get("/reset-password/not-a-token")
    assert refused.status_code == 404 and refused.headers["Cache-Control"] == "no-store"
    failed = client.post(link_path(body), data={"password": "short", "confirm": "short"})
    assert failed.status_code == 200 and failed.headers["Cache-Control"] == "no-store"
