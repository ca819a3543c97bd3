"""The question types instrument files can use: scale, choice, multi_choice, text, long_text, number, date."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from wtforms.fields.choices import SelectChoice

from app.questionnaire.types.base import QuestionType, register
from app.questionnaire.types.fields import (
    ChoiceAnswerField,
    DateAnswerField,
    LongTextAnswerField,
    MultiChoiceAnswerField,
    NumberAnswerField,
)
from app.questionnaire.types.values import (
    NO_SCORE,
    AnswerScore,
    clean_text,
    format_number,
    is_number,
    parse_iso_date,
)


def _legend(question) -> dict:
    return {"text": question.text, "classes": "govuk-fieldset__legend--s"}


def _label(question) -> dict:
    return {"text": question.text, "classes": "govuk-label--s"}


class _OptionsType(QuestionType):
    """Answered by picking among the question's options (its own, or its scale's)."""

    component = "radios"
    is_choice = True

    def _choices(self, question) -> list[SelectChoice]:
        return [SelectChoice(o.value, o.label) for o in question.options]

    def _selected(self, field) -> set[str]:
        return {field.data} if field.data else set()

    def params(self, question, field, params: dict) -> dict:
        selected = self._selected(field)
        main = [o for o in question.options if not o.excluded]
        excluded = [o for o in question.options if o.excluded]
        items: list[dict] = [{"value": o.value, "text": o.label, "checked": o.value in selected} for o in main]
        if main and excluded:
            items.append({"divider": "or"})
        for o in excluded:
            item = {"value": o.value, "text": o.label, "checked": o.value in selected}
            if self.is_list:
                item["behaviour"] = "exclusive"
            items.append(item)
        params.update({"idPrefix": field.id, "fieldset": {"legend": _legend(question)}, "items": items})
        return params

    def _label_of(self, question, value: Any) -> str:
        option = question.option(value)
        return option.label if option else str(value)


class _SingleChoiceType(_OptionsType):
    is_scored = True
    is_charted = True
    required_by_default = True

    def field(self, question, label: str, description: str):
        return ChoiceAnswerField(
            label=label, description=description, question=question, choices=self._choices(question)
        )

    def form_value(self, question, data: Any) -> Any:
        return data if isinstance(data, str) and data else None

    def clean(self, question, value: Any) -> Any:
        return value if question.option(value) is not None else None

    def encode(self, value: Any) -> str | None:
        return None if value is None else str(value)

    def required_message(self, name: str) -> str:
        return f"Select an answer to {name}"

    def problem(self, question, value: Any, name: str) -> str | None:
        if question.option(value) is None:
            return f"Select one of the answers given for {name}"
        return None

    def display(self, question, value: Any) -> str:
        return self._label_of(question, value)

    def score(self, question, value: Any) -> AnswerScore:
        option = question.option(value)
        if option is None:
            return NO_SCORE
        if option.excluded:
            return AnswerScore(score=None, meets_standard=None, excluded=True, rag=None)
        return AnswerScore(score=option.score, meets_standard=option.meets_standard, excluded=False, rag=option.rag)


@register
class ScaleType(_SingleChoiceType):
    """One rating on a scale the instrument defines once and many questions share."""

    name = "scale"
    label = "Rating on a scale"
    is_rating = True
    takes_scale = True


@register
class ChoiceType(_SingleChoiceType):
    """One answer among the question's own options."""

    name = "choice"
    label = "One answer from a list"
    takes_options = True


@register
class MultiChoiceType(_OptionsType):
    """Any number of the question's options, stored as a JSON list of option values."""

    name = "multi_choice"
    label = "Several answers from a list"
    component = "checkboxes"
    is_list = True
    takes_options = True

    def field(self, question, label: str, description: str):
        return MultiChoiceAnswerField(
            label=label, description=description, question=question, choices=self._choices(question)
        )

    def _selected(self, field) -> set[str]:
        return set(field.data or [])

    def form_value(self, question, data: Any) -> Any:
        values = [v for v in (data or []) if isinstance(v, str) and v]
        return list(dict.fromkeys(values)) or None

    def posted_value(self, question, values: list[str]) -> Any:
        return values

    def clean(self, question, value: Any) -> Any:
        if value is None:
            return None
        return [v for v in value if question.option(v) is not None] or None

    def encode(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(list(value) if isinstance(value, (list, tuple)) else [value])

    def decode(self, stored: str | None) -> Any:
        if stored is None:
            return None
        try:
            items = json.loads(stored)
        except ValueError:
            return [stored]
        if isinstance(items, list):
            return [v if isinstance(v, str) else json.dumps(v) for v in items]
        if isinstance(items, str) or is_number(items):
            return [str(items)]
        return [stored]

    def required_message(self, name: str) -> str:
        return f"Select at least one answer to {name}"

    def problem(self, question, value: Any, name: str) -> str | None:
        if not isinstance(value, (list, tuple)) or any(question.option(v) is None for v in value):
            return f"Select only the answers given for {name}"
        return None

    def display(self, question, value: Any) -> str:
        values = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(self._label_of(question, v) for v in values)


@register
class TextType(QuestionType):
    """A short line of text."""

    name = "text"
    label = "Short text"
    is_text = True
    takes_max_length = True
    default_max_length = 500

    def form_value(self, question, data: Any) -> Any:
        return clean_text(data)


@register
class LongTextType(TextType):
    """Paragraphs of text, with a character count."""

    name = "long_text"
    label = "Long text"
    component = "character_count"
    multiline = True
    default_max_length = 10000

    def field(self, question, label: str, description: str):
        return LongTextAnswerField(label=label, description=description, question=question)

    def params(self, question, field, params: dict) -> dict:
        params.update(
            {
                "id": field.id,
                "label": _label(question),
                "value": field.data or "",
                "maxlength": question.effective_max_length,
                "rows": 6,
            }
        )
        return params


@register
class NumberType(QuestionType):
    """A number, whole or decimal, optionally between min and max; stored as JSON text."""

    name = "number"
    label = "Number"
    takes_range = True

    def field(self, question, label: str, description: str):
        return NumberAnswerField(label=label, description=description, question=question)

    def form_value(self, question, data: Any) -> Any:
        return data

    def params(self, question, field, params: dict) -> dict:
        params.update(
            {
                "id": field.id,
                "label": _label(question),
                "value": field._value(),
                "inputmode": "numeric",
                "spellcheck": False,
                "classes": "govuk-input--width-10",
            }
        )
        return params

    def encode(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value) if is_number(value) else str(value)

    def decode(self, stored: str | None) -> Any:
        if stored is None:
            return None
        try:
            number = json.loads(stored)
        except ValueError:
            return stored
        return number if is_number(number) and math.isfinite(number) else stored

    def required_message(self, name: str) -> str:
        return f"Enter a number for {name}"

    def problem(self, question, value: Any, name: str) -> str | None:
        if not is_number(value) or not math.isfinite(value):
            return f"{name} must be a number"
        low, high = question.min, question.max
        if low is not None and high is not None and not low <= value <= high:
            return f"{name} must be between {format_number(low)} and {format_number(high)}"
        if low is not None and value < low:
            return f"{name} must be {format_number(low)} or more"
        if high is not None and value > high:
            return f"{name} must be {format_number(high)} or less"
        return None

    def display(self, question, value: Any) -> str:
        return format_number(value) if is_number(value) else str(value)


@register
class DateType(QuestionType):
    """A date in three boxes, day, month and year; stored as an ISO date."""

    name = "date"
    label = "Date"
    component = "date"

    def field(self, question, label: str, description: str):
        return DateAnswerField(label=label, description=description, question=question)

    def form_value(self, question, data: Any) -> Any:
        return data.isoformat() if isinstance(data, date) else None

    def params(self, question, field, params: dict) -> dict:
        error = " govuk-input--error" if "errorMessage" in params else ""
        params.pop("name")
        params.update(
            {
                "id": field.id,
                "namePrefix": field.name,
                "fieldset": {"legend": _legend(question)},
                "items": [
                    {"name": "day", "classes": "govuk-input--width-2" + error, "value": field.parts.get("day", "")},
                    {"name": "month", "classes": "govuk-input--width-2" + error, "value": field.parts.get("month", "")},
                    {"name": "year", "classes": "govuk-input--width-4" + error, "value": field.parts.get("year", "")},
                ],
            }
        )
        return params

    def anchor(self, field_id: str) -> str:
        return f"{field_id}-day"

    def encode(self, value: Any) -> str | None:
        if value is None:
            return None
        return value.isoformat() if isinstance(value, date) else str(value)

    def required_message(self, name: str) -> str:
        return f"Enter a date for {name}"

    def problem(self, question, value: Any, name: str) -> str | None:
        return f"{name} must be a real date" if parse_iso_date(value) is None else None

    def display(self, question, value: Any) -> str:
        parsed = parse_iso_date(value)
        return f"{parsed.day} {parsed:%B %Y}" if parsed else str(value)
