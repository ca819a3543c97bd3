import pytest
import sqlalchemy as sa

from app import create_app
from app.accounts.models import User
from app.activity.models import ActivityEvent
from tests.factories import PASSWORD


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "'nonce-" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.data


def test_authenticated_pages_are_not_cached(client, login_as):
    login_as("qa")
    response = client.get("/tasks")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_home_page_has_service_name_and_no_crown(client):
    html = client.get("/").get_data(as_text=True)
    assert "Riverside Safeguarding Children Partnership" in html
    assert "govuk-logo" not in html and "Crown copyright" not in html
    assert "Skip to main content" in html


def test_sign_in_lands_on_tasks_and_records_activity(client, make, db):
    user = make.make_user(roles=["auditor"], email="pat@test.example")
    response = client.post("/sign-in", data={"email": "PAT@test.example", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/tasks")
    page = client.get("/tasks")
    assert "Your tasks" in page.get_data(as_text=True)
    events = db.session.execute(sa.select(ActivityEvent).where(ActivityEvent.verb == "signed_in")).scalars().all()
    assert any(e.object_id == user.id for e in events)


def test_bad_sign_in_gets_a_generic_message(client, make):
    make.make_user(roles=["qa"], email="quinn@test.example")
    wrong_password = client.post("/sign-in", data={"email": "quinn@test.example", "password": "nope"})
    unknown_user = client.post("/sign-in", data={"email": "nobody@test.example", "password": "nope"})
    for response in (wrong_password, unknown_user):
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Enter a correct email address and password" in html
        assert "govuk-error-summary" in html


def test_sixth_rapid_sign_in_is_rate_limited(client):
    codes = [client.post("/sign-in", data={"email": "x@test.example", "password": "bad"}).status_code for _ in range(6)]
    assert codes[:5] == [200] * 5
    assert codes[5] == 429


def test_next_redirect_must_stay_on_site(client, make):
    make.make_user(roles=["qa"], email="q2@test.example")
    response = client.post(
        "/sign-in?next=https://evil.example/x", data={"email": "q2@test.example", "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/tasks")
    client.post("/sign-out")
    response = client.post("/sign-in?next=/admin/activity/", data={"email": "q2@test.example", "password": PASSWORD})
    assert response.headers["Location"].endswith("/admin/activity/")


def test_session_is_renewed_on_sign_in(client, make):
    make.make_user(roles=["qa"], email="fix@test.example")
    with client.session_transaction() as session:
        session["planted"] = "attacker-value"
    client.post("/sign-in", data={"email": "fix@test.example", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_deactivated_user_loses_access_immediately(client, login_as, db):
    from app.accounts.services import deactivate_user

    user = login_as("qa")
    assert client.get("/tasks").status_code == 200
    deactivate_user(db.session.get(User, user.id))
    db.session.flush()
    response = client.get("/tasks")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_post_without_csrf_token_is_refused(app, client, make):
    make.make_user(roles=["qa"], email="csrf@test.example")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/sign-in", data={"email": "csrf@test.example", "password": PASSWORD})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True) or "form expired" in response.get_data(as_text=True)


def test_unknown_page_is_a_govuk_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_production_refuses_weak_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY="dev")


def test_production_refuses_to_start_without_an_https_service_url(tmp_path, statement_signing_key):
    database = f"sqlite:///{tmp_path}/p.sqlite3"
    for service_url in ("", "http://safeguarding.example.org"):
        with pytest.raises(RuntimeError, match="SERVICE_URL"):
            create_app(
                "production",
                SECRET_KEY="x" * 48,
                SERVICE_URL=service_url,
                SQLALCHEMY_DATABASE_URI=database,
                STATEMENT_SIGNING_KEY=statement_signing_key,
            )
    prod = create_app(
        "production",
        SECRET_KEY="x" * 48,
        SERVICE_URL="https://safeguarding.example.org",
        SQLALCHEMY_DATABASE_URI=database,
        STATEMENT_SIGNING_KEY=statement_signing_key,
    )
    assert prod.config["TRUSTED_HOSTS"] == ["safeguarding.example.org"]


def test_production_refuses_demo_data(tmp_path, statement_signing_key):
    prod = create_app(
        "production",
        SECRET_KEY="x" * 48,
        SERVICE_URL="https://safeguarding.example.org",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.sqlite3",
        STATEMENT_SIGNING_KEY=statement_signing_key,
    )
    result = prod.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "disabled" in result.output


def test_password_policy(app, db):
    from app.accounts.services import password_problems

    assert password_problems("short") and password_problems("password1234")
    assert not password_problems("a-long-unusual-passphrase")


def test_signing_out_retires_copies_of_the_session_cookie(app, client, make):
    make.make_user(roles=["qa"], email="copy@test.example")
    client.post("/sign-in", data={"email": "copy@test.example", "password": PASSWORD})
    stolen = client.get_cookie("session").value
    assert client.get("/tasks").status_code == 200
    client.post("/sign-out")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/tasks")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
