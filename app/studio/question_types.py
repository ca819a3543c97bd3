"""The question types the studio offers: every type registered with the engine, plus "Yes or no", which is a
choice question that starts with the answers Yes and No. What a type can be set to do comes from the type."""

from __future__ import annotations

from app.questionnaire.types import QuestionType, kind_of, question_type, type_names

YES_NO = "yes_no"  # not a type of its own: a choice question that starts with the answers Yes and No


def question_type_labels() -> dict[str, str]:
    """Every registered question type as authors choose it, with "Yes or no" offered after "One answer from a list"."""
    labels: dict[str, str] = {}
    for name in type_names():
        labels[name] = question_type(name).label or name.replace("_", " ").capitalize()
        if name == "choice":
            labels[YES_NO] = "Yes or no"
    return labels


def takes(question: dict, flag: str) -> bool:
    """Whether a draft question's type (if it names a registered one) has `flag`, e.g. takes_options."""
    kind = kind_of(question.get("type"))
    return kind is not None and bool(getattr(kind, flag))


def engine_type(qtype: str) -> QuestionType | None:
    """The question type behind what the author chose (a yes or no question is a choice)."""
    return kind_of("choice" if qtype == YES_NO else qtype)


def settings_for(qtype: str) -> tuple[str, ...]:
    """The settings a question of this type can have besides wording, hint, key, themes and show_if."""
    kind = engine_type(qtype)
    if kind is None:
        return ()
    settings = []
    if kind.takes_scale:
        settings.append("scale")
    if kind.is_scored or (kind.is_choice and not kind.is_list):
        settings += ["comment", "overall", "about"]
    if kind.takes_max_length:
        settings.append("max_length")
    if kind.takes_range:
        settings += ["min", "max"]
    return tuple(settings)
