"""A question type: everything the engine and the features need to know about one kind of answer.

Each type is a class registered by the name instrument files give in `type:`. The base class is a short text
answer; a new type overrides what differs. Nothing outside this package asks a question which type it is: it asks
the type object (`question.kind`) what it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.questionnaire.types.fields import TextAnswerField
from app.questionnaire.types.values import NO_SCORE, AnswerScore, is_blank

if TYPE_CHECKING:  # pragma: no cover
    from app.questionnaire.definition import Question


class QuestionType:
    name: str = ""
    label: str = ""  # how the studio offers the type to authors ("Short text")
    component: str = "input"  # the GOV.UK macro the answer is rendered with (app/templating.py)

    # What the rest of the code asks about.
    is_choice: bool = False  # answered by picking options; show_if may depend on it
    is_list: bool = False  # the answer is a list of option values
    is_scored: bool = False  # the option chosen carries score, meets_standard, rag, not applicable
    is_charted: bool = False  # findings chart how many chose each option
    is_rating: bool = False  # a rating on a shared scale: compared between agencies and moderated
    is_text: bool = False  # free text, read as written
    multiline: bool = False  # shown keeping its line breaks
    required_by_default: bool = False

    # What a definition may set on a question of this type.
    takes_scale: bool = False
    takes_options: bool = False
    takes_max_length: bool = False
    takes_range: bool = False  # min and max
    default_max_length: int | None = None

    def __repr__(self) -> str:
        return f"<question type {self.name}>"

    # -- the form -------------------------------------------------------------------------------
    def field(self, question: Question, label: str, description: str):
        """The unbound WTForms field for the question's answer."""
        return TextAnswerField(label=label, description=description, question=question)

    def form_value(self, question: Question, data: Any) -> Any:
        """The answer in the engine's format, from the bound field's data (None when not answered)."""
        return None if is_blank(data) else data

    def posted_value(self, question: Question, values: list[str]) -> Any:
        """The answer from the raw values posted under the question's name (a choice on another section)."""
        return values[0] if values else None

    def clean(self, question: Question, value: Any) -> Any:
        """The answer as stored from a form: anything the question cannot hold is dropped."""
        return value

    def params(self, question: Question, field, params: dict) -> dict:
        """The GOV.UK component's parameters; `params` holds name, hint and errorMessage already."""
        label = {"text": question.text, "classes": "govuk-label--s"}
        limit = question.effective_max_length
        params.update(
            {
                "id": field.id,
                "label": label,
                "value": field.data or "",
                "classes": "govuk-!-width-full" if (limit or 0) > 50 else "govuk-input--width-20",
            }
        )
        if question.max_length:
            params["attributes"] = {"maxlength": str(question.max_length)}
        return params

    def anchor(self, field_id: str) -> str:
        """The id of the answer's first input, where an error summary link points."""
        return field_id

    # -- storage: the one codec ---------------------------------------------------------------
    def encode(self, value: Any) -> str | None:
        """The answer as the text stored in an answer row."""
        return None if value is None else str(value)

    def decode(self, stored: str | None) -> Any:
        """The answer from a stored text. A text that does not decode comes back as it is (a one-item list for
        list types), so pages show what was saved and the answer rules ask for it to be put right."""
        return stored

    # -- rules ----------------------------------------------------------------------------------
    def required_message(self, name: str) -> str:
        return f"Enter an answer to {name}"

    def problem(self, question: Question, value: Any, name: str) -> str | None:
        """What is wrong with a given (not blank) answer's format, or None."""
        if not isinstance(value, str):
            return f"Enter text for {name}"
        limit = question.effective_max_length
        if limit is not None and len(value) > limit:
            return f"Your answer to {name} must be {limit} characters or fewer"
        return None

    # -- reading ----------------------------------------------------------------------------------
    def display(self, question: Question, value: Any) -> str:
        """The answer as a person reads it."""
        return str(value)

    def score(self, question: Question, value: Any) -> AnswerScore:
        return NO_SCORE


_REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Make a question type available to instrument files under `cls.name` (usable as a class decorator)."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _REGISTRY[cls.name] = cls()
    return cls


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def question_type(name: str) -> QuestionType:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown question type {name!r}") from None


def kind_of(name) -> QuestionType | None:
    """The registered type called `name`, or None (a draft being edited may name no type, or an unknown one)."""
    return _REGISTRY.get(name) if isinstance(name, str) else None


def type_names(**flags: bool) -> tuple[str, ...]:
    """Registered type names, in registration order; with flags, those whose flags have the values given
    (type_names(takes_options=True))."""
    return tuple(
        name for name, kind in _REGISTRY.items() if all(getattr(kind, flag) == wanted for flag, wanted in flags.items())
    )


def names_text(names: tuple[str, ...], conjunction: str) -> str:
    """'scale, choice or multi_choice'."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"
