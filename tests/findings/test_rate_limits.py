"""Findings pages and downloads are rate-limited per signed-in user (FINDINGS_RATE_LIMIT, EXPORT_RATE_LIMIT): one
person going over answers 429 with the service's error page while everyone else carries on."""

from __future__ import annotations

import pytest

from tests.findings.test_round_findings import text_of


@pytest.fixture
def small_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "FINDINGS_RATE_LIMIT", "3 per minute")
    monkeypatch.setitem(app.config, "EXPORT_RATE_LIMIT", "2 per minute")


def test_defaults_are_generous_for_pages_and_tighter_for_exports():
    from config import Config

    assert Config.FINDINGS_RATE_LIMIT == "120 per minute"
    assert Config.EXPORT_RATE_LIMIT == "10 per minute"


def test_one_user_over_the_page_limit_gets_429_and_another_user_still_gets_200(
    client, login_as, make, small_limits, small_round
):
    first = make.make_user(roles=["qa"])
    second = make.make_user(roles=["qa"])
    login_as(first)
    pages = ["/findings/", f"/findings/rounds/{small_round.round.id}", "/findings/trends/strategy-discussion"]
    assert [client.get(path).status_code for path in pages] == [200, 200, 200]
    refused = client.get("/findings/themes/timeliness")  # one bucket for every findings page
    assert refused.status_code == 429
    assert "govuk-heading-l" in refused.get_data(as_text=True)
    assert "Wait a minute, then try again." in text_of(refused)
    assert "Retry-After" in refused.headers

    login_as(second)  # the same address, another person
    assert client.get(f"/findings/rounds/{small_round.round.id}").status_code == 200


def test_one_user_over_the_export_limit_gets_429_and_another_user_still_gets_200(
    client, login_as, make, small_limits, small_round
):
    first = make.make_user(roles=["qa"])
    second = make.make_user(roles=["qa"])
    base = f"/findings/rounds/{small_round.round.id}"
    login_as(first)
    assert client.get(base + "/findings.xlsx").status_code == 200
    assert client.get(base + "/responses.csv").status_code == 200
    assert client.get(base + "/findings.xlsx").status_code == 429
    assert client.get(base).status_code == 200  # downloads have a budget of their own

    login_as(second)
    assert client.get(base + "/responses.csv").status_code == 200


def test_visitors_not_signed_in_are_limited_by_address(client, small_limits):
    statuses = [client.get("/findings/").status_code for _ in range(4)]
    assert statuses[:3] == [302, 302, 302] and statuses[3] == 429
