"""A question type registered from outside the engine works end to end through a feature's pages: it loads
from a definition, renders on a case-audit section page, is validated, stored in its own form, read back and
shown on check your answers, without any other module knowing its name."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.audits.models import CaseAnswer
from app.audits.queries import answers_of
from app.questionnaire import QuestionType, register
from app.questionnaire.loader import check_text, definition_problems
from app.questionnaire.store import publish_definition
from app.questionnaire.types import question_type, unregister
from tests.audits.factories import make_round

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


class Postcode(QuestionType):
    """A UK postcode: typed in any case and spacing, stored compact, shown with its space."""

    name = "postcode"

    def form_value(self, question, data):
        return " ".join((data or "").split()).upper() or None

    def params(self, question, field, params):
        params = super().params(question, field, params)
        params["classes"] = "govuk-input--width-10"
        params["autocomplete"] = "postal-code"
        return params

    def encode(self, value):
        return None if value is None else "".join(str(value).split()).upper()

    def decode(self, stored):
        return None if stored is None else f"{stored[:-3]} {stored[-3:]}"

    def required_message(self, name):
        return f"Enter a postcode for {name}"

    def problem(self, question, value, name):
        return None if POSTCODE.match("".join(str(value).split()).upper()) else f"Enter a real postcode for {name}"


DEFINITION = {
    "key": "postcode-audit",
    "version": 1,
    "kind": "case_audit",
    "title": "Where the child lives",
    "scales": {
        "yn": [
            {"value": "yes", "label": "Yes", "score": 1, "meets_standard": True, "rag": "green"},
            {"value": "no", "label": "No", "score": 0, "meets_standard": False, "rag": "red"},
        ]
    },
    "sections": [
        {
            "key": "home",
            "title": "Home",
            "questions": [
                {
                    "key": "home_postcode",
                    "type": "postcode",
                    "text": "What is the child's home postcode?",
                    "required": True,
                },
                {"key": "visited", "type": "scale", "scale": "yn", "text": "Was the home visited?"},
            ],
        }
    ],
}


@pytest.fixture
def postcode_type():
    register(Postcode)
    yield question_type("postcode")
    unregister("postcode")


def test_an_unregistered_type_is_refused_by_the_loader(app):
    problems = definition_problems(DEFINITION)
    assert any(
        "must be one of scale, choice, multi_choice, text, long_text, number, date; got 'postcode'" in p.message
        for p in problems
    ), problems


def test_a_registered_type_loads_with_the_types_rules(app, postcode_type):
    assert definition_problems(DEFINITION) == []
    text = """\
key: tiny
version: 1
kind: case_audit
title: Tiny
sections:
  - key: first
    title: First
    questions:
      - key: where
        type: postcode
        text: Where?
        max_length: 8
"""
    with pytest.raises(Exception) as error:
        check_text(text, "tiny.yaml")
    assert "'max_length' is only for text and long_text questions" in str(error.value)
    instrument = check_text(text.replace("        max_length: 8\n", ""), "tiny.yaml").instrument
    assert instrument.question("where").kind is postcode_type


def test_a_registered_type_is_asked_checked_stored_read_back_and_shown(client, login_as, db, postcode_type):
    publish_definition(DEFINITION)
    setup = make_round(key="postcode-audit", agencies=("police",))
    assignment = setup.assignment(0, "police")
    login_as(setup.auditors["police"])
    url = f"/audits/tasks/{assignment.id}/sections/home"

    page = client.get(url)
    assert page.status_code == 200
    assert re.search(
        r'<input class="govuk-input govuk-input--width-10" id="home_postcode" name="home_postcode" '
        r'type="text"[^>]*autocomplete="postal-code"',
        page.text,
    ), page.text
    lock = re.search(r'name="lock_version" value="(\d+)"', page.text).group(1)

    refused = client.post(
        url, data={"lock_version": lock, "action": "continue", "home_postcode": "not a postcode", "visited": "yes"}
    )
    assert refused.status_code == 200
    assert "There is a problem" in refused.text
    assert "Enter a real postcode for “What is the child&#39;s home postcode?”" in refused.text
    assert 'href="#home_postcode"' in refused.text
    assert db.session.execute(sa.select(CaseAnswer)).scalars().all() == []

    saved = client.post(
        url, data={"lock_version": lock, "action": "continue", "home_postcode": "sw1a  1aa", "visited": "yes"}
    )
    assert saved.status_code == 302, saved.text
    row = db.session.execute(sa.select(CaseAnswer).where(CaseAnswer.question_key == "home_postcode")).scalar_one()
    assert row.value == "SW1A1AA"
    assert (row.score, row.meets_standard, row.excluded, row.rag) == (None, None, False, None)
    db.session.expire_all()
    assert answers_of(assignment.response)["home_postcode"]["value"] == "SW1A 1AA"

    check = client.get(f"/audits/tasks/{assignment.id}/check")
    assert "SW1A 1AA" in check.text
    again = client.get(url)
    assert 'value="SW1A 1AA"' in again.text
