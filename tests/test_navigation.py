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
