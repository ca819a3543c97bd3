"""The WTForms fields the built-in question types answer with. Each knows its question, so messages and markup
can use its text."""

from __future__ import annotations

import math
import re
from datetime import date

from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.utils import unset_value

from app.questionnaire.types.values import format_number, parse_iso_date

DATE_PARTS = ("day", "month", "year")


class QuestionField:
    """Mixin: fields know their question, so messages and markup can use its text."""

    question = None


class ChoiceAnswerField(QuestionField, RadioField):
    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, validate_choice=False, coerce=str, **kwargs)
        self.question = question

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0] if valuelist[0] != "" else None


class MultiChoiceAnswerField(QuestionField, SelectMultipleField):
    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, validate_choice=False, coerce=str, **kwargs)
        self.question = question

    def process_data(self, value):
        if isinstance(value, (list, tuple)):
            self.data = [str(v) for v in value]
        else:
            self.data = [] if value is None else [str(value)]


class TextAnswerField(QuestionField, StringField):
    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question


class LongTextAnswerField(QuestionField, TextAreaField):
    def __init__(self, *args, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question


class NumberAnswerField(QuestionField, Field):
    """A number typed as text (GOV.UK advises against type=number); commas and spaces are allowed."""

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question

    def process_data(self, value):
        self.data = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = (valuelist[0] or "").strip().replace(",", "").replace(" ", "")
        if not text:
            self.data = None
            return
        self.data = None
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValueError(f"“{self.question.text}” must be a number, like 12 or 2.5")
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(f"“{self.question.text}” must be a number, like 12 or 2.5")
        self.data = int(number) if re.fullmatch(r"[+-]?\d+", text) else number

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_number(self.data) if self.data is not None else ""


class DateAnswerField(QuestionField, Field):
    """Three boxes, day, month and year, posted as `<key>-day`, `<key>-month` and `<key>-year`."""

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.parts: dict[str, str] = {}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default
        self.object_data = data
        self.process_data(data)
        if formdata is not None:
            parts = {p: (formdata.get(f"{self.name}-{p}") or "") for p in DATE_PARTS}
            same_name = formdata.getlist(self.name) if hasattr(formdata, "getlist") else []
            if not any(parts.values()) and len(same_name) == 3:
                parts = dict(zip(DATE_PARTS, same_name))
            self.raw_data = [parts[p] for p in DATE_PARTS]
            try:
                self.process_formdata(self.raw_data)
            except ValueError as e:
                self.process_errors.append(e.args[0])

    def process_data(self, value):
        parsed = parse_iso_date(value)
        self.data = parsed
        self.parts = {"day": str(parsed.day), "month": str(parsed.month), "year": str(parsed.year)} if parsed else {}

    def process_formdata(self, valuelist):
        day, month, year = (str(v).strip() for v in valuelist)
        self.parts = {"day": day, "month": month, "year": year}
        self.data = None
        if not (day or month or year):
            return
        name = f"“{self.question.text}”"
        missing = [p for p, v in self.parts.items() if not v]
        if missing:
            raise ValueError(f"{name} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValueError(f"{name} must be a real date, like 5 11 2021")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{name} must be a real date, like 5 11 2021") from None

    def _value(self):
        return self.data.isoformat() if self.data else ""
