"""Route × role matrix with real objects: every route in the URL map declares its access in
tests/route_access.py, and is called with objects that exist in the demo partnership (tests/demo_world.py) by:

- every role (admin, qa, auditor, org_lead, signatory) as a user of the organisation that owns the object, and
  anonymously: allowed roles get the page (200, or the declared redirect), the others 403/404 or the sign-in page;
- for a URL naming an object of one organisation, every allowed organisation role as a user of another
  organisation: 403/404 for an object that exists.
Every POST route is posted by every identity: the refused ones get 403/404 (or the sign-in page) and nothing in
the database changes; the allowed ones are not refused.

To add a route: one line in tests/route_access.py (and a SAMPLES entry in tests/demo_world.py for a new kind of
object). The demo is loaded once for this module; each case runs in a savepoint rolled back after it.
"""

from __future__ import annotations

import pytest
from flask import g, url_for

from app.accounts.models import ROLES
from app.extensions import limiter
from tests.demo_world import ELSEWHERE, ORGANISATION_ROLES, shared_demo
from tests.route_access import LOGIN, PUBLIC, ROUTE_ACCESS, TOKEN, entry

ANONYMOUS = "anonymous"
REFUSED = (403, 404)


def _identities(access) -> list[str]:
    """Every role and anonymous; plus, for routes open to organisation roles, those roles in another organisation."""
    identities = [*ROLES, ANONYMOUS]
    if isinstance(access, frozenset):
        identities += [f"{role}@elsewhere" for role in ORGANISATION_ROLES if role in access]
    return identities


def _cases(method: str) -> list[tuple[str, str]]:
    """(endpoint, identity) for every declared route answering `method`, read from a URL map built for collection."""
    from app import create_app

    rules = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://").url_map.iter_rules()
    endpoints = sorted({rule.endpoint for rule in rules if method in rule.methods} & set(ROUTE_ACCESS))
    return [(endpoint, identity) for endpoint in endpoints for identity in _identities(entry(endpoint).access)]


GET_CASES, POST_CASES = _cases("GET"), _cases("POST")


@pytest.fixture(scope="module")
def world(app):
    with shared_demo(app) as world:
        yield world


@pytest.fixture
def matrix(app, world):
    """A fresh client inside a savepoint of the module's demo; rolled back after the test."""
    limiter.reset()
    with world.savepoint():
        yield app.test_client()


def _rules(app, endpoint: str):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    assert rules, f"tests/route_access.py lists {endpoint}, which is not a route"
    return rules


def test_every_route_declares_its_access(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(ROUTE_ACCESS))
    assert not missing, f"Declare the expected access of these routes in tests/route_access.py: {missing}"


def test_declared_routes_exist(app):
    stale = sorted(set(ROUTE_ACCESS) - {rule.endpoint for rule in app.url_map.iter_rules()})
    assert not stale, f"tests/route_access.py lists routes that no longer exist: {stale}"


def test_every_url_argument_has_a_real_sample(app, world):
    missing = sorted(
        {
            f"{rule.endpoint}: {arg} -> {entry(rule.endpoint).sample_for(arg)}"
            for rule in app.url_map.iter_rules()
            if rule.endpoint in ROUTE_ACCESS
            for arg in rule.arguments
            if entry(rule.endpoint).sample_for(arg) not in world.samples
        }
    )
    assert not missing, f"Name a sample (tests/demo_world.py SAMPLES) for these URL arguments: {missing}"


class Call:
    """One route called by one identity: its URL built from the world's samples, and who is signed in."""

    def __init__(self, app, world, rule, identity: str):
        self.rule, self.identity = rule, identity
        self.spec = entry(rule.endpoint)
        samples = {arg: world.samples[self.spec.sample_for(arg)] for arg in rule.arguments}
        owned = [s for s in samples.values() if s.owner]
        self.owner = owned[0].owner if owned else None
        self.rows = [(s.table, s.value) for s in samples.values() if s.table]
        role, _, where = identity.partition("@")
        self.role = None if role == ANONYMOUS else role
        self.outsider = where == "elsewhere"
        organisation = (owned[0].outsider if owned else ELSEWHERE) if self.outsider else self.owner
        self.login_id = world.login_id(self.role, organisation) if self.role else None
        method = "GET" if "GET" in rule.methods else "POST"
        with app.test_request_context():
            self.url = url_for(rule.endpoint, _method=method, **{a: s.value for a, s in samples.items()})

    def allowed(self, method: str) -> bool:
        access = self.spec.post if method == "POST" and self.spec.post is not None else self.spec.access
        if access in (PUBLIC, TOKEN):
            return True
        if self.role is None:
            return False
        if access == LOGIN:
            return True
        return self.role in access and not (self.outsider and self.owner)

    def sign_in(self, client) -> None:
        with client.session_transaction() as session:
            session.clear()
            if self.login_id:
                session["_user_id"] = self.login_id
                session["_fresh"] = True
        g.pop("_login_user", None)

    def refusal_problem(self, response) -> str | None:
        """None if the response refuses this identity as it should."""
        status = response.status_code
        if self.role is None:
            if status in (401, 403, 404) or (status == 302 and "/sign-in" in response.headers.get("Location", "")):
                return None
            return f"anonymous got {status} {response.headers.get('Location', '')}"
        return None if status in REFUSED else f"got {status}, expected 403 or 404"

    def describe(self, method: str) -> str:
        who = f"{self.role} of another organisation" if self.outsider else (self.role or ANONYMOUS)
        return f"{method} {self.url} ({self.rule.endpoint}) as {who}"


@pytest.mark.parametrize("endpoint,identity", GET_CASES, ids=[f"{e}-{i}" for e, i in GET_CASES])
def test_get(app, world, matrix, endpoint, identity):
    for rule in _rules(app, endpoint):
        if "GET" not in rule.methods:
            continue
        call = Call(app, world, rule, identity)
        call.sign_in(matrix)
        response = matrix.get(call.url)
        response.close()  # a streamed download's generator ends here, not in a failing assertion's report
        if call.allowed("GET"):
            expected = call.spec.ok if not (call.outsider and not call.owner) else (200, 302)
            assert response.status_code in expected, (
                f"{call.describe('GET')}: got {response.status_code}, expected {expected}"
            )
            assert "/sign-in" not in response.headers.get("Location", ""), f"{call.describe('GET')}: sent to sign in"
        else:
            problem = call.refusal_problem(response)
            assert problem is None, f"{call.describe('GET')}: {problem}"


@pytest.mark.parametrize("endpoint,identity", POST_CASES, ids=[f"{e}-{i}" for e, i in POST_CASES])
def test_post(app, world, matrix, endpoint, identity):
    for rule in _rules(app, endpoint):
        if "POST" not in rule.methods:
            continue
        call = Call(app, world, rule, identity)
        call.sign_in(matrix)
        if call.allowed("POST"):
            response = matrix.post(call.url, data={})
            response.close()
            assert response.status_code not in (401, 403, 404, 405) and response.status_code < 500, (
                f"{call.describe('POST')}: an allowed user got {response.status_code}"
            )
            continue
        before = world.digest(rows=call.rows)
        response = matrix.post(call.url, data={})
        response.close()
        problem = call.refusal_problem(response)
        assert problem is None, f"{call.describe('POST')}: {problem}"
        assert world.digest(rows=call.rows) == before, f"{call.describe('POST')} was refused but changed data"
