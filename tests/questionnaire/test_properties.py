"""Property tests: whatever is thrown at the loader, it answers with InstrumentError or a valid instrument."""

from __future__ import annotations

import copy

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.questionnaire import InstrumentError, section_status, summarise, validate_answers
from app.questionnaire.answers import display_value, visible_answers
from app.questionnaire.loader import check_text, load_themes
from app.questionnaire.scoring import score_answer
from app.questionnaire.yamlsource import parse
from tests.questionnaire.helpers import CASE_AUDIT, SELF_ASSESSMENT, STATEMENT, THEMES

THEME_MAP = load_themes(THEMES)
VALID_TEXTS = [p.read_text(encoding="utf-8") for p in (CASE_AUDIT, SELF_ASSESSMENT, STATEMENT)]
VALID_DATA = [parse(text, "x.yaml").data for text in VALID_TEXTS]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(text: str):
    """The loader's whole contract: a valid instrument, or InstrumentError with file:line errors."""
    try:
        checked = check_text(text, "fuzz.yaml", themes=THEME_MAP)
    except InstrumentError as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.file == "fuzz.yaml" and error.line >= 1 and error.message
        return None
    return checked.instrument


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "scale",
            "choice",
            "multi_choice",
            "text",
            "date",
            "yes",
            "no",
            "na",
            "all",
            "school",
            "timeliness",
            "evidence",
            "q1",
            "required_unless_met",
            "statement",
            "self_assessment",
        ]
    ),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)


@SETTINGS
@given(st.text(max_size=400))
def test_random_text(text):
    check(text)


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes_as_far_as_they_decode(data):
    check(data.decode("utf-8", errors="replace"))


@SETTINGS
@given(yaml_values)
def test_random_yaml_documents(value):
    check(yaml.safe_dump(value, allow_unicode=True))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _paths(child, prefix + (index,))


def _parent(root, path):
    node = root
    for part in path[:-1]:
        node = node[part]
    return node


@st.composite
def mutated_instruments(draw):
    data = copy.deepcopy(draw(st.sampled_from(VALID_DATA)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        action = draw(st.sampled_from(["delete", "replace", "shuffle", "inject", "duplicate", "retype"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(yaml_values)
        elif action == "retype":
            value = parent[path[-1]]
            parent[path[-1]] = [value] if not isinstance(value, list) else {"x": value}
        elif action == "shuffle" and isinstance(parent, list):
            order = draw(st.permutations(list(range(len(parent)))))
            parent[:] = [parent[i] for i in order]
        elif action == "inject":
            target = parent[path[-1]]
            if isinstance(target, dict):
                target[draw(st.text(max_size=10))] = draw(yaml_values)
            elif isinstance(target, list):
                target.append(draw(yaml_values))
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    return data


@SETTINGS
@given(mutated_instruments())
def test_mutated_instruments(data):
    instrument = check(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    if instrument is not None:
        _exercise(instrument, {})


@SETTINGS
@given(st.sampled_from(VALID_TEXTS), st.data())
def test_mutated_text(text, data):
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        index = data.draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        action = data.draw(st.sampled_from(["delete", "garbage", "indent", "truncate", "duplicate"]))
        if not lines:
            break
        if action == "delete":
            del lines[index]
        elif action == "garbage":
            lines.insert(index, data.draw(st.text(max_size=30)))
        elif action == "indent":
            lines[index] = " " * data.draw(st.integers(min_value=1, max_value=4)) + lines[index]
        elif action == "truncate":
            lines[index] = lines[index][: data.draw(st.integers(min_value=0, max_value=len(lines[index])))]
        elif action == "duplicate":
            lines.insert(index, lines[index])
    check("\n".join(lines) + "\n")


answer_entries = st.one_of(
    yaml_values,
    st.fixed_dictionaries({"value": yaml_values, "comment": yaml_values, "evidence": yaml_values}),
)


def _exercise(instrument, answers):
    for org_type in (None, "school", "police"):
        validate_answers(instrument, answers, org_type)
        summarise(instrument, answers, org_type)
        visible_answers(instrument, answers, org_type)
        for section in instrument.sections:
            section_status(instrument, section.key, answers, org_type)
    for question in instrument.questions():
        entry = answers.get(question.key)
        value = entry.get("value") if isinstance(entry, dict) else entry
        display_value(instrument, question.key, value)
        score_answer(instrument, question.key, value)


@SETTINGS
@given(st.sampled_from(VALID_TEXTS), st.data())
def test_answer_functions_accept_any_stored_answers(text, data):
    instrument = check(text)
    keys = [q.key for q in instrument.questions()] + ["unknown"]
    answers = data.draw(st.dictionaries(st.sampled_from(keys), answer_entries, max_size=len(keys)))
    _exercise(instrument, answers)
