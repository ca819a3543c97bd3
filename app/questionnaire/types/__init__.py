"""Question types: one class per kind of answer, registered by the name instrument files use.

    from app.questionnaire.types import QuestionType, register

    @register
    class Postcode(QuestionType):
        name = "postcode"
        ...

After registering, `type: postcode` loads, renders, validates, stores, reads back and displays through the
engine; see `QuestionType` for what a type can change.
"""

from app.questionnaire.types import builtin  # noqa: F401  (registers the built-in types)
from app.questionnaire.types.base import (
    QuestionType,
    kind_of,
    names_text,
    question_type,
    register,
    type_names,
    unregister,
)
from app.questionnaire.types.values import NO_SCORE, AnswerScore

__all__ = [
    "NO_SCORE",
    "AnswerScore",
    "QuestionType",
    "kind_of",
    "names_text",
    "question_type",
    "register",
    "type_names",
    "unregister",
]
