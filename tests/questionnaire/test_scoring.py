"""Scoring, whole-instrument answer checks, section status, summaries and display values."""

from __future__ import annotations

import pytest

from app.questionnaire import (
    AnswerScore,
    display_value,
    score_answer,
    section_status,
    summarise,
    validate_answers,
    validate_file,
    visible_answers,
)
from tests.questionnaire.helpers import CASE_AUDIT, SELF_ASSESSMENT, THEMES


@pytest.fixture(scope="module")
def audit():
    return validate_file(CASE_AUDIT, themes_file=THEMES)


@pytest.fixture(scope="module")
def self_assessment():
    return validate_file(SELF_ASSESSMENT, themes_file=THEMES)


def a(value=None, comment=None, evidence=None):
    return {"value": value, "comment": comment, "evidence": evidence}


def complete_answers():
    return {
        "timely": a("yes"),
        "agencies": a(["police", "health"]),
        "all_invited": a("yes"),
        "missing_reason": a(None),
        "shared": a("partly"),
        "escalated": a(None),
        "attendees": a(6),
        "held_on": a("2021-11-05"),
        "chair": a("Detective Sergeant A"),
        "overall_judgement": a("good", "Sound practice."),
    }


def test_score_answer(audit):
    assert score_answer(audit, "timely", "yes") == AnswerScore(
        score=2, meets_standard=True, excluded=False, rag="green"
    )
    assert score_answer(audit, "timely", "partly") == AnswerScore(1, False, False, "amber")
    assert score_answer(audit, "timely", "na") == AnswerScore(None, None, True, None)
    assert score_answer(audit, "timely", None) == AnswerScore()
    assert score_answer(audit, "timely", "bogus") == AnswerScore()
    assert score_answer(audit, "chair", "Someone") == AnswerScore()
    assert score_answer(audit, "no_such_question", "yes") == AnswerScore()


def test_complete_answers_have_no_problems(audit):
    assert validate_answers(audit, complete_answers()) == []
    for section in audit.sections:
        assert section_status(audit, section.key, complete_answers()) == "completed"


def test_validate_answers_reports_each_rule(audit):
    answers = complete_answers()
    answers["timely"] = a("no")  # not met: comment required
    answers["all_invited"] = a("no")  # reveals missing_reason and escalated (other section)
    answers["attendees"] = a(51)  # above max
    answers["held_on"] = a("2021-02-31")  # not a real date
    answers["chair"] = a("x" * 41)  # over max_length
    answers["overall_judgement"] = a("good")  # comment: required
    problems = {(p.question_key, p.field): p.message for p in validate_answers(audit, answers)}
    assert set(problems) == {
        ("timely", "comment"),
        ("missing_reason", ""),
        ("escalated", ""),
        ("attendees", ""),
        ("held_on", ""),
        ("chair", ""),
        ("overall_judgement", "comment"),
    }
    assert (
        problems[("timely", "comment")]
        == "Explain why the standard was not met for “Was the discussion convened promptly?”"
    )
    assert problems[("attendees", "")] == "“How many people attended?” must be between 0 and 50"
    assert problems[("chair", "")] == "Your answer to “Who chaired the discussion?” must be 40 characters or fewer"
    assert problems[("missing_reason", "")] == "Enter an answer to “Which agencies were missing, and why?”"


def test_hidden_questions_never_block_and_are_dropped(audit):
    answers = complete_answers()
    answers["missing_reason"] = a("Left over from an earlier answer")
    answers["escalated"] = a("bogus value")
    assert validate_answers(audit, answers) == []
    kept = visible_answers(audit, answers)
    assert "missing_reason" not in kept and "escalated" not in kept and kept["timely"]["value"] == "yes"


def test_section_status(audit):
    assert section_status(audit, "convening", {}) == "not_started"
    assert section_status(audit, "convening", {"timely": a("partly")}) == "in_progress"
    assert section_status(audit, "convening", {"timely": a("partly", "Late"), "all_invited": a("yes")}) == "completed"


def test_applies_to_filters_sections_in_validation(self_assessment):
    problems = validate_answers(self_assessment, {}, org_type="police")
    assert [(p.question_key, p.field) for p in problems] == [("board_champion", ""), ("board_champion", "evidence")]
    problems = validate_answers(self_assessment, {"board_champion": a("green")}, org_type="school")
    assert [(p.question_key, p.field) for p in problems] == [
        ("board_champion", "evidence"),
        ("dsl_in_place", ""),
        ("dsl_in_place", "evidence"),
    ]


def test_partial_checks_only_formats(audit):
    problems = validate_answers(audit, {"attendees": a(-1), "timely": a("no")}, partial=True)
    assert [(p.question_key, p.field) for p in problems] == [("attendees", "")]


def test_summarise(audit):
    answers = complete_answers()
    answers["timely"] = a("na")
    summary = summarise(audit, answers, theme_titles={"timeliness": "Timeliness"})
    convening = summary.section("convening")
    assert (convening.scored, convening.meeting, convening.excluded) == (0, 0, 1)
    details = summary.section("details")
    assert (details.scored, details.meeting, details.percent_meeting) == (1, 0, 0.0)
    assert details.rag_counts == {"green": 0, "amber": 1, "red": 0}
    timeliness = summary.theme("timeliness")
    assert timeliness.title == "Timeliness"
    assert (timeliness.scored, timeliness.excluded, timeliness.meeting) == (1, 1, 0)
    assert summary.theme("escalation") is None  # escalated is hidden, so it is not counted
    assert summary.overall.label == "Good" and summary.overall.value == "good"
    assert summary.total.scored == 1
    assert summary.section("overall").scored == 0  # the overall judgement is reported on its own


@pytest.mark.parametrize("weight, expected", [(0, 25.0), (0.5, 50.0)])
def test_partial_answers_count_as_the_instruments_share_of_a_met_one(tmp_path, weight, expected):
    from tests.questionnaire.helpers import MINIMAL, write

    text = MINIMAL.replace(
        '    - {value: "no", label: "No", score: 0, meets_standard: false, rag: red}\n',
        "    - {value: partly, label: Partly, score: 1, meets_standard: false, rag: amber, partial: true}\n"
        '    - {value: "no", label: "No", score: 0, meets_standard: false, rag: red}\n',
    ).replace("title: Tiny instrument\n", f"title: Tiny instrument\npartial_counts_as: {weight}\n")
    text += "".join(
        f"      - {{key: q{n}, type: scale, scale: yn, text: Question {n}, themes: [timeliness]}}\n" for n in (3, 4, 5)
    )
    instrument = validate_file(write(tmp_path, text), themes_file=THEMES)
    answers = {"q1": a("yes"), "q3": a("partly"), "q4": a("partly"), "q5": a("no")}
    summary = summarise(instrument, answers, theme_titles={})
    tally = summary.theme("timeliness")
    assert (tally.scored, tally.meeting, tally.partly, tally.not_met) == (4, 1, 2, 1)
    assert tally.percent_meeting == expected
    assert summary.total.percent_meeting == expected


def test_summarise_percent_meeting(self_assessment):
    answers = {
        "board_champion": a("green", evidence="Minutes"),
        "dsl_in_place": a("amber", evidence="x"),
        "dbs_checks": a("red"),
    }
    summary = summarise(self_assessment, answers, org_type="school")
    assert [s.key for s in summary.sections] == ["leadership", "schools"]
    assert summary.total.scored == 2 and summary.total.percent_meeting == 50.0
    assert summary.overall is None


def test_display_value(audit):
    assert display_value(audit, "timely", "partly") == "Partly"
    assert display_value(audit, "agencies", ["police", "health"]) == "Police, Health"
    assert display_value(audit, "held_on", "2021-11-05") == "5 November 2021"
    assert display_value(audit, "attendees", 6.0) == "6"
    assert display_value(audit, "chair", "DS A") == "DS A"
    assert display_value(audit, "timely", None) == ""
    assert display_value(audit, "timely", "unknown") == "unknown"
