from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.actions.forms import with_priority_fields
from app.actions.services import DESCRIPTION_MAX, OWNER_NAME_MAX
from app.findings.models import FINDING_HEADINGS
from app.findings.services import FINDING_TEXT_MAX
from app.forms_common import choices
from app.selfassessment.review_forms import ChallengeForm


class GovDateField(DateField):
    """Day, month and year boxes; anything other than three parts is simply an invalid date, never an error page."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and len(valuelist) != 3:
            self.raw_data = (list(valuelist) + ["", "", ""])[:3]
            self.data = None
            raise ValueError(self.gettext("Enter a real date"))
        if valuelist and not any(v.strip() for v in valuelist):
            self.data = None
            return
        try:
            super().process_formdata([" ".join(v.strip() for v in valuelist)] if valuelist else valuelist)
        except ValueError:
            raise ValueError("Enter a real date, like 27 3 2026") from None


class FindingForm(FlaskForm):
    heading = RadioField(
        "Heading",
        widget=GovRadioInput(),
        choices=choices(FINDING_HEADINGS.items()),
        validators=[InputRequired(message="Select a heading")],
    )
    text = TextAreaField(
        "Finding",
        widget=GovCharacterCount(),
        validators=[InputRequired(message="Enter the finding"), Length(max=FINDING_TEXT_MAX)],
    )
    themes = SelectMultipleField(
        "Themes",
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[Optional()],
        description="Select the themes this finding is about, if any.",
    )
    submit = SubmitField("Save finding", widget=GovSubmitInput())

    def set_themes(self, themes: dict[str, str]) -> None:
        self.themes.choices = choices(themes.items())


@with_priority_fields
class ActionForm(FlaskForm):
    description = TextAreaField(
        "What will be done",
        widget=GovCharacterCount(),
        validators=[InputRequired(message="Enter what will be done"), Length(max=DESCRIPTION_MAX)],
    )
    owner_organisation_id = SelectField(
        "Organisation responsible",
        widget=GovSelect(),
        choices=[],
        validators=[InputRequired(message="Select the organisation responsible")],
    )
    owner_name = StringField(
        "Person responsible",
        widget=GovTextInput(),
        description="Name and role, for example Sam Patel, designated safeguarding lead.",
        validators=[InputRequired(message="Enter the name of the person responsible"), Length(max=OWNER_NAME_MAX)],
    )
    due_date = GovDateField(
        "Due date", description="For example, 27 3 2026", validators=[InputRequired(message="Enter the due date")]
    )
    retest_question_key = SelectField(
        "Criterion that should improve (optional)",
        widget=GovSelect(),
        choices=[],
        validate_choice=False,
        description=(
            "The next round with the same audit tool shows this criterion before and after, and whether the "
            "learning is embedded."
        ),
    )
    submit = SubmitField("Add action", widget=GovSubmitInput())

    def set_organisations(self, organisations) -> None:
        self.owner_organisation_id.choices = choices(
            [("", "Select an organisation")] + [(o.id, o.name) for o in organisations]
        )

    def owner_organisation(self) -> int | None:
        """The chosen organisation's id, or None with an error on the field when the choice is not a number."""
        try:
            return int(self.owner_organisation_id.data)
        except (TypeError, ValueError):
            self.owner_organisation_id.errors = [
                *self.owner_organisation_id.errors,
                "Select the organisation responsible",
            ]
            return None

    def set_criteria(self, criteria: list[tuple[str, str]]) -> None:
        """The criteria of a case-audit round's instrument; none for other findings (the field is not shown)."""
        self.retest_question_key.choices = choices([("", "None")] + criteria) if criteria else []


class ConfirmForm(FlaskForm):
    submit = SubmitField("Yes, delete it", widget=GovSubmitInput())


def _criterion_field():
    return RadioField(
        "Criterion",
        widget=GovRadioInput(),
        choices=[],
        validators=[InputRequired(message="Select the criterion")],
    )


class ContradictionChallengeForm(ChallengeForm):
    """The self-assessment challenge form, for one criterion of the theme a contradiction line is about."""

    question_key = _criterion_field()
    submit = SubmitField("Save challenge", widget=GovSubmitInput())


class ContradictionActionForm(ActionForm):
    """The findings action form, raised on one criterion of the theme a contradiction line is about."""

    question_key = _criterion_field()
