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
