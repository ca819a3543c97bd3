"""Browser journeys: Debian's Chromium driven by Playwright against gunicorn on loopback.

One seeded database and one gunicorn for the whole e2e suite (SQLite file, or `test_e2e` on the PostgreSQL pass),
and one browser (tests/conftest.py), a fresh browser context (cookies) per test. They last the test session (of
each xdist worker): a worker may run e2e files between files of other packages, and a package-scoped server would
be stopped and its stale address handed to the next module. Each page a journey reaches is checked with
axe-core; any serious or critical violation fails the test.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.live import GunicornServer, demo_database

FAILING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("e2e")
    uploads = {"UPLOAD_FOLDER": str(directory / "uploads")}
    with demo_database("test_e2e", directory, env=uploads) as url:
        server = GunicornServer(url, directory / "gunicorn.log", env=uploads).start()
        yield server
        server.stop()


class Accessibility:
    """axe-core on each distinct page template a journey reaches (ids in the path are folded together)."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.checked: set[str] = set()
        self.violations: list[str] = []

    def check(self, page) -> None:
        key = re.sub(r"/\d+", "/{id}", page.url.split("?")[0].split("#")[0])
        if key in self.checked:
            return
        self.checked.add(key)
        results = self.axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in FAILING_IMPACTS:
                targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
                self.violations.append(
                    f"{page.url}: {violation['impact']} {violation['id']} ({violation['help']}) at {targets}"
                )


class Visitor:
    """A person using the service in one browser context, with or without JavaScript."""

    def __init__(self, context, base_url: str, javascript: bool, a11y: Accessibility):
        self.context = context
        self.page = context.new_page()
        self.base_url = base_url
        self.javascript = javascript
        self.a11y = a11y
        self.page.set_default_timeout(15000)

    def arrived(self):
        """Call after each navigation: the page loaded, it is not an error page, and it passes axe."""
        self.page.wait_for_load_state("load")
        title = self.page.title()
        assert not title.startswith(("Sorry, there is a problem", "Page not found", "You do not have permission")), (
            f"{self.page.url} shows an error page: {title}"
        )
        if self.javascript:
            self.a11y.check(self.page)
        return self.page

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        return self.arrived()

    def click(self, locator):
        locator.click()
        return self.arrived()

    def click_button(self, name: str, exact: bool = False):
        return self.click(self.page.get_by_role("button", name=name, exact=exact).first)

    def click_link(self, name: str, exact: bool = False):
        return self.click(self.page.get_by_role("link", name=name, exact=exact).first)

    def sign_in(self, email: str, password: str = "demo-password"):
        self.goto("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        return self.click_button("Sign in")

    def sign_out(self):
        return self.click_button("Sign out")

    def path(self) -> str:
        return self.page.url.replace(self.base_url, "", 1)

    def error_summary_focused(self) -> bool:
        return self.page.evaluate(
            "document.activeElement && document.activeElement.closest('.govuk-error-summary') !== null"
        )


@pytest.fixture(scope="session")
def a11y():
    return Accessibility()


@pytest.fixture(params=["javascript", "no-javascript"])
def javascript(request) -> bool:
    return request.param == "javascript"


@pytest.fixture
def visitor_factory(browser, live_server, a11y, tmp_path):
    contexts = []

    def make(javascript: bool = True) -> Visitor:
        context = browser.new_context(
            java_script_enabled=javascript, accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        return Visitor(context, live_server.base_url, javascript, a11y)

    start = len(a11y.violations)
    yield make
    for context in contexts:
        context.close()
    new = a11y.violations[start:]
    assert not new, "Serious or critical accessibility problems:\n" + "\n".join(new)


@pytest.fixture
def visitor(visitor_factory, javascript) -> Visitor:
    return visitor_factory(javascript)
