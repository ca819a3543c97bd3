"""The one codec: every question type stores its answers as the text databases hold today, and reads them back.

Option values, text and ISO dates are stored as they are; lists and numbers as JSON text. A stored text that does
not decode reads back as the text stored (a one-item list for a list type): pages show what was saved and the
answer rules ask for it to be put right, so nothing saved is dropped silently."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.audits.models import CaseAnswer
from app.audits.queries import answers_of, instrument_of
from app.questionnaire import (
    decode_answer,
    display_value,
    encode_answer,
    question_type,
    validate_answers,
)
from app.questionnaire.loader import check_text
from tests.audits.factories import complete_answers, make_round, score
from tests.questionnaire.helpers import MINIMAL

ROUND_TRIPS = [
    ("scale", "yes", "yes"),
    ("scale", "not_applicable", "not_applicable"),
    ("choice", "a", "a"),
    ("multi_choice", ["police", "health"], '["police", "health"]'),
    ("multi_choice", ["only"], '["only"]'),
    ("multi_choice", [], "[]"),
    ("text", "Plain text", "Plain text"),
    ("text", "Zoë’s café – naïve 😀", "Zoë’s café – naïve 😀"),
    ("long_text", "Line one\nLine two", "Line one\nLine two"),
    ("long_text", "", ""),
    ("number", 0, "0"),
    ("number", -3, "-3"),
    ("number", 2.5, "2.5"),
    ("number", -0.125, "-0.125"),
    ("number", 1234567890123, "1234567890123"),
    ("date", "2021-11-05", "2021-11-05"),
]


@pytest.mark.parametrize("name, value, stored", ROUND_TRIPS)
def test_every_type_stores_the_text_held_today_and_reads_the_same_value_back(name, value, stored):
    kind = question_type(name)
    assert kind.encode(value) == stored
    decoded = kind.decode(stored)
    assert decoded == value and type(decoded) is type(value)


@pytest.mark.parametrize("name", ["scale", "choice", "multi_choice", "text", "long_text", "number", "date"])
def test_no_answer_is_stored_as_null(name):
    assert question_type(name).encode(None) is None
    assert question_type(name).decode(None) is None


def test_a_date_object_is_stored_as_its_iso_date():
    assert question_type("date").encode(date(2021, 11, 5)) == "2021-11-05"


def test_a_whole_number_stays_whole_and_a_decimal_stays_decimal():
    number = question_type("number")
    assert number.decode("3") == 3 and isinstance(number.decode("3"), int)
    assert number.decode("3.0") == 3.0 and isinstance(number.decode("3.0"), float)


@pytest.mark.parametrize(
    "stored, value",
    [
        ("police", ["police"]),  # a lone option value, not JSON
        ('["police", "health"', ['["police", "health"']),  # cut short
        ('"police"', ["police"]),  # JSON, but not a list
        ("7", ["7"]),
        ("null", ["null"]),
        ("[1, 2]", ["1", "2"]),  # option values are text
    ],
)
def test_a_stored_list_that_does_not_decode_reads_as_the_text_stored(stored, value):
    assert question_type("multi_choice").decode(stored) == value


@pytest.mark.parametrize("stored", ["twelve", "", "NaN", '"12"', "[12]", "true"])
def test_a_stored_number_that_does_not_decode_reads_as_the_text_stored(stored):
    assert question_type("number").decode(stored) == stored


def test_the_instrument_level_codec_follows_each_questions_type():
    instrument = check_text(
        MINIMAL
        + """\
      - key: count
        type: number
        text: How many?
      - key: which
        type: multi_choice
        text: Which?
        options:
          - {value: a, label: A}
""",
        "tiny.yaml",
        themes={"timeliness": None},
    ).instrument
    assert encode_answer(instrument, "count", 0) == "0"
    assert decode_answer(instrument, "count", "0") == 0
    assert encode_answer(instrument, "which", ["a"]) == '["a"]'
    assert decode_answer(instrument, "which", '["a"]') == ["a"]
    assert decode_answer(instrument, "q2", "b") == "b"
    assert decode_answer(instrument, "no_such_question", '["a"]') == '["a"]'


def test_a_malformed_stored_list_is_shown_and_flagged_not_dropped(db, app):
    setup = make_round(agencies=("police",))
    assignment = setup.assignment(0, "police")
    score(assignment, complete_answers(), actor=setup.auditors["police"], submit=False)
    instrument = instrument_of(setup.round)
    db.session.execute(
        sa.update(CaseAnswer)
        .where(CaseAnswer.response_id == assignment.response.id, CaseAnswer.question_key == "agencies_invited")
        .values(value="police")
    )
    db.session.expire_all()
    answers = answers_of(assignment.response)
    assert answers["agencies_invited"]["value"] == ["police"]
    assert display_value(instrument, "agencies_invited", ["police"]) == "Police"
    db.session.execute(
        sa.update(CaseAnswer)
        .where(CaseAnswer.response_id == assignment.response.id, CaseAnswer.question_key == "agencies_invited")
        .values(value="[police")
    )
    db.session.expire_all()
    answers = answers_of(assignment.response)
    assert answers["agencies_invited"]["value"] == ["[police"]
    problems = validate_answers(instrument, answers, assignment.organisation.org_type)
    assert [p.question_key for p in problems] == ["agencies_invited"]
    assert problems[0].message.startswith("Select only the answers given for")
