"""Every POST in the URL map refuses a request without a valid CSRF token."""

from __future__ import annotations

import pytest

from load.client import forms_in
from tests.security.urls import url_for_rule


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _post_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods), key=lambda r: r.rule)


def test_every_post_route_is_enumerated(app):
    assert len(_post_rules(app)) >= 2  # sign-in and sign-out at least; features add theirs


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_every_post_without_a_valid_csrf_token_is_refused(app, client, login_as, csrf_on, token):
    user = login_as("admin")
    user.set_roles(["admin", "qa", "auditor", "org_lead", "signatory"])
    accepted = []
    with app.test_request_context():
        urls = [(rule, url_for_rule(rule)) for rule in _post_rules(app)]
    assert all(url for _rule, url in urls), [rule.rule for rule, url in urls if not url]
    for rule, url in urls:
        data = {"csrf_token": token} if token else {}
        response = client.post(url, data=data)
        if response.status_code != 400:
            accepted.append((rule.rule, response.status_code))
    assert not accepted, f"POST routes that did not refuse a missing/forged CSRF token: {accepted}"


def test_the_refusal_is_a_govuk_page_that_explains(app, client, csrf_on):
    response = client.post("/sign-in", data={"email": "someone@example.org", "password": "x"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "govuk-template" in body and "reload the page and try again" in body


def test_a_token_from_another_session_is_refused(app, client, csrf_on):
    other = app.test_client()
    token = forms_in(other.get("/sign-in").get_data(as_text=True))[0].value("csrf_token")
    assert token
    response = client.post("/sign-in", data={"csrf_token": token, "email": "a@b.example", "password": "x"})
    assert response.status_code == 400
