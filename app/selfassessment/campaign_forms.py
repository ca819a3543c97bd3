"""Forms for running a campaign: setting it up, the confirmation of an irreversible step, a new due date, one
organisation's extension, and a criterion re-rated once its actions are closed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from app.accounts.models import ORG_TYPE_LABELS, ORG_TYPES
from app.forms_common import GovDateField
from app.questionnaire import latest_version, versions_of_kind
from app.selfassessment.queries import RAG_LABELS
from app.selfassessment.services import cycle_problem


class CampaignForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a title for the campaign"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    instrument_version_id = RadioField(
        "Self-assessment instrument",
        widget=GovRadioInput(),
        coerce=int,
        validate_choice=False,
        validators=[InputRequired("Select the self-assessment instrument")],
    )
    survey_version_id = SelectField(
        "Practitioner survey",
        widget=GovSelect(),
        validate_choice=False,
        description="Practitioners answer it anonymously through a link each organisation shares with its staff.",
    )
    cycle = StringField(
        "Cycle",
        widget=GovTextInput(),
        description="Two consecutive years, like 2025-26",
        validators=[InputRequired("Enter the cycle, like 2025-26")],
    )
    due_date = GovDateField(
        "Returns due by",
        description="For example, 31 3 2026",
        subject="The due date",
        example="31 3 2026",
        required_message="Enter the date returns are due",
    )
    org_types = SelectMultipleField(
        "Organisation types invited",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(t, ORG_TYPE_LABELS[t]) for t in ORG_TYPES],
        description="Select every type that should complete a return. Every active organisation of the types you "
        "select gets one, including organisations added while the campaign is open.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument_version_id.choices = [SelectChoice(v.id, v.label) for v in versions_of_kind("self_assessment")]
        self.survey_version_id.choices = [SelectChoice("", "No practitioner survey")] + [
            SelectChoice(str(v.id), v.label) for v in versions_of_kind("survey")
        ]
        if not self.is_submitted():
            # Nothing pre-selected (GOV.UK): no organisation type ticked, and no instrument chosen unless there is
            # only one, which the page then shows as fixed text.
            if self.single_instrument is not None:
                self.instrument_version_id.data = self.single_instrument.value
            survey = latest_version("practitioner-survey")
            if survey is not None:
                self.survey_version_id.data = str(survey.id)

    def validate_cycle(self, field):
        problem = cycle_problem((field.data or "").strip())
        if problem:
            raise ValidationError(problem)

    def validate_org_types(self, field):
        if not field.data or any(t not in ORG_TYPES for t in field.data):
            raise ValidationError("Select at least one type of organisation to invite")

    def validate_instrument_version_id(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Select the self-assessment instrument")

    def validate_survey_version_id(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Select a practitioner survey, or no survey")

    @property
    def single_instrument(self) -> SelectChoice | None:
        """The only self-assessment instrument there is to choose, or None when there are several (or none)."""
        choices = self.instrument_version_id.choices
        return choices[0] if len(choices) == 1 else None

    @property
    def survey_id(self) -> int | None:
        return int(self.survey_version_id.data) if self.survey_version_id.data else None


class ConfirmForm(FlaskForm):
    """Posted only by a confirmation page's button: a post without it (a stale button, a script) changes nothing."""

    confirm = HiddenField(default="yes", validators=[InputRequired(), AnyOf(["yes"])])


class DueDateForm(FlaskForm):
    due_date = GovDateField(
        "New due date",
        description="For example, 30 4 2026. Organisations with a later extension keep it.",
        subject="The due date",
        example="30 4 2026",
        required_message="Enter the date returns are due",
    )


class ExtensionForm(FlaskForm):
    extended_to = GovDateField(
        "New due date for this organisation",
        description="After the campaign’s due date. For example, 30 4 2026",
        subject="The new due date",
        example="30 4 2026",
        required_message="Enter the new date the return is due",
    )
    reason = TextAreaField(
        "Reason for the extension",
        widget=GovCharacterCount(),
        description="Kept with the return and in the activity log.",
        validators=[
            InputRequired("Enter the reason for the extension"),
            Length(max=1000, message="The reason must be 1000 characters or fewer"),
        ],
    )


class RerateForm(FlaskForm):
    rag = RadioField(
        "Current rating",
        widget=GovRadioInput(),
        choices=[SelectChoice(rag, label) for rag, label in RAG_LABELS.items()],
        validators=[InputRequired("Select the current rating")],
    )
    reason = TextAreaField(
        "What has changed since the return was submitted",
        widget=GovCharacterCount(),
        description="For example, what the completed actions achieved and the evidence for it.",
        validators=[
            InputRequired("Enter what has changed since the return was submitted"),
            Length(max=2000, message="What has changed must be 2000 characters or fewer"),
        ],
    )
