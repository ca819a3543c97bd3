"""Every figure a findings page sends is a valid plotly figure (the pages skip plotly's slow validation)."""

from __future__ import annotations

import html
import json
import re

import plotly.graph_objects as go
import pytest


def figures_on(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [
        json.loads(html.unescape(raw))
        for raw in re.findall(r'class="app-chart" id="[^"]+" data-figure="([^"]*)"', response.get_data(as_text=True))
    ]


@pytest.fixture
def pages(small_round, small_campaign):
    return [
        f"/findings/rounds/{small_round.round.id}",
        f"/findings/campaigns/{small_campaign.campaign.id}",
        f"/findings/organisations/{small_round.police.id}",
        f"/findings/organisations/{small_campaign.school.id}",
        "/findings/trends/strategy-discussion",
        "/findings/trends/self-assessment",
        "/findings/trends/practitioner-survey",
        "/findings/themes/timeliness",
        "/findings/themes/leadership_and_accountability",
    ]


def test_every_chart_is_a_valid_plotly_figure_with_okabe_ito_colours(client, login_as, pages):
    login_as("qa")
    count = 0
    for url in pages:
        for spec in figures_on(client, url):
            go.Figure(spec)  # raises on any property plotly does not know
            count += 1
    assert count >= 12


def test_own_organisation_charts_are_valid(client, login_as, make, small_round):
    login_as(make.make_user(roles=["org_lead"], organisation=small_round.police))
    specs = figures_on(client, f"/findings/rounds/{small_round.round.id}")
    assert specs
    for spec in specs:
        go.Figure(spec)
