"""Form pieces every feature uses the same way: the GOV.UK date input, choices."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

DATE_PARTS = ("day", "month", "year")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as choices whose values are strings, as posted forms carry them."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def parse_date_parts(day: str, month: str, year: str, *, subject: str, example: str) -> date | None:
    """The date typed into day, month and year boxes; None when all three are blank.

    Raises ValueError with the GOV.UK message (“<subject> must include a month”, “<subject> must be a real date,
    like <example>”) when the date is incomplete or does not exist.
    """
    parts = [str(p or "").strip() for p in (day, month, year)]
    if not any(parts):
        return None
    missing = [part for part, value in zip(DATE_PARTS, parts) if not value]
    if missing:
        raise ValueError(f"{subject} must include a {' and a '.join(missing)}")
    day, month, year = parts
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        raise ValueError(f"{subject} must be a real date, like {example}")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"{subject} must be a real date, like {example}") from None


class GovDateField(Field):
    """Day, month and year boxes (GOV.UK date input) that all post under the field's name.

    `subject` is how messages refer to the date (default: the label); `required_message` makes a blank date an error.
    """

    widget = GovDateInput()

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        required_message: str | None = None,
        subject: str | None = None,
        example: str = "5 11 2026",
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.subject = subject
        self.example = example

    def _value(self):
        return self.data.strftime("%d %m %Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        parts = (list(valuelist) + ["", "", ""])[:3]
        self.raw_data = parts  # the GOV.UK widget shows the three boxes again, whatever number of parts was posted
        self.data = None  # stays None when the date is refused
        self.data = parse_date_parts(*parts, subject=self.subject or self.label.text, example=self.example)

    def pre_validate(self, form):
        if self.required_message and self.data is None and not self.process_errors:
            raise StopValidation(self.required_message)
