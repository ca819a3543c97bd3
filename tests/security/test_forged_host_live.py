"""From outside: gunicorn serving the demo as `make run` does, spoken to over raw HTTP with forged Host
headers, and the mail worker delivering to a real SMTP server. The emailed link is the configured SERVICE_URL's,
whatever Host the request named; a Host the service does not answer to gets 400."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode, urlsplit

import pytest

from tests.e2e.live import GunicornServer, demo_database, flask_cli
from tests.smtp import SMTPServer

pytestmark = pytest.mark.slow

SERVICE_URL = "https://safeguarding.example.org"
ACCOUNT = "admin@riverside.example"


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    directory = tmp_path_factory.mktemp("forged-host")
    smtp = SMTPServer()
    smtp.controller.start()
    env = {
        "SERVICE_URL": SERVICE_URL,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "SECRET_KEY": "forged-host-test-key-" + "k" * 32,
    }
    try:
        with demo_database("test_forged_host", directory) as url:
            server = GunicornServer(url, directory / "gunicorn.log", env=env).start()
            try:
                yield server, url, env, smtp
            finally:
                server.stop()
    finally:
        smtp.controller.stop()


def _request(server, method: str, path: str, *, host: str, headers: dict | None = None, body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        data = body.encode() if body is not None else None
        if data is not None:
            connection.putheader("Content-Type", "application/x-www-form-urlencoded")
            connection.putheader("Content-Length", str(len(data)))
        connection.endheaders(data)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
    finally:
        connection.close()


def _form_session(server) -> tuple[str, str]:
    """The session cookie and CSRF token of a freshly opened forgot-password form."""
    status, headers, html = _request(server, "GET", "/forgot-password", host=f"127.0.0.1:{server.port}")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return cookie, token


def test_a_forged_host_gets_400(outside):
    server, _url, _env, _smtp = outside
    status, _headers, body = _request(server, "GET", "/sign-in", host="evil.example")
    assert status == 400 and "evil.example" not in body
    assert _request(server, "GET", "/healthz", host=f"127.0.0.1:{server.port}")[0] == 200


def test_the_emailed_reset_link_is_the_service_url_whatever_the_host(outside):
    server, url, env, smtp = outside
    cookie, token = _form_session(server)
    form = urlencode({"csrf_token": token, "email": ACCOUNT})
    refused = _request(server, "POST", "/forgot-password", host="evil.example", headers={"Cookie": cookie}, body=form)
    assert refused[0] == 400
    # A Host the service answers (loopback in development) that is not SERVICE_URL's, and a forwarded host that no
    # configured proxy vouches for.
    accepted = _request(
        server,
        "POST",
        "/forgot-password",
        host=f"localhost:{server.port}",
        headers={"Cookie": cookie, "X-Forwarded-Host": "evil.example"},
        body=form,
    )
    assert accepted[0] == 200 and "Check your email" in accepted[2]
    assert smtp.received == []  # nothing is sent by the request itself

    delivered = flask_cli(url, "mail", "deliver", env=env)
    assert "sent password_reset" in delivered.stdout
    [message] = [m for m in smtp.received if m["To"] == ACCOUNT]
    body = message.get_payload(decode=True).decode()
    assert "evil.example" not in body and "localhost" not in body
    [link] = re.findall(r"https?://\S+/reset-password/\S+", body)
    assert link.startswith(f"{SERVICE_URL}/reset-password/")
    status, headers, page = _request(server, "GET", urlsplit(link).path, host=f"127.0.0.1:{server.port}")
    assert status == 200 and "Choose a new password" in page and headers["Cache-Control"] == "no-store"
