"""Service navigation: one item is marked as the current section, the most specific one."""

from __future__ import annotations

import pytest

ACTIVE = "govuk-service-navigation__item--active"


@pytest.mark.parametrize("path, label", [("/findings/actions", "Actions"), ("/findings/", "Findings")])
def test_only_the_longest_matching_item_is_active(client, login_as, path, label):
    login_as("qa")
    html = client.get(path).get_data(as_text=True)
    assert html.count(ACTIVE) == 1
    active_item = html.split(ACTIVE, 1)[1].split("</li>", 1)[0]
    assert label in active_item


def test_each_page_shows_its_own_menu_when_the_menu_html_is_reused(client, login_as):
    """The menu's HTML is rendered once per set of items (app/templating.py): every page must still mark its own
    section, and show only the signed-in user's items."""
    for _ in range(2):  # the second time round the menus come from the cache
        login_as("qa")
        for path, label in (("/findings/actions", "Actions"), ("/findings/", "Findings")):
            html = client.get(path).get_data(as_text=True)
            assert html.count(ACTIVE) == 1
            assert label in html.split(ACTIVE, 1)[1].split("</li>", 1)[0]
            assert "Audit rounds" in html and "Case audits" not in html
        login_as("auditor")
        html = client.get("/findings/").get_data(as_text=True)
        assert "Case audits" in html and "Audit rounds" not in html
        assert "Findings" in html.split(ACTIVE, 1)[1].split("</li>", 1)[0]
