"""Loader rules: every problem is reported as file:line: message, all in one run."""

from __future__ import annotations

import pytest

from app.questionnaire import Instrument, InstrumentError, LoadError, content_hash, validate_file
from app.questionnaire.loader import check_file, load_themes, validate_themes_file
from tests.questionnaire.helpers import CASE_AUDIT, MINIMAL, SELF_ASSESSMENT, STATEMENT, THEMES, write


def errors_for(tmp_path, text: str, name: str = "instrument.yaml") -> list[str]:
    path = write(tmp_path, text, name)
    with pytest.raises(InstrumentError) as caught:
        validate_file(path, themes_file=THEMES)
    prefix = f"{path}:"
    for error in caught.value.errors:
        assert str(error).startswith(prefix), error
    return [str(e)[len(prefix) :] for e in caught.value.errors]


def replace(old: str, new: str, text: str = MINIMAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_minimal_instrument_is_valid(tmp_path):
    instrument = validate_file(write(tmp_path, MINIMAL), themes_file=THEMES)
    assert instrument.key == "tiny"
    assert [q.key for q in instrument.questions()] == ["q1", "q2"]


@pytest.mark.parametrize("path", [CASE_AUDIT, SELF_ASSESSMENT, STATEMENT])
def test_fixture_instruments_are_valid(path):
    assert isinstance(validate_file(path, themes_file=THEMES), Instrument)


def test_load_error_formats_as_file_line_message():
    assert str(LoadError("a.yaml", 12, "unknown key 'x'")) == "a.yaml:12: unknown key 'x'"


CASES = {
    "unknown top-level key": (
        MINIMAL + "colour: red\n",
        [(25, "unknown key 'colour'")],
    ),
    "unknown question key": (
        replace("        themes: [timeliness]\n", "        themes: [timeliness]\n        colour: red\n"),
        [(19, "question 'q1': unknown key 'colour'")],
    ),
    "misspelt key suggests the right one": (
        replace("        text: Question one?\n", "        txt: Question one?\n"),
        [
            (14, "question 'q1': missing required key 'text'"),
            (17, "question 'q1': unknown key 'txt' (did you mean 'text'?)"),
        ],
    ),
    "duplicate YAML mapping key": (
        replace("title: Tiny instrument\n", "title: Tiny instrument\ntitle: Again\n"),
        [(5, "duplicate key 'title' (first given on line 4)")],
    ),
    "duplicate question key": (
        replace("      - key: q2\n", "      - key: q1\n"),
        [(19, "duplicate question key 'q1' (first on line 14)")],
    ),
    "duplicate section key": (
        MINIMAL + "  - key: first\n    title: Again\n    questions:\n      - {key: q3, type: text, text: Three}\n",
        [(25, "duplicate section key 'first' (first on line 11)")],
    ),
    "duplicate scale option value": (
        replace("{value: na, label: Not applicable, excluded: true}", '{value: "no", label: Nope}'),
        [(9, "scale 'yn': duplicate option value 'no' (first on line 8)")],
    ),
    "needs_reason on a scale option that is not excluded": (
        replace(
            '{value: "no", label: "No", score: 0, meets_standard: false, rag: red}',
            '{value: "no", label: "No", score: 0, meets_standard: false, rag: red, needs_reason: true}',
        ),
        [(8, "scale 'yn' option 2: needs_reason is only allowed on an excluded (not applicable) option")],
    ),
    "needs_reason on a choice option that is not excluded": (
        replace("{value: b, label: B}", "{value: b, label: B, needs_reason: true}"),
        [(24, "question 'q2' option 2: needs_reason is only allowed on an excluded (not applicable) option")],
    ),
    "needs_reason that is not true or false": (
        replace(
            "{value: na, label: Not applicable, excluded: true}",
            "{value: na, label: Not applicable, excluded: true, needs_reason: sometimes}",
        ),
        [(9, "scale 'yn' option 3: 'needs_reason' must be true or false, not text")],
    ),
    "partial on an option that meets the standard": (
        replace("rag: green}", "rag: green, partial: true}"),
        [(7, "scale 'yn' option 1: a partial option must have meets_standard: false (it partly meets the standard)")],
    ),
    "partial on an excluded option": (
        replace(
            "{value: na, label: Not applicable, excluded: true}",
            "{value: na, label: Not applicable, excluded: true, partial: true}",
        ),
        [(9, "scale 'yn' option 3: an excluded (not applicable) option cannot be partial")],
    ),
    "partial_counts_as other than 0 or 0.5": (
        replace("title: Tiny instrument\n", "title: Tiny instrument\npartial_counts_as: 1\n"),
        [(5, "'partial_counts_as' must be one of 0, 0.5; got 1")],
    ),
    "about on a question that is not in a case audit": (
        replace(
            "        themes: [timeliness]\n",
            "        themes: [timeliness]\n        about: agency\n",
            MINIMAL.replace("kind: case_audit", "kind: survey"),
        ),
        [(19, "question 'q1': 'about' is only for case audit questions")],
    ),
    "about that is neither agency nor case": (
        replace("        themes: [timeliness]\n", "        themes: [timeliness]\n        about: everyone\n"),
        [(19, "question 'q1': 'about' must be one of agency, case; got 'everyone'")],
    ),
    "overall judgement about one agency": (
        replace(
            "        themes: [timeliness]\n",
            "        themes: [timeliness]\n        about: agency\n        overall: true\n",
        ),
        [(19, "question 'q1': the overall judgement is about the case, not one agency")],
    ),
    "duplicate choice option value": (
        replace("{value: b, label: B}", "{value: a, label: B}"),
        [(24, "question 'q2': duplicate option value 'a' (first on line 23)")],
    ),
    "unknown scale": (
        replace("        scale: yn\n", "        scale: yesno\n"),
        [(16, "question 'q1': unknown scale 'yesno'")],
    ),
    "unknown theme": (
        replace("themes: [timeliness]", "themes: [timelines]"),
        [(18, "question 'q1': unknown theme 'timelines' (did you mean 'timeliness'?)")],
    ),
    "unknown organisation type on the instrument": (
        replace("title: Tiny instrument\n", "title: Tiny instrument\napplies_to: [schools]\n"),
        [(5, "unknown organisation type 'schools' in applies_to (did you mean 'school'?)")],
    ),
    "unknown organisation type on a section": (
        replace("    title: First\n", "    title: First\n    applies_to:\n      - police\n      - gp\n"),
        [(15, "section 'first': unknown organisation type 'gp'")],
    ),
    "show_if pointing forward": (
        replace(
            "        themes: [timeliness]\n", "        themes: [timeliness]\n        show_if: {question: q2, in: [a]}\n"
        ),
        [(19, "question 'q1': show_if refers to question 'q2', which comes later")],
    ),
    "show_if pointing to a missing question": (
        MINIMAL + "        show_if: {question: q9, in: [a]}\n",
        [(25, "question 'q2': show_if refers to unknown question 'q9'")],
    ),
    "show_if value that is not an answer of the target": (
        MINIMAL + '        show_if:\n          question: q1\n          in: ["yes", maybe]\n',
        [(27, "question 'q2': show_if value 'maybe' is not an answer of 'q1' (answers: yes, no, na)")],
    ),
    "show_if on the question itself": (
        MINIMAL + "        show_if: {question: q2, in: [a]}\n",
        [(25, "question 'q2': show_if refers to the question itself")],
    ),
    "more than one overall question": (
        replace("        themes: [timeliness]\n", "        themes: [timeliness]\n        overall: true\n")
        + "        overall: true\n",
        [(26, "question 'q2': only one question may have overall: true (the first is on line 19)")],
    ),
    "self-assessment criterion whose scale lacks rag": (
        replace(
            "kind: case_audit",
            "kind: self_assessment",
            replace(
                '{value: "no", label: "No", score: 0, meets_standard: false, rag: red}',
                '{value: "no", label: "No", score: 0, meets_standard: false}',
            ),
        ),
        [
            (8, "scale 'yn' option 'no' has no rag (green, amber or red), which self-assessment criteria need"),
            (
                16,
                "question 'q1': a self-assessment criterion needs a scale with 'rag' on every option, but scale 'yn' has none for no",
            ),
        ],
    ),
    "renamed to a key that does not exist": (
        MINIMAL + "renamed: {old_question: q9}\n",
        [(25, "renamed: 'old_question' is renamed to 'q9', but there is no question 'q9'")],
    ),
    "renamed from a key that still exists": (
        MINIMAL + "renamed:\n  q2: q1\n",
        [(26, "renamed: 'q2' is renamed, but a question with key 'q2' still exists")],
    ),
    "statement without signatories or review period": (
        replace("kind: case_audit", "kind: statement"),
        [(1, "a statement instrument needs 'review_months'"), (1, "a statement instrument needs 'signatories'")],
    ),
    "statement signatories without a default": (
        replace("kind: case_audit", "kind: statement")
        + "signatories:\n  school: [headteacher]\n  schol: [x]\nreview_months: 24\n",
        [(25, "'signatories' must include 'default'"), (27, "signatories: unknown organisation type 'schol'")],
    ),
    "signatories on a case audit": (
        MINIMAL + "signatories: {default: [chief_executive]}\n",
        [(25, "'signatories' is only for kind: statement")],
    ),
    "version that is text": (
        replace("version: 1", 'version: "1"'),
        [(2, "'version' must be a whole number, not text")],
    ),
    "unknown kind": (
        replace("kind: case_audit", "kind: audit"),
        [(3, "'kind' must be one of case_audit, self_assessment, survey, statement; got 'audit'")],
    ),
    "unknown question type": (
        replace("        type: choice\n", "        type: radio\n"),
        [(20, "question 'q2': 'type' must be one of scale, choice, multi_choice")],
    ),
    "options on a scale question": (
        replace("        scale: yn\n", "        scale: yn\n        options: [{value: x, label: X}]\n"),
        [(17, "question 'q1': a scale question takes its answers from 'scale', so 'options' is not allowed")],
    ),
    "choice without options": (
        MINIMAL.split("        options:\n")[0],
        [(19, "question 'q2': a choice question needs 'options'")],
    ),
    "YAML 1.1 yes/no is not a boolean": (
        replace("        themes: [timeliness]\n", "        themes: [timeliness]\n        required: yes\n"),
        [(19, "question 'q1': 'required' must be true or false, not text")],
    ),
    "bad instrument key": (
        replace("key: tiny", "key: Tiny_Audit"),
        [(1, "'key' 'Tiny_Audit' must be kebab-case")],
    ),
    "max_length on a scale question": (
        replace("        scale: yn\n", "        scale: yn\n        max_length: 20\n"),
        [(17, "question 'q1': 'max_length' is only for text and long_text questions")],
    ),
    "sections empty": (
        MINIMAL.split("sections:\n")[0] + "sections: []\n",
        [(10, "'sections' must not be empty")],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule_is_reported_with_its_line(tmp_path, name):
    text, expected = CASES[name]
    errors = errors_for(tmp_path, text)
    for line, message in expected:
        assert any(e.startswith(f"{line}: {message}") for e in errors), (expected, errors)
    assert len(errors) == len(expected), errors


def test_all_errors_are_reported_in_one_run(tmp_path):
    text = replace("version: 1", "version: one")
    text = replace("scale: yn", "scale: nope", text)
    text = replace("themes: [timeliness]", "themes: [unknown_theme]", text)
    text += "colour: red\n"
    errors = errors_for(tmp_path, text)
    assert [e.split(":")[0] for e in errors] == ["2", "16", "18", "25"]


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("key: tiny\nversion: 1\n  kind: x\n", 3, "YAML syntax error: mapping values are not allowed here"),
        ("key: tiny\ntitle: [unclosed\nversion: 1\n", 3, "YAML syntax error"),
        ("- key: tiny\n- version: 1\n", 1, "the top level must be a mapping of instrument fields"),
        ("just text\n", 1, "the top level must be a mapping of instrument fields"),
        ("", 1, "file is empty"),
        ("# nothing but a comment\n", 1, "file is empty"),
        ("key: tiny\nbad: \x07\n", 2, "file contains a character that is not allowed"),
        ("a: &a [*a]\n", 1, "an alias refers to a node that contains it"),
        ("key: !!python/object:os.system x\n", 1, "cannot read this value"),
        ("key: tiny\nversion: .nan\n", 2, "numbers must be finite"),
    ],
)
def test_malformed_files_get_clear_messages(tmp_path, text, line, message):
    errors = errors_for(tmp_path, text)
    assert any(e.startswith(f"{line}: {message}") for e in errors), errors


def test_non_utf8_file_reports_the_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"key: tiny\nversion: 1\ntitle: Caf\xe9 audit\n")
    with pytest.raises(InstrumentError) as caught:
        validate_file(path, themes_file=THEMES)
    assert [str(e) for e in caught.value.errors] == [
        f"{path}:3: file is not valid UTF-8 text; save it with UTF-8 encoding"
    ]


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InstrumentError) as caught:
        validate_file(tmp_path / "nope.yaml", themes_file=THEMES)
    assert str(caught.value.errors[0]) == f"{tmp_path / 'nope.yaml'}:1: file not found"
    with pytest.raises(InstrumentError) as caught:
        validate_file(tmp_path, themes_file=THEMES)
    assert "is a directory" in str(caught.value.errors[0])


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    errors = errors_for(tmp_path, "\n".join(lines) + "\n")
    assert any("expands to too many values" in e for e in errors)


def test_excluded_option_may_need_a_reason(tmp_path):
    text = replace(
        "{value: na, label: Not applicable, excluded: true}",
        "{value: na, label: Not applicable, excluded: true, needs_reason: true}",
    )
    instrument = validate_file(write(tmp_path, text), themes_file=THEMES)
    question = instrument.question("q1")
    assert question.option("na").needs_reason and not question.option("no").needs_reason
    assert question.needs_reason("na") and not question.needs_reason("no")
    assert question.has_comment
    assert Instrument.from_dict(instrument.to_dict()).question("q1").option("na").needs_reason


def test_partial_option_and_how_it_counts(tmp_path):
    text = replace(
        '{value: "no", label: "No", score: 0, meets_standard: false, rag: red}',
        "{value: partly, label: Partly, score: 1, meets_standard: false, rag: amber, partial: true}\n"
        '    - {value: "no", label: "No", score: 0, meets_standard: false, rag: red}',
    )
    instrument = validate_file(write(tmp_path, text), themes_file=THEMES)
    assert instrument.partial_counts_as == 0 and instrument.question("q1").option("partly").partial
    text = replace("title: Tiny instrument\n", "title: Tiny instrument\npartial_counts_as: 0.5\n", text)
    instrument = validate_file(write(tmp_path, text), themes_file=THEMES)
    assert instrument.partial_counts_as == 0.5
    again = Instrument.from_dict(instrument.to_dict())
    assert again.partial_counts_as == 0.5 and again.question("q1").option("partly").partial


def test_case_audit_questions_are_about_the_case_unless_they_say_agency(tmp_path):
    text = replace("        themes: [timeliness]\n", "        themes: [timeliness]\n        about: agency\n")
    instrument = validate_file(write(tmp_path, text), themes_file=THEMES)
    assert instrument.question("q1").about_agency and instrument.question("q2").about == "case"
    assert Instrument.from_dict(instrument.to_dict()).question("q1").about == "agency"
    assert "about" not in instrument.to_dict()["sections"][0]["questions"][1]


def test_unquoted_yes_and_no_are_option_values(tmp_path):
    text = replace('{value: "yes", label: "Yes"', "{value: yes, label: Yes").replace('{value: "no"', "{value: no")
    instrument = validate_file(write(tmp_path, text), themes_file=THEMES)
    assert [o.value for o in instrument.question("q1").options] == ["yes", "no", "na"]
    assert instrument.question("q1").option("yes").label == "Yes"


def test_numeric_option_values_are_compared_as_text(tmp_path):
    text = MINIMAL.replace("{value: a, label: A}", "{value: 1, label: One}").replace(
        "{value: b, label: B}", "{value: 2, label: Two}"
    )
    text += "      - key: q3\n        type: text\n        text: Why?\n        show_if: {question: q2, in: [2]}\n"
    instrument = validate_file(write(tmp_path, text), themes_file=THEMES)
    assert instrument.question("q2").option(2).label == "Two"
    assert instrument.question("q3").show_if.values == ("2",)


def test_question_keys_that_clash_with_form_internals_are_refused(tmp_path):
    errors = errors_for(tmp_path, replace("      - key: q2\n", "      - key: csrf_token\n"))
    assert any("'csrf_token' is reserved" in e for e in errors)
    errors = errors_for(tmp_path, replace("      - key: q2\n", "      - key: q2__comment\n"))
    assert any("double underscore" in e for e in errors)


def test_unknown_theme_uses_the_configured_themes_file(tmp_path):
    themes = write(tmp_path, "themes:\n  - {key: only_theme, title: Only}\n", "themes.yaml")
    path = write(tmp_path, MINIMAL)
    with pytest.raises(InstrumentError) as caught:
        validate_file(path, themes_file=themes)
    assert [str(e) for e in caught.value.errors] == [
        f"{path}:18: question 'q1': unknown theme 'timeliness'; themes are defined in themes.yaml"
    ]


def test_broken_themes_file_is_reported_too(tmp_path):
    themes = write(
        tmp_path, "themes:\n  - {key: a, title: A}\n  - {key: a, title: Again}\n  - {title: No key}\n", "themes.yaml"
    )
    with pytest.raises(InstrumentError) as caught:
        validate_themes_file(themes)
    assert [str(e) for e in caught.value.errors] == [
        f"{themes}:3: duplicate theme key 'a' (first on line 2)",
        f"{themes}:4: theme 3: 'key' is required and must be text",
    ]
    with pytest.raises(InstrumentError):
        validate_file(write(tmp_path, MINIMAL), themes_file=themes)


def test_project_themes_file_has_the_design_themes():
    required = {
        "timeliness",
        "information_sharing",
        "voice_of_child",
        "consent",
        "fathers_and_significant_others",
        "identity_and_equality",
        "risk_analysis_and_decisions",
        "planning_and_next_steps",
        "multi_agency_engagement",
        "family_engagement",
        "management_oversight",
        "escalation",
        "outcomes_and_impact",
        "leadership_and_accountability",
        "safer_workforce",
        "training",
        "policies",
    }
    assert required <= set(load_themes())


def test_content_hash_ignores_key_order_and_layout(tmp_path):
    a = check_file(write(tmp_path, MINIMAL, "a.yaml"), themes_file=THEMES)
    reordered = MINIMAL.replace("key: tiny\nversion: 1\n", "version: 1\nkey: tiny\n")
    reordered = reordered.replace("{value: a, label: A}", "{label: A,   value: a}")
    b = check_file(write(tmp_path, reordered + "# a comment\n", "b.yaml"), themes_file=THEMES)
    assert a.content_hash == b.content_hash == content_hash(a.definition)
    changed = check_file(write(tmp_path, MINIMAL.replace("Question one?", "Question 1?"), "c.yaml"), themes_file=THEMES)
    assert changed.content_hash != a.content_hash
