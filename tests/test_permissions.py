"""Route × role matrix: every route in the URL map must declare its access, and the app must enforce it."""
from __future__ import annotations

import pytest

from app.accounts.models import ROLES
from tests.route_access import LOGIN, PUBLIC, ROUTE_ACCESS, TOKEN
from tests.security.urls import url_for_rule


def _url_for_rule(app, rule) -> str:
    """A concrete path for the rule: placeholder ids every converter accepts (int ids that do not exist)."""
    with app.test_request_context():
        url = url_for_rule(rule)
    assert url is not None, f"cannot build a URL for {rule.rule}"
    return url


def _rules(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_every_route_declares_its_access(app):
    missing = sorted({rule.endpoint for rule in _rules(app)} - set(ROUTE_ACCESS))
    assert not missing, f"Declare the expected access of these routes in tests/route_access.py: {missing}"


def test_declared_routes_exist(app):
    stale = sorted(set(ROUTE_ACCESS) - {rule.endpoint for rule in _rules(app)})
    assert not stale, f"tests/route_access.py lists routes that no longer exist: {stale}"


def _cases(app):
    for rule in _rules(app):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_anonymous_users_cannot_reach_protected_routes(app, client):
    for rule, method in _cases(app):
        access = ROUTE_ACCESS.get(rule.endpoint)
        if access in (PUBLIC, TOKEN):
            continue
        response = client.open(_url_for_rule(app, rule), method=method)
        assert response.status_code in (302, 401, 403, 404), (rule.rule, method, response.status_code)
        if response.status_code == 302:
            assert "/sign-in" in response.headers["Location"], (rule.rule, method)


@pytest.mark.parametrize("role", ROLES)
def test_roles_outside_the_allowed_set_are_refused(app, client, login_as, role):
    login_as(role)
    for rule, method in _cases(app):
        access = ROUTE_ACCESS.get(rule.endpoint)
        if access in (PUBLIC, TOKEN, LOGIN) or role in access:
            continue
        response = client.open(_url_for_rule(app, rule), method=method)
        assert response.status_code in (403, 404), (role, rule.rule, method, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_allowed_roles_reach_their_pages(app, client, login_as, role):
    login_as(role)
    for rule, method in _cases(app):
        access = ROUTE_ACCESS.get(rule.endpoint)
        if method != "GET" or rule.arguments or access in (PUBLIC, TOKEN):
            continue
        if access == LOGIN or role in access:
            response = client.get(_url_for_rule(app, rule))
            assert response.status_code in (200, 302), (role, rule.rule, response.status_code)
