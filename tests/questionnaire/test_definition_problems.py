"""A definition held as data (a studio draft, a workbook) is checked by the very rules files are checked by;
problems are placed by path instead of line."""

from __future__ import annotations

import pytest

from app.questionnaire import InstrumentError, definition_problems
from app.questionnaire.loader import check_file
from app.questionnaire.yamlsource import parse
from tests.questionnaire.helpers import MINIMAL, THEMES, write

BROKEN = (
    MINIMAL.replace("scale: yn", "scale: yesno").replace("themes: [timeliness]", "themes: [nope]")
    + """\
      - key: q1
        type: text
        text: Again?
        show_if: {question: q9, in: ["a"]}
"""
)


def test_the_same_problems_as_the_file_placed_by_path(app, tmp_path):
    path = write(tmp_path, BROKEN)
    with pytest.raises(InstrumentError) as caught:
        check_file(path, themes_file=THEMES)
    file_messages = sorted(e.message for e in caught.value.errors)
    problems = definition_problems(parse(BROKEN, "x").data, {"timeliness"})
    assert (
        sorted(p.message.replace("first on section 1, question 1", "first on line 14") for p in problems)
        == file_messages
    )
    scale = next(p for p in problems if "unknown scale" in p.message)
    assert (scale.section_index, scale.question_index, scale.field) == (0, 0, "scale")
    theme = next(p for p in problems if "unknown theme" in p.message)
    assert theme.path == ("sections", 0, "questions", 0, "themes", 0) and theme.field == "themes"
    duplicate = next(p for p in problems if "duplicate question key" in p.message)
    assert duplicate.message == "duplicate question key 'q1' (first on section 1, question 1)"
    assert (duplicate.question_index, duplicate.field) == (2, "key")


def test_a_valid_definition_has_no_problems(app):
    assert definition_problems(parse(MINIMAL, "x").data, {"timeliness"}) == []


def test_top_level_shape(app):
    [problem] = definition_problems(["not", "a", "mapping"])
    assert problem.path == () and "not a list" in problem.message
