"""Sessions: no session fixation on sign-in; a deactivated user loses access at once, in
every session they have open, for reading and for saving."""

from __future__ import annotations

from tests.factories import PASSWORD


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_a_planted_session_is_not_adopted_on_sign_in(app, client, make):
    make.make_user(roles=["qa"], email="victim@test.example")
    attacker = app.test_client()
    attacker.get("/sign-in")
    with attacker.session_transaction() as session:
        session["planted"] = "attacker"
    planted = _session_cookie(attacker)
    client.set_cookie("session", planted)
    response = client.post("/sign-in", data={"email": "victim@test.example", "password": PASSWORD})
    assert response.status_code == 302
    assert _session_cookie(client) != planted
    with client.session_transaction() as session:
        assert "planted" not in session
    still_anonymous = attacker.get("/tasks")
    assert still_anonymous.status_code == 302 and "/sign-in" in still_anonymous.headers["Location"]


def test_deactivation_by_an_admin_ends_every_open_session_at_once(app, client, db, make, login_as):
    victim = make.make_user(roles=["org_lead"], email="leaver@test.example")
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        assert device.post("/sign-in", data={"email": "leaver@test.example", "password": PASSWORD}).status_code == 302
        assert device.get("/tasks").status_code == 200
    login_as("admin")
    response = client.post(f"/admin/users/{victim.id}/deactivate", data={})
    assert response.status_code in (302, 200)
    db.session.refresh(victim)
    assert victim.active is False
    for device in (laptop, phone):
        page = device.get("/tasks")
        assert page.status_code == 302 and "/sign-in" in page.headers["Location"]
        save = device.post("/account/change-password", data={})
        assert save.status_code in (302, 401, 403) and "/sign-in" in save.headers.get("Location", "/sign-in")
    again = laptop.post("/sign-in", data={"email": "leaver@test.example", "password": PASSWORD})
    assert again.status_code == 200 and "Enter a correct email address and password" in again.get_data(as_text=True)


def test_sign_out_ends_the_session_in_this_browser(app, client, make):
    make.make_user(roles=["qa"], email="leaving@test.example")
    client.post("/sign-in", data={"email": "leaving@test.example", "password": PASSWORD})
    assert client.get("/tasks").status_code == 200
    assert client.post("/sign-out").status_code == 302
    after = client.get("/tasks")
    assert after.status_code == 302 and "/sign-in" in after.headers["Location"]
