"""Every answer of a chart has its own colour: choice and yes/no answers from the Okabe–Ito palette, RAG ratings in
their RAG colours, with the legend (trace order) in the order of the answers and the data table kept."""

from __future__ import annotations

import html
import json
import re

from app.findings.charts.palette import EXCLUDED_COLOUR, OKABE_ITO, RAG_COLOURS, RAG_SHADES, option_colours
from app.questionnaire import catalogue_for_version
from tests.findings import factories as f


def _option(value, rag=None, excluded=False):
    return {"value": value, "label": value.title(), "rag": rag, "excluded": excluded}


def test_choice_answers_each_have_their_own_palette_colour():
    options = [_option(v) for v in ("meeting", "virtual", "telephone", "not_recorded")]
    colours = option_colours(options)
    assert list(colours.values()) == list(OKABE_ITO[:4])
    assert "#999999" not in colours.values()


def test_rag_options_keep_rag_colours_and_others_take_unused_palette_colours():
    options = [_option("yes", "green"), _option("partly", "amber"), _option("no", "red"), _option("na", excluded=True)]
    assert option_colours(options) == {
        "yes": RAG_COLOURS["green"],
        "partly": RAG_COLOURS["amber"],
        "no": RAG_COLOURS["red"],
        "na": EXCLUDED_COLOUR,
    }
    two_greens = [_option("outstanding", "green"), _option("good", "green"), _option("ri", "amber")]
    assert option_colours(two_greens) == {
        "outstanding": RAG_SHADES["green"][0],
        "good": RAG_SHADES["green"][1],
        "ri": RAG_COLOURS["amber"],
    }
    mixed = option_colours([_option("yes", "green"), _option("unsure"), _option("other")])
    assert mixed["unsure"] != mixed["yes"] and mixed["other"] != mixed["yes"]
    assert len(set(mixed.values())) == 3


def _figures(client, url: str) -> dict[str, dict]:
    page = client.get(url).get_data(as_text=True)
    return {
        chart_id: json.loads(html.unescape(raw))
        for chart_id, raw in re.findall(r'class="app-chart" id="([^"]+)" data-figure="([^"]*)"', page)
    }, page


def test_round_page_draws_a_choice_question_in_distinct_colours_in_answer_order(client, login_as, make, db):
    police = make.make_org(name="Colour Test Police", org_type="police")
    rnd = f.make_round(organisations=[police], title="Colours round")
    formats = ["meeting_in_person", "virtual_meeting", "virtual_meeting", "telephone_calls", "not_recorded"]
    for value in formats:
        f.add_response(f.add_case(rnd), police, {"discussion_format": value, "convened_promptly": "yes"})
    db.session.commit()
    login_as("qa")
    specs, page = _figures(client, f"/findings/rounds/{rnd.id}")
    question = catalogue_for_version(f.strategy_v1()).questions["discussion_format"]
    chart_id = next(
        cid for cid, spec in specs.items() if spec["data"] and spec["data"][0]["name"] == question.options[0].label
    )
    traces = specs[chart_id]["data"]
    assert [t["name"] for t in traces] == [o.label for o in question.options]  # legend order = bar order
    colours = [t["marker"]["color"] for t in traces]
    assert len(set(colours)) == len(colours) == 4
    assert set(colours) <= set(OKABE_ITO)
    assert specs[chart_id]["layout"]["legend"]["traceorder"] == "normal"
    assert specs[chart_id]["layout"]["barmode"] == "stack"
    assert [t["x"][0] for t in traces] == [20.0, 40.0, 20.0, 20.0]
    # the chart's figures are still in its data table
    figure_html = page[page.index(f'id="{chart_id}"') :]
    table = figure_html[: figure_html.index("</table>")]
    assert "Virtual meeting (video or conference call)" in table
    assert re.search(r"numeric\">2</td>", table)
