"""Components rendered once and reused (app/templating.py): reused HTML must be exactly what the macro renders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

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
    for params in (
        {"text": "Save"},
        {"text": "<b>Save</b>"},
        {"html": Markup("<b>Save</b>")},
        {"text": "Save", "disabled": True},
        {"text": "Save", "disabled": 1},
    ):
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
    assert fragments(("chart", [1, 2.5, None], Markup("a")), draw, "text is not markup") == Markup(
        "<p>text is not markup</p>"
    )
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


# --- typed values never share a kept fragment or component ----------------------------------------------------------

TYPED = [
    1,
    1.0,
    True,
    Decimal(1),
    Decimal("1.0"),
    "1",
    Markup("1"),
    date(2026, 1, 1),
    "2026-01-01",
    datetime(2026, 1, 1),
    Fraction(1),
]


def test_typed_values_in_a_fragment_key_never_share_what_another_drew():
    """1, 1.0, True and Decimal('1') are equal and hash alike; a date and its text look alike: each must be drawn
    from its own value, never served what another drew, and what comes back is always fresh Markup."""
    from app.templating import Fragments

    fragments = Fragments()

    def draw(value):
        return Markup("<p>{} {}</p>").format(type(value).__name__, value)

    for _ in range(2):
        for value in TYPED:
            shown = fragments(("figure", value), draw, value)
            assert shown == draw(value) and type(shown) is Markup
            shown = fragments(("figure", [value]), draw, value)
            assert shown == draw(value) and type(shown) is Markup


def test_a_fragment_never_hands_back_what_a_request_drew_but_text_escaped_into_markup():
    from app.templating import Fragments

    class Drawn(Markup):
        pass

    fragments, drawn = Fragments(), []

    def draw(value):
        drawn.append(Drawn(f"<b>{value}</b>") if isinstance(value, str) else value)
        return drawn[-1]

    first, again = fragments(("x",), draw, "a"), fragments(("x",), draw, "not drawn")
    assert first == again == Markup("<b>a</b>")
    assert type(first) is Markup and type(again) is Markup and first is not drawn[0] and again is not drawn[0]
    assert fragments(("when",), draw, date(2026, 1, 2)) == Markup("2026-01-02")
    assert type(fragments(("when",), draw, "not drawn")) is Markup
    assert fragments(("amount",), draw, Decimal("2.50")) == Markup("2.50")


def test_typed_component_parameters_never_share_what_another_rendered(app):
    components = Components(app.jinja_env)
    macro = app.jinja_env.get_template("govuk_frontend_jinja/components/button/macro.html").module.govukButton
    for _ in range(2):
        for value in TYPED:
            assert components("button", {"text": value}) == Markup(macro({"text": value}))
            assert components("input", {"name": "n", "id": "n", "label": {"text": "L"}, "value": value}) == Markup(
                app.jinja_env.get_template("govuk_frontend_jinja/components/input/macro.html").module.govukInput(
                    {"name": "n", "id": "n", "label": {"text": "L"}, "value": value}
                )
            )


# --- imports between templates -----------------------------------------------------------------------------------


def test_the_app_environment_makes_every_templates_globals(app):
    from app.templating import AppEnvironment

    assert isinstance(app.jinja_env, AppEnvironment)
    assert {"fragment", "component"} <= app.jinja_env.get_template("findings/_macros.html").globals.keys()


def test_an_imported_macro_sees_the_globals_its_importer_has_and_it_lacks(app):
    """Jinja gives an imported template the importing template's extra globals: with the set of keys of
    AppEnvironment's globals it must still find them."""
    from jinja2 import DictLoader

    from app.templating import AppEnvironment

    env = AppEnvironment(
        app,
        loader=DictLoader(
            {
                "helpers.html": "{% macro shout() %}[{{ extra | default('none') }}]{% endmacro %}",
                "page.html": '{% from "helpers.html" import shout %}{{ shout() }}',
            }
        ),
    )
    env.globals["site"] = "everywhere"
    assert env.get_template("page.html", globals={"extra": "own"}).render() == "[own]"
    assert env.from_string('{% from "helpers.html" import shout %}{{ shout() }}').render() == "[none]"
