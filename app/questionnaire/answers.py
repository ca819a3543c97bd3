"""The answer format every feature stores, and the rules an answer must meet.

    answers = {question_key: {"value": ..., "comment": str | None, "evidence": str | None}}

`value` is an option value (str) for scale and choice questions, a list of option values for
multi_choice, text for text and long_text, a number for number, and an ISO date string for date.
The same rules run in the section form (one section at a time) and in `validate_answers` (the
whole instrument at submit time), so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from app.questionnaire.definition import (
    COMMENT_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    Instrument,
    Question,
)
from app.questionnaire.types.values import is_blank

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"

Answers = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class AnswerProblem:
    section_key: str
    question_key: str
    message: str
    field: str = ""  # "" for the answer itself, "comment" or "evidence"

    @property
    def field_name(self) -> str:
        return f"{self.question_key}__{self.field}" if self.field else self.question_key


def answer_parts(answers: Answers | None, key: str) -> tuple[Any, str | None, str | None]:
    """(value, comment, evidence) for `key`, tolerating missing or malformed entries."""
    entry = (answers or {}).get(key)
    if not isinstance(entry, Mapping):
        return None, None, None
    comment = entry.get("comment")
    evidence = entry.get("evidence")
    return (
        entry.get("value"),
        comment if isinstance(comment, str) and comment.strip() else None,
        evidence if isinstance(evidence, str) and evidence.strip() else None,
    )


def short_text(question: Question, limit: int = 120) -> str:
    text = " ".join(question.text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Visibility: applies_to and show_if
# ---------------------------------------------------------------------------------------------
def visibility(instrument: Instrument, answers: Answers | None, org_type: str | None = None) -> dict[str, bool]:
    """Whether each question is shown, given the answers so far.

    A question is hidden when its section does not apply to the organisation type, or when its
    show_if target is hidden or not answered with one of the listed values. Targets always come
    earlier in the instrument, so one pass in order settles every chain.
    """
    shown: dict[str, bool] = {}
    for section in instrument.sections:
        applicable = section.applies(org_type)
        for question in section.questions:
            if not applicable:
                shown[question.key] = False
            elif question.show_if is None:
                shown[question.key] = True
            else:
                rule = question.show_if
                if not shown.get(rule.question, False):
                    shown[question.key] = False
                else:
                    value, _, _ = answer_parts(answers, rule.question)
                    shown[question.key] = matches(value, rule.values)
    return shown


def matches(value: Any, values: tuple[str, ...]) -> bool:
    if isinstance(value, (list, tuple)):
        return any(isinstance(v, (str, int)) and str(v) in values for v in value)
    if isinstance(value, bool) or value is None:
        return False
    return str(value) in values


def visible_answers(instrument: Instrument, answers: Answers | None, org_type: str | None = None) -> dict[str, dict]:
    """Only the answers to questions that are shown: what a submitted response should keep."""
    shown = visibility(instrument, answers, org_type)
    result = {}
    for key, visible in shown.items():
        if visible and isinstance((answers or {}).get(key), Mapping):
            value, comment, evidence = answer_parts(answers, key)
            result[key] = {"value": value, "comment": comment, "evidence": evidence}
    return result


# ---------------------------------------------------------------------------------------------
# Rules for one answer
# ---------------------------------------------------------------------------------------------
def question_problems(
    question: Question,
    value: Any,
    comment: str | None,
    evidence: str | None,
    *,
    partial: bool = False,
    check_value: bool = True,
) -> list[tuple[str, str]]:
    """Problems with one shown question's answer, as (field, message); field is "", "comment" or "evidence".

    `partial` (saving a draft) skips the "must answer" rules but keeps the format rules, so a
    draft never stores something a final submit could not.
    """
    problems: list[tuple[str, str]] = []
    name = f"“{short_text(question)}”"
    blank = is_blank(value)
    if check_value:
        if blank:
            if question.required and not partial:
                problems.append(("", question.kind.required_message(name)))
        else:
            message = question.kind.problem(question, value, name)
            if message:
                problems.append(("", message))

    answered = not blank
    if comment is not None and len(comment) > COMMENT_MAX_LENGTH:
        problems.append(("comment", f"Your comment on {name} must be {COMMENT_MAX_LENGTH} characters or fewer"))
    elif comment is None and not partial:
        if answered and question.needs_reason(value):
            problems.append(("comment", f"Give the reason why {name} is not applicable"))
        elif question.comment == "required" and (answered or question.required):
            problems.append(("comment", f"Enter a comment on {name}"))
        elif question.comment == "required_unless_met" and answered and question.kind.is_scored:
            option = question.option(value)
            if option is not None and not option.excluded and option.meets_standard is False:
                problems.append(("comment", f"Explain why the standard was not met for {name}"))

    if evidence is not None and len(evidence) > EVIDENCE_MAX_LENGTH:
        problems.append(("evidence", f"Your evidence for {name} must be {EVIDENCE_MAX_LENGTH} characters or fewer"))
    elif evidence is None and not partial and question.evidence == "required" and (answered or question.required):
        problems.append(("evidence", f"Enter the evidence for {name}"))
    return problems


# ---------------------------------------------------------------------------------------------
# Whole-instrument checks
# ---------------------------------------------------------------------------------------------
def validate_answers(
    instrument: Instrument,
    answers: Answers | None,
    org_type: str | None = None,
    *,
    sections: list[str] | None = None,
    partial: bool = False,
) -> list[AnswerProblem]:
    """Every problem that would stop a response being submitted, in instrument order."""
    shown = visibility(instrument, answers, org_type)
    problems: list[AnswerProblem] = []
    for section in instrument.sections_for(org_type):
        if sections is not None and section.key not in sections:
            continue
        for question in section.questions:
            if not shown.get(question.key):
                continue
            value, comment, evidence = answer_parts(answers, question.key)
            for field, message in question_problems(question, value, comment, evidence, partial=partial):
                problems.append(AnswerProblem(section.key, question.key, message, field))
    return problems


def section_status(
    instrument: Instrument, section_key: str, answers: Answers | None, org_type: str | None = None
) -> str:
    """not_started until any answer in the section is saved; completed once it has no problems.

    A saved section stores an entry (possibly empty) for each of its questions, so a section of
    optional questions saved blank still counts as completed.
    """
    section = instrument.section(section_key)
    answers = answers or {}
    if not any(q.key in answers for q in section.questions):
        return NOT_STARTED
    if validate_answers(instrument, answers, org_type, sections=[section_key]):
        return IN_PROGRESS
    return COMPLETED


def display_value(instrument: Instrument, question_key: str, value: Any) -> str:
    """An answer as a person reads it: option labels, dates as '5 November 2021'."""
    if is_blank(value):
        return ""
    if not instrument.has_question(question_key):
        return ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
    question = instrument.question(question_key)
    return question.kind.display(question, value)
