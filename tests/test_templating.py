"""Components rendered once and reused (app/templating.py): reused HTML must be exactly what the macro renders."""
from __future__ import annotations

from markupsafe import Markup

from app.templating import Components


class Changing:
    """Not plain data: what it renders as can change between calls, so it must never be served from the cache."""

    def __init__(self):
        self.text = "first"

    def __str__(self):
        return self.text


def test_reused_html_is_the_macros_own(app):
    components = Components(app.jinja_env)
    macro = app.jinja_env.get_template("govuk_frontend_jinja/components/button/macro.html").module.govukButton
    for params in ({"text": "Save"}, {"text": "<b>Save</b>"}, {"html": Markup("<b>Save</b>")},
                   {"text": "Save", "disabled": True}, {"text": "Save", "disabled": 1}):
        for _ in range(2):
            assert components("button", params) == Markup(macro(params))


def test_text_and_markup_with_the_same_characters_are_not_confused(app):
    components = Components(app.jinja_env)
    escaped = components("back_link", {"href": "/x", "text": "<i>Back</i>"})
    trusted = components("back_link", {"href": "/x", "text": Markup("<i>Back</i>")})
    assert "&lt;i&gt;Back&lt;/i&gt;" in escaped and "<i>" not in escaped
    assert "<i>Back</i>" in trusted


def test_parameters_that_are_not_plain_data_are_rendered_afresh(app):
    components = Components(app.jinja_env)
    value = Changing()
    assert "first" in components("button", {"text": value})
    value.text = "second"
    assert "second" in components("button", {"text": value})


def test_a_fragment_is_drawn_once_for_the_same_key_and_afresh_for_another():
    from app.templating import Fragments

    fragments, drawn = Fragments(), []

    def draw(text):
        drawn.append(text)
        return Markup("<p>{}</p>").format(text)

    assert fragments(("chart", [1, 2.5, None], "a"), draw, "a & b") == Markup("<p>a &amp; b</p>")
    assert fragments(("chart", [1, 2.5, None], "a"), draw, "not drawn") == Markup("<p>a &amp; b</p>")
    assert fragments(("chart", [1, 2.5, 0], "a"), draw, "other figures") == Markup("<p>other figures</p>")
    assert fragments(("chart", [1, 2.5, None], Markup("a")), draw, "text is not markup") == \
        Markup("<p>text is not markup</p>")
    assert drawn == ["a & b", "other figures", "text is not markup"]


def test_a_fragment_keyed_by_anything_but_plain_data_is_drawn_every_time():
    from app.templating import Fragments

    fragments, value = Fragments(), Changing()
    assert fragments(("x", value), str, value) == "first"
    value.text = "second"
    assert fragments(("x", value), str, value) == "second"


def test_fragments_give_up_the_oldest_once_they_hold_their_limit():
    from app.templating import Fragments

    fragments, drawn = Fragments(max_bytes=25), []

    def draw(n):
        drawn.append(n)
        return str(n) * 10

    for n in (1, 2, 3):
        fragments(n, draw, n)
    fragments(3, draw, 3)
    fragments(1, draw, 1)  # was given up to make room for 3
    assert drawn == [1, 2, 3, 1]


def test_a_findings_chart_drawn_again_from_changed_figures_shows_the_change(app):
    from app.findings.charts import count_bars

    chart = app.jinja_env.get_template("findings/_macros.html").module.chart
    first = chart(count_bars("chart-x", [("Good", 3)], title="Grades", label="Grade", value_label="Cases"))
    again = chart(count_bars("chart-x", [("Good", 3)], title="Grades", label="Grade", value_label="Cases"))
    changed = chart(count_bars("chart-x", [("Good", 4)], title="Grades", label="Grade", value_label="Cases"))
    assert first == again and "Good" in first
    assert '--numeric">3</td>' in first
    assert changed != first and '--numeric">4</td>' in changed and '--numeric">3</td>' not in changed


def test_a_fragment_drawn_as_plain_text_is_escaped():
    from app.templating import Fragments

    fragments = Fragments()
    assert fragments(("x",), str, "<b>typed</b>") == Markup("&lt;b&gt;typed&lt;/b&gt;")
    assert fragments(("x", Changing()), str, "<b>typed</b>") == Markup("&lt;b&gt;typed&lt;/b&gt;")
