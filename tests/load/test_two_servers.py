"""Two app servers behind nginx, as a regional deployment runs: both gunicorn instances on the same PostgreSQL and
Redis, ProxyFix trusting the one proxy in front. The load script runs through the proxy, so consecutive requests of
one signed-in user land on either server: sessions, the lock versions of drafts, kept findings figures and rate
limits must all hold whichever answers, with zero 5xx and zero lost updates. The same servers are also served under
a path (/riverside/), as a hub serving several partnerships on one host does.

Needs Debian's nginx (`.ci/run` installs it), PostgreSQL and Redis; runs once, on the SQLite pass."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.parallel import redis_url
from tests.e2e.live import (
    DEMO_PASSWORD,
    ROOT,
    GunicornServer,
    create_database,
    drop_database,
    free_port,
    reachable_postgres,
    seed_demo,
)

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
REDIS_URL = redis_url(7)

NGINX_CONF = """
user root;
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format upstreamlog '$status $upstream_addr $request_method $uri';
    access_log {dir}/nginx-access.log upstreamlog;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 12m;
    upstream app {{
        server 127.0.0.1:{port_a};
        server 127.0.0.1:{port_b};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Prefix "";
            proxy_read_timeout 120s;
        }}
        location /riverside/ {{
            proxy_pass http://app/;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Prefix /riverside;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


GUESSES_ALLOWED = 10  # LOGIN_RATE_LIMIT per account here: above what the load script's sign-ins need


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """nginx on a free port in front of two gunicorn servers sharing one PostgreSQL database and Redis."""
    tmp_path = tmp_path_factory.mktemp("two-servers")
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed: .ci/run installs Debian's nginx for this test")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    _flush_redis()
    url = create_database("test_two_servers", tmp_path, postgres_url=reachable_postgres())
    seed_demo(url)
    env = {
        # Every server signs sessions with the same key and keeps rate limits in the same Redis.
        "SECRET_KEY": secrets.token_urlsafe(40),
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "LOGIN_RATE_LIMIT": f"{GUESSES_ALLOWED} per minute",
        "PROXY_FIX_X_FOR": "1",
        "PROXY_FIX_X_PROTO": "1",
        "PROXY_FIX_X_PREFIX": "1",
    }
    servers = [GunicornServer(url, tmp_path / f"gunicorn-{name}.log", workers=2, threads=4, env=env) for name in "ab"]
    nginx = None
    try:
        for server in servers:
            server.start()
        port = free_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=tmp_path, port=port, port_a=servers[0].port, port_b=servers[1].port))
        nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path)], stderr=subprocess.PIPE)
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or nginx.poll() is not None:
                    log = tmp_path / "nginx-error.log"
                    raise RuntimeError(log.read_text(errors="replace") if log.exists() else "nginx did not start")
                time.sleep(0.2)
        yield base_url, servers, tmp_path / "nginx-access.log"
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for server in servers:
            server.stop()
        drop_database(url)
        _flush_redis()


def _upstreams(access_log: Path) -> Counter:
    """Requests per app server, and per status, as nginx logged them."""
    lines = access_log.read_text().splitlines()
    return Counter(line.split()[1] for line in lines), Counter(line.split()[0] for line in lines)


def test_load_through_the_proxy_loses_nothing_whichever_server_answers(proxied):
    base_url, servers, access_log = proxied
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "load",
            "--base-url",
            base_url,
            "--users",
            "12",
            "--requests",
            "240",
            "--time-cap",
            "90",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.stdout, result.stderr
    summary = json.loads(result.stdout)
    logs = "\n".join(server.log_tail() for server in servers)
    assert summary["server_errors"] == 0, (summary, logs)
    assert summary["lost_updates"] == 0, summary
    assert summary["ok"], summary
    assert summary["submitted"] == summary["assignments"]
    by_server, by_status = _upstreams(access_log)
    assert len(by_server) == 2 and min(by_server.values()) > 50, by_server
    assert not [status for status in by_status if status.startswith("5")], by_status


def _sign_in(base_url: str, email: str, password: str) -> int:
    """One sign-in attempt through the proxy, in a fresh session: the status of the POST."""
    import http.cookiejar
    import re

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base_url + "/sign-in").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    data = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": password}).encode()
    try:
        return opener.open(base_url + "/sign-in", data=data).status
    except urllib.error.HTTPError as error:
        return error.code


def test_password_guessing_is_limited_across_both_servers(proxied):
    """Wrong passwords are limited per account, counted in Redis: alternate servers do not double the limit."""
    base_url, servers, access_log = proxied
    statuses = [_sign_in(base_url, "qa@riverside.example", "wrong-password") for _ in range(GUESSES_ALLOWED + 2)]
    assert statuses[:GUESSES_ALLOWED] == [200] * GUESSES_ALLOWED, statuses
    assert statuses[GUESSES_ALLOWED:] == [429, 429], statuses
    by_server, _ = _upstreams(access_log)
    assert len(by_server) == 2, by_server


def test_served_under_a_path_through_the_proxy(proxied):
    """Through nginx's /riverside/ location: signing in, the pages' links, the stylesheet's images and the session
    cookie all stay under the path, whichever server answers."""
    import http.cookiejar
    import re

    base_url, servers, access_log = proxied
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base_url + "/riverside/sign-in").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "email": "admin@riverside.example", "password": DEMO_PASSWORD}
    signed_in = opener.open(base_url + "/riverside/sign-in", data=urllib.parse.urlencode(data).encode())
    assert urllib.parse.urlsplit(signed_in.url).path == "/riverside/tasks", signed_in.url
    assert {cookie.path for cookie in jar} == {"/riverside"}, [(c.name, c.path) for c in jar]
    pages = {"/riverside/tasks", "/riverside/audits/", "/riverside/findings/"}
    for path in sorted(pages):
        body = opener.open(base_url + path).read().decode()
        assert "Sign out" in body, path
        addresses = re.findall(r'\s(?:href|src|action)="(/[^"]*)"', body)
        assert addresses and all(a.startswith("/riverside/") for a in addresses), (path, addresses)
    css_path = "/riverside/static/govuk/govuk-frontend.min.css"
    css = opener.open(base_url + css_path).read().decode()
    for asset in set(re.findall(r"url\(\s*[\"']?([^)\"']+)", css)):
        image = urllib.parse.urljoin(base_url + css_path, asset)
        assert urllib.parse.urlsplit(image).path.startswith("/riverside/static/"), asset
        assert opener.open(image).status == 200
    # Signed in under the path only: the service at the host's root does not see that session.
    at_root = opener.open(base_url + "/tasks")
    assert urllib.parse.urlsplit(at_root.url).path == "/sign-in"
    by_server, _ = _upstreams(access_log)
    assert len(by_server) == 2, by_server
