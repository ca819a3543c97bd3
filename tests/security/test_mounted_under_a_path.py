"""Served under a path behind a proxy: a regional hub serves each partnership under its own path on one host
(https://hub.example/riverside/), the proxy stripping the path and saying so in X-Forwarded-Prefix
(PROXY_FIX_X_PREFIX=1). Every link, form, redirect and stylesheet asset must stay under that path, and the session
cookie must belong to it, or people fall out of the service (or out of another partnership's) as they click.

The proxy here is the few lines of WSGI below doing what nginx's `location /riverside/ { proxy_pass
http://app/; proxy_set_header X-Forwarded-Prefix /riverside; }` does; the browser's side is the test client, which
sends a cookie only to the paths it belongs to, as browsers do."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import db, limiter
from app.jobs.models import BackgroundJob
from app.studio.models import InstrumentDraft
from tests.demo_world import shared_demo

PREFIX = "/riverside"
OTHER_PREFIX = "/lakeside"
# Addresses in the pages: links, images, scripts, forms, and the URLs scripts are given.
ADDRESS = re.compile(r'\s(?:href|src|action|formaction|data-[a-z-]*url)="([^"]*)"')
NOT_FOLLOWED = ("/sign-out", "/static/")


class PathProxy:
    """Passes requests under its paths to the app with the path taken off and named in X-Forwarded-Prefix;
    anything else is not the service's."""

    def __init__(self, app, *prefixes: str):
        self.app = app
        self.prefixes = prefixes

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        for prefix in self.prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                environ["PATH_INFO"] = path[len(prefix) :] or "/"
                environ["HTTP_X_FORWARDED_PREFIX"] = prefix
                return self.app(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not behind this proxy"]


@pytest.fixture(scope="module")
def world(app):
    with shared_demo(app) as world:
        yield world


@pytest.fixture
def client(app, world, monkeypatch):
    monkeypatch.setattr(app, "wsgi_app", PathProxy(ProxyFix(app.wsgi_app, x_prefix=1), PREFIX, OTHER_PREFIX))
    limiter.reset()
    with world.savepoint():
        yield app.test_client()
    limiter.reset()


def _sign_in(client, app, email: str, prefix: str = PREFIX):
    response = client.post(f"{prefix}/sign-in", data={"email": email, "password": app.config["DEMO_PASSWORD"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def _outside(address: str, prefix: str = PREFIX) -> bool:
    """Whether a path in a page leads out of the service: a path on this host not under its prefix."""
    if not address or address.startswith(("#", "?", "mailto:", "tel:", "data:", "javascript:")):
        return False
    parts = urlsplit(address)
    if parts.scheme or parts.netloc:
        return parts.netloc in ("localhost", "127.0.0.1") and not parts.path.startswith(prefix + "/")
    return not (parts.path == prefix or parts.path.startswith(prefix + "/"))


def _crawl(client, start: str, pages: int) -> tuple[int, dict[str, str]]:
    """Reads up to `pages` pages reachable from `start` by links; returns how many were read and each address
    that leads out of the service, with the page it was found on."""
    queue, seen, outside, read = deque([start]), {start}, {}, 0
    while queue and read < pages:
        page = queue.popleft()
        response = client.get(page)
        assert response.status_code < 500, page
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response.headers["Location"]]
        elif response.status_code == 200 and response.mimetype == "text/html":
            read += 1
            targets = ADDRESS.findall(response.get_data(as_text=True))
        else:
            continue
        for address in targets:
            address = address.replace("&amp;", "&")
            if _outside(address):
                outside.setdefault(address, page)
                continue
            parts = urlsplit(urljoin(page, address))
            following = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc not in ("", "localhost") or following in seen:
                continue
            if any(part in parts.path for part in NOT_FOLLOWED) or "download" in parts.path:
                continue
            seen.add(following)
            queue.append(following)
    return read, outside


@pytest.mark.parametrize(
    "email, pages",
    [
        ("admin@riverside.example", 150),
        ("qa@riverside.example", 60),
        ("auditor.police@riverside.example", 40),
        ("lead@oakfield-school.riverside.example", 40),
    ],
)
def test_every_link_form_and_redirect_stays_under_the_path(client, app, email, pages):
    _sign_in(client, app, email)
    read, outside = _crawl(client, f"{PREFIX}/", pages)
    assert read >= min(pages, 10), read
    assert outside == {}, f"addresses leading out of {PREFIX}/ (address: page): {outside}"


def test_signed_out_pages_stay_under_the_path(client):
    read, outside = _crawl(client, f"{PREFIX}/", 20)
    assert read >= 5
    assert outside == {}


def test_the_navigation_marks_the_section_you_are_in(client, app):
    _sign_in(client, app, "admin@riverside.example")
    page = client.get(f"{PREFIX}/audits/").get_data(as_text=True)
    current = re.findall(r'class="govuk-service-navigation__link" href="([^"]*)"\s*aria-current="(?:page|true)"', page)
    assert current == [f"{PREFIX}/audits/"], current
    account = client.get(f"{PREFIX}/account").get_data(as_text=True)
    assert re.search(r'href="/riverside/account"\s+aria-current="page"', account)


def test_a_redirect_after_signing_in_returns_to_the_page_asked_for(client, app):
    asked = client.get(f"{PREFIX}/audits/")
    assert asked.status_code == 302
    sign_in_page = asked.headers["Location"]
    assert urlsplit(sign_in_page).path == f"{PREFIX}/sign-in"
    response = client.post(
        sign_in_page, data={"email": "admin@riverside.example", "password": app.config["DEMO_PASSWORD"]}
    )
    assert response.headers["Location"] == f"{PREFIX}/audits/"


def test_the_session_belongs_to_the_path_it_was_made_under(client, app):
    signed_in = _sign_in(client, app, "admin@riverside.example")
    cookie = signed_in.headers["Set-Cookie"]
    assert f"Path={PREFIX};" in cookie or cookie.endswith(f"Path={PREFIX}"), cookie
    assert client.get(f"{PREFIX}/tasks").status_code == 200
    # The same host serving another partnership under another path is not signed in by it...
    other = client.get(f"{OTHER_PREFIX}/tasks")
    assert other.status_code == 302 and urlsplit(other.headers["Location"]).path == f"{OTHER_PREFIX}/sign-in"
    # ...and signing in there leaves this one signed in.
    _sign_in(client, app, "qa@riverside.example", OTHER_PREFIX)
    assert client.get(f"{PREFIX}/tasks").status_code == 200
    assert client.get(f"{OTHER_PREFIX}/tasks").status_code == 200


def test_at_the_root_the_session_cookie_is_for_the_whole_host(app, world):
    limiter.reset()
    with world.savepoint():
        client = app.test_client()
        signed_in = _sign_in(client, app, "admin@riverside.example", prefix="")
    assert "Path=/;" in signed_in.headers["Set-Cookie"] or signed_in.headers["Set-Cookie"].endswith("Path=/")


def test_the_stylesheet_finds_its_images_under_the_path(client):
    stylesheet = f"{PREFIX}/static/govuk/govuk-frontend.min.css"
    css = client.get(stylesheet)
    assert css.status_code == 200
    assets = set(re.findall(r"url\(\s*[\"']?([^)\"']+)", css.get_data(as_text=True)))
    assert assets, "the stylesheet names no images: is this the GOV.UK Frontend build?"
    for asset in assets:
        if asset.startswith("data:"):
            continue
        resolved = urljoin(stylesheet, asset)
        assert urlsplit(resolved).path.startswith(f"{PREFIX}/static/"), asset
        image = client.get(resolved)
        assert image.status_code == 200, resolved
        image.close()


def test_prepare_it_again_posts_back_under_the_path(client, app, world):
    _sign_in(client, app, "admin@riverside.example")
    round_id = world.samples["round_id"].value
    offer = f"{PREFIX}/findings/rounds/{round_id}/findings.xlsx"
    assert client.get(offer).status_code == 200
    started = client.post(offer)
    assert started.status_code == 302
    assert urlsplit(started.headers["Location"]).path.startswith(f"{PREFIX}/downloads/")
    job = db.session.execute(sa.select(BackgroundJob).order_by(BackgroundJob.id.desc())).scalars().first()
    assert job.offer_url == offer
    assert job.back_url.startswith(f"{PREFIX}/findings/rounds/")


def test_save_and_add_another_stays_under_the_path(client, app):
    studio = f"{PREFIX}/admin/instruments/studio"
    _sign_in(client, app, "admin@riverside.example")
    made = client.post(f"{studio}/new", data={"key": "prefix-draft", "title": "Prefix draft", "kind": "case_audit"})
    assert made.status_code == 302 and made.headers["Location"].startswith(f"{studio}/drafts/")
    draft_id = int(made.headers["Location"].rstrip("/").split("/")[-1])

    def post(path, data):
        db.session.expire_all()
        lock_version = db.session.get(InstrumentDraft, draft_id).lock_version
        return client.post(f"{studio}/drafts/{draft_id}{path}", data={"lock_version": lock_version, **data})

    assert post("/scales/new", {"name": "practice"}).status_code == 302
    another = post(
        "/scales/practice/options/new",
        {"label": "In line", "value": "in_line", "score": 2, "meets_standard": "yes", "action": "another"},
    )
    assert another.status_code == 302
    assert another.headers["Location"] == f"{studio}/drafts/{draft_id}/scales/practice/options/new"


ROOT = Path(__file__).resolve().parents[2]
# Addresses written out as paths from the host's root: in a template, a literal href="/…"; in Python, a link or
# redirect made from request.path or request.full_path, which leave out the path the service is served under
# (app.urls.here puts it back).
BARE_PATHS = {
    "templates": re.compile(r'\s(?:href|src|action|formaction)="/'),
    "app": re.compile(r"request\.full_path|redirect\(\s*request\.|[\"']/static/govuk/assets"),
}


def test_no_address_is_written_as_a_bare_path():
    found = []
    for folder, pattern in BARE_PATHS.items():
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".html") or path == ROOT / "app" / "urls.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "Addresses that would leave a service served under a path:\n" + "\n".join(found)
