"""Trust: foreign Host headers are refused, X-Forwarded-* is believed only from the proxies configured,
production insists on an https SERVICE_URL, and an app on the public development key answers only this machine."""

from __future__ import annotations

import pytest

import config
from app import create_app
from app.extensions import limiter

SIGN_IN = {"email": "nobody@test.example", "password": "wrong-password-0000"}


@pytest.fixture
def other_app(app, database_url):
    """Another instance of the app on the test database (already migrated by `app`), with its own settings."""

    def build(config_name="test", **overrides):
        return create_app(config_name, SQLALCHEMY_DATABASE_URI=database_url, **overrides)

    yield build
    limiter.reset()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5000", "safeguarding.example.org.evil.example"])
def test_a_foreign_host_is_refused(client, host):
    response = client.get("/sign-in", headers={"Host": host})
    assert response.status_code == 400
    assert client.post("/forgot-password", data={"email": "a@test.example"}, headers={"Host": host}).status_code == 400


@pytest.mark.parametrize("host", ["safeguarding.example.org", "localhost", "127.0.0.1:5000"])
def test_the_service_host_and_loopback_are_answered_in_tests(client, host):
    assert client.get("/sign-in", headers={"Host": host}).status_code == 200


def test_production_answers_only_its_own_host_and_those_listed():
    prod = {
        "SERVICE_URL": "https://safeguarding.example.org",
        "EXTRA_TRUSTED_HOSTS": ["internal.example"],
        "ALLOW_LOOPBACK_HOSTS": False,
    }
    assert config.trusted_hosts(prod) == ["safeguarding.example.org", "internal.example"]
    dev = {"SERVICE_URL": "http://127.0.0.1:5000", "EXTRA_TRUSTED_HOSTS": [], "ALLOW_LOOPBACK_HOSTS": True}
    assert config.trusted_hosts(dev) == ["127.0.0.1", "localhost"]
    assert config.ProductionConfig.ALLOW_LOOPBACK_HOSTS is False


@pytest.mark.parametrize("service_url", ["", "http://safeguarding.example.org", "https://", "safeguarding.example.org"])
def test_production_refuses_to_start_without_an_https_service_url(service_url):
    settings = {"SECRET_KEY": "k" * 48, "STATEMENT_SIGNING_KEY_FILE": "/keys/seal.pem", "SERVICE_URL": service_url}
    with pytest.raises(RuntimeError, match="SERVICE_URL must be set"):
        config.ProductionConfig.validate(settings)
    config.ProductionConfig.validate({**settings, "SERVICE_URL": "https://safeguarding.example.org"})


def _sign_in_codes(client, forwarded_for: str, times: int) -> list[int]:
    return [
        client.post("/sign-in", data=SIGN_IN, headers={"X-Forwarded-For": forwarded_for}).status_code
        for _ in range(times)
    ]


def test_behind_a_proxy_each_client_is_limited_on_its_own(other_app):
    behind_proxy = other_app(PROXY_FIX_X_FOR=1, LOGIN_ADDRESS_RATE_LIMIT="2 per minute")
    limiter.reset()
    client = behind_proxy.test_client()
    assert _sign_in_codes(client, "203.0.113.1", 3) == [200, 200, 429]
    assert _sign_in_codes(client, "203.0.113.2", 1) == [200]  # another person behind the same proxy


def test_without_a_proxy_a_forged_forwarded_for_cannot_escape_the_limit(other_app):
    direct = other_app(LOGIN_ADDRESS_RATE_LIMIT="2 per minute")
    limiter.reset()
    client = direct.test_client()
    assert _sign_in_codes(client, "203.0.113.1", 2) == [200, 200]
    assert _sign_in_codes(client, "203.0.113.2", 1) == [429]
    assert _sign_in_codes(client, "198.51.100.7, 203.0.113.3", 1) == [429]


def test_hsts_follows_the_scheme_the_proxy_reports_only_when_it_is_trusted(other_app):
    behind_proxy = other_app(PROXY_FIX_X_PROTO=1, HSTS=True).test_client()
    assert "Strict-Transport-Security" in behind_proxy.get("/sign-in", headers={"X-Forwarded-Proto": "https"}).headers
    assert "Strict-Transport-Security" not in behind_proxy.get("/sign-in").headers
    direct = other_app(HSTS=True).test_client()
    assert "Strict-Transport-Security" not in direct.get("/sign-in", headers={"X-Forwarded-Proto": "https"}).headers


# --- the public development key -----------------------------------------------------------------------------------


@pytest.fixture
def public_key_app(other_app):
    def build(**overrides):
        return other_app("development", SECRET_KEY="dev-insecure-secret-key", **overrides)

    return build


def test_with_the_public_key_only_this_machine_is_answered(public_key_app):
    client = public_key_app().test_client()
    assert client.get("/sign-in", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/sign-in", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    refused = client.get("/sign-in", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert refused.status_code == 403
    for host in ("localhost", "127.0.0.1:5000"):  # a Host header chosen by the client changes nothing
        assert (
            client.get("/sign-in", headers={"Host": host}, environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code
            == 403
        )
    assert client.get("/healthz", environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 403


def test_with_the_public_key_forwarded_headers_cannot_pass_for_this_machine(public_key_app):
    client = public_key_app(PROXY_FIX_X_FOR=1).test_client()
    spoofed = client.get(
        "/sign-in", headers={"X-Forwarded-For": "127.0.0.1"}, environ_base={"REMOTE_ADDR": "192.0.2.10"}
    )
    assert spoofed.status_code == 403
    relayed = client.get(
        "/sign-in", headers={"X-Forwarded-For": "192.0.2.10"}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )  # a proxy on this machine relaying a stranger
    assert relayed.status_code == 403


def test_with_a_real_key_other_machines_are_answered(other_app):
    client = other_app("development", SECRET_KEY="a-real-random-key-" + "x" * 30).test_client()
    assert client.get("/sign-in", environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 200
