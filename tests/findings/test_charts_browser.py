"""Charts drawn in real Chromium under the app's CSP: no inline style or script is refused, every chart draws,
and its table of figures is there to open."""

from __future__ import annotations

import pytest

from tests.e2e.live import DEMO_PASSWORD, GunicornServer, chromium_path, create_database, drop_database, seed_demo

pytestmark = [pytest.mark.e2e]

PAGES = (
    "/findings/rounds/1",
    "/findings/organisations/2",
    "/findings/themes/voice_of_child",
    "/findings/trends/strategy-discussion",
)
WATCH_CSP = (
    "document.addEventListener('securitypolicyviolation', e => "
    "window.__csp = (window.__csp || []).concat([e.violatedDirective + ' ' + e.sourceFile]))"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if chromium_path() is None:
        pytest.skip("Chromium is not installed")
    directory = tmp_path_factory.mktemp("findings-e2e")
    url = create_database("test_findings_e2e", directory)
    seed_demo(url)
    live = GunicornServer(url, directory / "gunicorn.log", workers=1).start()
    yield live
    live.stop()
    drop_database(url)


def test_charts_draw_under_the_content_security_policy(server, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(WATCH_CSP)
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.base_url + "/sign-in")
        page.fill("#email", "qa@riverside.example")
        page.fill("#password", DEMO_PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url("**/tasks")
        for path in PAGES:
            page.goto(server.base_url + path)
            charts = page.locator(".app-chart")
            assert charts.count() > 0, path
            page.wait_for_function(
                "n => document.querySelectorAll('.app-chart .main-svg').length >= n", arg=charts.count()
            )
            assert page.evaluate("window.__csp || []") == [], path
            assert page.evaluate("document.getElementById('plotly.js-style-global').sheet.cssRules.length") > 0
            details = page.locator("figure details.govuk-details").first
            details.locator("summary").click()
            assert details.locator("table.govuk-table").is_visible()
        assert errors == []
    finally:
        context.close()
