"""Section forms: pre-filling, server-side show_if, required and comment rules, rendering."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from app.errors import NotFound
from app.questionnaire import build_section_form, error_summary_items, form_answers, validate_file
from app.questionnaire.loader import check_text
from tests.questionnaire.helpers import CASE_AUDIT, MINIMAL, SELF_ASSESSMENT, THEMES


@pytest.fixture(scope="module")
def audit():
    return validate_file(CASE_AUDIT, themes_file=THEMES)


@pytest.fixture
def ctx(app):
    with app.test_request_context("/", method="POST"):
        yield


def post(*pairs, **fields) -> MultiDict:
    data = MultiDict(list(pairs))
    for key, value in fields.items():
        data.add(key, value)
    data.add("csrf_token", generate_csrf())
    return data


def render(template: str, **context) -> str:
    return render_template_string(
        '{% from "questionnaire/_fields.html" import render_section_fields, render_answers_summary %}' + template,
        **context,
    )


def test_fields_are_named_by_question_key(ctx, audit):
    form = build_section_form(audit, "convening")
    names = [name for name in form._fields if name != "csrf_token"]
    assert names == ["timely", "timely__comment", "agencies", "all_invited", "missing_reason"]


def test_prefilled_from_stored_answers(ctx, audit):
    stored = {
        "timely": {"value": "partly", "comment": "Two days late", "evidence": None},
        "agencies": {"value": ["police"], "comment": None, "evidence": None},
        "held_on": {"value": "2021-11-05", "comment": None, "evidence": None},
    }
    form = build_section_form(audit, "convening", data=stored)
    assert form["timely"].data == "partly"
    assert form["timely__comment"].data == "Two days late"
    assert form["agencies"].data == ["police"]
    html = render("{{ render_section_fields(form) }}", form=form)
    assert 'value="partly" checked' in html
    assert ">Two days late</textarea>" in html
    details = build_section_form(audit, "details", data=stored)
    html = render("{{ render_section_fields(form) }}", form=details)
    assert 'name="held_on-day" type="text" value="5"' in html
    assert 'name="held_on-year" type="text" value="2021"' in html


def test_valid_section_gives_storage_format(ctx, audit):
    form = build_section_form(
        audit,
        "convening",
        formdata=post(
            ("agencies", "police"),
            ("agencies", "health"),
            timely="partly",
            timely__comment="  Convened two days late.\r\n ",
            all_invited="yes",
        ),
    )
    assert form.validate(), form.errors
    assert form_answers(audit, "convening", form) == {
        "timely": {"value": "partly", "comment": "Convened two days late.", "evidence": None},
        "agencies": {"value": ["police", "health"], "comment": None, "evidence": None},
        "all_invited": {"value": "yes", "comment": None, "evidence": None},
        "missing_reason": {"value": None, "comment": None, "evidence": None},
    }


def test_hidden_question_answer_is_discarded_and_never_required(ctx, audit):
    form = build_section_form(
        audit, "convening", formdata=post(timely="yes", all_invited="yes", missing_reason="x" * 500)
    )
    assert form.validate(), form.errors
    assert form_answers(audit, "convening", form)["missing_reason"]["value"] is None


def test_visible_required_question_is_required(ctx, audit):
    form = build_section_form(audit, "convening", formdata=post(timely="yes", all_invited="partly"))
    assert not form.validate()
    assert form.errors == {"missing_reason": ["Enter an answer to “Which agencies were missing, and why?”"]}


def test_required_scale_question(ctx, audit):
    form = build_section_form(audit, "convening", formdata=post(all_invited="yes"))
    assert not form.validate()
    assert form.errors == {"timely": ["Select an answer to “Was the discussion convened promptly?”"]}


def test_comment_required_unless_met(ctx, audit):
    not_met = build_section_form(audit, "convening", formdata=post(timely="no", all_invited="yes"))
    assert not not_met.validate()
    assert list(not_met.errors) == ["timely__comment"]
    met = build_section_form(audit, "convening", formdata=post(timely="yes", all_invited="yes"))
    assert met.validate()
    not_applicable = build_section_form(audit, "convening", formdata=post(timely="na", all_invited="yes"))
    assert not_applicable.validate()


def test_comment_required(ctx, audit):
    form = build_section_form(audit, "overall", formdata=post(overall_judgement="good"))
    assert not form.validate()
    assert form.errors == {"overall_judgement__comment": ["Enter a comment on “What is your overall judgement?”"]}


def test_answer_not_among_the_options_is_refused(ctx, audit):
    form = build_section_form(audit, "convening", formdata=post(timely="maybe", all_invited="yes", agencies="aliens"))
    assert not form.validate()
    assert set(form.errors) == {"timely", "agencies"}


def test_number_date_and_length_rules(ctx, audit):
    stored = {"all_invited": {"value": "yes"}}
    form = build_section_form(
        audit,
        "details",
        data=stored,
        formdata=post(
            shared="yes",
            attendees="51",
            chair="x" * 41,
            **{"held_on-day": "31", "held_on-month": "2", "held_on-year": "2021"},
        ),
    )
    assert not form.validate()
    assert form.errors == {
        "attendees": ["“How many people attended?” must be between 0 and 50"],
        "held_on": ["“When was the discussion held?” must be a real date, like 5 11 2021"],
        "chair": ["Your answer to “Who chaired the discussion?” must be 40 characters or fewer"],
    }
    items = error_summary_items(form)
    assert [i["href"] for i in items] == ["#attendees", "#held_on-day", "#chair"]

    form = build_section_form(
        audit,
        "details",
        data=stored,
        formdata=post(shared="yes", attendees="twelve", chair="DS A", **{"held_on-day": "5", "held_on-year": "2021"}),
    )
    assert not form.validate()
    assert form.errors["attendees"] == ["“How many people attended?” must be a number, like 12 or 2.5"]
    assert form.errors["held_on"] == ["“When was the discussion held?” must include a month"]

    form = build_section_form(
        audit,
        "details",
        data=stored,
        formdata=post(
            shared="yes",
            attendees="1,2 ",
            chair="DS A",
            **{"held_on-day": "5", "held_on-month": "11", "held_on-year": "2021"},
        ),
    )
    assert form.validate(), form.errors
    answers = form_answers(audit, "details", form)
    assert answers["attendees"]["value"] == 12
    assert answers["held_on"]["value"] == "2021-11-05"


def test_show_if_across_sections_uses_stored_answers(ctx, audit):
    hidden = build_section_form(
        audit,
        "details",
        data={"all_invited": {"value": "yes"}},
        formdata=post(shared="yes", chair="DS A", escalated="no"),
    )
    assert hidden.validate(), hidden.errors
    assert form_answers(audit, "details", hidden)["escalated"]["value"] is None
    html = render("{{ render_section_fields(form) }}", form=hidden)
    assert (
        'id="question-escalated" data-question-key="escalated" data-show-if-question="all_invited" '
        "data-show-if-values='[\"no\"]' hidden>"
    ) in html

    shown = build_section_form(
        audit, "details", data={"all_invited": {"value": "no"}}, formdata=post(shared="yes", chair="DS A")
    )
    assert not shown.validate()
    assert list(shown.errors) == ["escalated"]


def test_partial_validation_for_save_and_come_back_later(ctx, audit):
    form = build_section_form(audit, "details", formdata=post(attendees="3"))
    assert form.validate(partial=True)
    assert form_answers(audit, "details", form)["attendees"]["value"] == 3
    form = build_section_form(audit, "details", formdata=post(attendees="-3"))
    assert not form.validate(partial=True)


def test_evidence_rules_and_org_type(ctx):
    instrument = validate_file(SELF_ASSESSMENT, themes_file=THEMES)
    form = build_section_form(instrument, "schools", "school", formdata=post(dsl_in_place="amber"))
    assert not form.validate()
    assert form.errors == {
        "dsl_in_place__evidence": [
            "Enter the evidence for “There is a designated safeguarding lead with time to do the role.”"
        ]
    }
    with pytest.raises(NotFound):
        build_section_form(instrument, "schools", "police")
    with pytest.raises(NotFound):
        build_section_form(instrument, "no-such-section")


def test_question_keys_that_are_form_attribute_names(ctx):
    text = MINIMAL.replace("key: q1\n", "key: data\n").replace("key: q2\n", "key: errors\n")
    instrument = check_text(text, "t.yaml", themes_file=THEMES).instrument
    form = build_section_form(instrument, "first", formdata=post(data="yes"))
    assert not form.validate()
    assert form.errors == {"errors": ["Select an answer to “Question two?”"]}
    assert form["data"].data == "yes"
    html = render("{{ render_section_fields(form) }}", form=form)
    assert 'name="data"' in html and 'name="errors"' in html


def test_rendering_uses_govuk_components(ctx, audit):
    form = build_section_form(audit, "convening")
    html = render("{{ render_section_fields(form) }}", form=form)
    # N/A comes last after an "or" divider
    radios = html[html.index('name="timely"') : html.index('id="timely__comment"')]
    assert radios.index('value="no"') < radios.index('govuk-radios__divider">or<') < radios.index('value="na"')
    assert 'class="govuk-checkboxes__input" id="agencies"' in html
    assert 'data-behaviour="exclusive"' in html  # "None of these" clears the other boxes
    assert 'data-show-if-question="all_invited"' in html
    assert 'data-show-if-values=\'["no", "partly"]\'' in html
    assert 'data-module="govuk-character-count" data-maxlength="200"' in html
    assert "js/show-if.js" in html
    details = render("{{ render_section_fields(form) }}", form=build_section_form(audit, "details"))
    assert 'inputmode="numeric"' in details
    assert 'name="held_on-month"' in details


def test_error_messages_render_inline(ctx, audit):
    form = build_section_form(audit, "convening", formdata=post(all_invited="yes"))
    form.validate()
    html = render("{{ render_section_fields(form) }}", form=form)
    assert "govuk-form-group--error" in html
    assert 'id="timely-error"' in html
    assert error_summary_items(form) == [
        {"text": "Select an answer to “Was the discussion convened promptly?”", "href": "#timely"}
    ]


def test_error_summary_items_is_a_template_global(ctx, audit):
    form = build_section_form(audit, "convening", formdata=post(all_invited="yes"))
    form.validate()
    html = render("{% for i in error_summary_items(form) %}{{ i.href }}{% endfor %}", form=form)
    assert html == "#timely"


def test_read_only_form_is_disabled(ctx, audit):
    form = build_section_form(audit, "convening", data={"timely": {"value": "yes"}}, read_only=True)
    html = render("{{ render_section_fields(form) }}", form=form)
    assert '<fieldset class="govuk-fieldset app-read-only" disabled>' in html
    assert "csrf_token" not in form._fields


def test_answers_summary(ctx, audit):
    answers = {
        "timely": {"value": "partly", "comment": "<script>alert(1)</script>", "evidence": None},
        "agencies": {"value": ["police", "health"], "comment": None, "evidence": None},
        "all_invited": {"value": "yes", "comment": None, "evidence": None},
        "missing_reason": {"value": "stale", "comment": None, "evidence": None},
    }
    html = render(
        '{{ render_answers_summary(instrument, "convening", answers, "/sections/convening") }}',
        instrument=audit,
        answers=answers,
    )
    assert "Partly" in html and "Police, Health" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Which agencies were missing" not in html  # hidden by show_if
    assert 'href="/sections/convening#timely"' in html
    assert html.count(">Change<") == 3
    pattern = render(
        '{{ render_answers_summary(instrument, "convening", answers, "/q/{key}/edit") }}',
        instrument=audit,
        answers=answers,
    )
    assert 'href="/q/agencies/edit"' in pattern


def test_sections_posted_together_see_each_others_answers(ctx, audit):
    """A one-page form (like the practitioner survey) posts every section at once."""
    page = post(timely="yes", all_invited="no", missing_reason="Health was not invited", shared="yes", chair="DS A")
    convening = build_section_form(audit, "convening", formdata=page)
    details = build_section_form(audit, "details", formdata=page)
    assert convening.validate(), convening.errors
    assert not details.validate()
    assert list(details.errors) == ["escalated"]
    html = render("{{ render_section_fields(form) }}", form=details)
    assert 'data-show-if-question="all_invited" data-show-if-values=\'["no"]\'>' in html  # shown, not hidden


def test_preview_shows_questions_whatever_the_rules(ctx, audit):
    html = render("{{ render_section_fields(form) }}", form=build_section_form(audit, "details", read_only=True))
    assert "hidden>" not in html and 'name="escalated"' in html
