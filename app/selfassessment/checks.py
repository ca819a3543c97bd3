"""What stops a return being submitted: the instrument's own rules (RAG, evidence), an action for every Amber or Red
criterion, and every criterion carried forward from last cycle re-confirmed or changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.questionnaire import AnswerProblem, validate_answers
from app.questionnaire.answers import short_text

if TYPE_CHECKING:
    from app.selfassessment.queries import ReturnView, SectionView

ACTION_FIELD = "action_description"
RECONFIRM_FIELD = "reconfirm"


def missing_action_message(question, rag: str) -> str:
    return f"Add at least one action for “{short_text(question)}”, which you rated {rag.capitalize()}"


def reconfirm_message(question, cycle: str | None) -> str:
    since = f" from {cycle}" if cycle else ""
    return f"Re-confirm or change your answer to “{short_text(question)}”, carried forward{since}"


def previous_cycle(view: "ReturnView") -> str | None:
    previous = view.campaign.previous_campaign
    return previous.cycle if previous is not None else None


def return_problems(view: "ReturnView") -> list[AnswerProblem]:
    """Every problem, in the order the criteria appear, so an error summary reads top to bottom."""
    engine = validate_answers(view.instrument, view.answers, view.org_type)
    by_question: dict[str, list[AnswerProblem]] = {}
    for problem in engine:
        by_question.setdefault(problem.question_key, []).append(problem)
    cycle = previous_cycle(view)
    problems: list[AnswerProblem] = []
    for section_view in view.sections:
        for criterion in section_view.criteria:
            key = criterion.key
            problems.extend(by_question.get(key, []))
            if criterion.needs_action and not criterion.counting_actions:
                problems.append(
                    AnswerProblem(
                        section_view.section.key,
                        key,
                        missing_action_message(criterion.question, criterion.rag),
                        ACTION_FIELD,
                    )
                )
            if criterion.to_reconfirm:
                problems.append(
                    AnswerProblem(
                        section_view.section.key, key, reconfirm_message(criterion.question, cycle), RECONFIRM_FIELD
                    )
                )
    return problems


def section_status(view: "ReturnView", section_view: "SectionView") -> str:
    key = section_view.section.key
    if not any(p.section_key == key for p in view.problems):
        return "completed"
    if any(c.to_reconfirm for c in section_view.criteria):
        return "to_reconfirm"
    if any(c.answer is not None and (c.value is not None or c.evidence) for c in section_view.criteria):
        return "in_progress"
    return "not_started"
