"""A number too large for any row (an id past the database's integer range, a page in the billions) is "not found",
or the nearest page, never a server error: SQLite cannot bind such a number and PostgreSQL refuses it."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from tests import factories

HUGE = "99999999999999999999"

# Query-string numbers the pages read (request.args.get(..., type=int) or page_arg), with a page that reads each.
QUERY_NUMBERS = [
    "/admin/activity/?object_type=round&object_id={n}",
    "/admin/activity/?page={n}",
    "/admin/users?organisation={n}",
    "/admin/users?page={n}",
    "/findings/contradictions?campaign={n}&organisation={n}&show=all&page={n}",
    "/findings/contradictions/challenge?campaign={n}&organisation={n}&theme=timeliness",
    "/findings/contradictions/action?campaign={n}&organisation={n}&theme=timeliness",
    "/reports/?year={n}",
]


@pytest.fixture
def staff(login_as):
    return login_as(factories.make_user(roles=["admin", "qa"]))


def _url(rule) -> str:
    def sample(match):
        name = match.group(2)
        return HUGE if isinstance(rule._converters[name], IntegerConverter) else "x"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", sample, rule.rule)


def test_no_page_fails_on_an_id_too_large_for_the_database(app, client, staff):
    failed = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            continue
        response = client.get(_url(rule))
        if response.status_code >= 500:
            failed.append(f"{_url(rule)} -> {response.status_code}")
    assert not failed, failed


@pytest.mark.parametrize("query", QUERY_NUMBERS)
def test_no_page_fails_on_a_number_too_large_for_the_database_in_its_address(client, staff, query):
    response = client.get(query.format(n=HUGE))
    assert response.status_code < 500, (query, response.status_code)
