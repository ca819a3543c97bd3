"""Forms for running rounds. Scoring forms are built per section by the questionnaire engine."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.audits.models import AGE_BANDS, ETHNICITIES, GENDERS, AuditorMode
from app.audits.services import AREA_MAX, REASON_MAX, REFERENCE_MAX, TITLE_MAX
from app.forms_common import GovDateField


class RoundForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="For example, Strategy discussions – spring 2026",
        validators=[
            InputRequired(message="Enter a title"),
            Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer"),
        ],
    )
    instrument_version_id = RadioField(
        "Audit criteria",
        coerce=int,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the audit criteria")],
    )
    area = StringField(
        "Area (optional)",
        widget=GovTextInput(),
        description="Leave blank if the round covers the whole partnership",
        validators=[Length(max=AREA_MAX, message=f"Area must be {AREA_MAX} characters or fewer")],
    )
    period_start = GovDateField(
        "Start of the audit period",
        required_message="Enter the start of the audit period",
        description="The cases sampled were open during this period. For example, 1 3 2026",
    )
    period_end = GovDateField("End of the audit period", required_message="Enter the end of the audit period")
    due_date = GovDateField(
        "Due date", required_message="Enter the due date", description="Agencies must submit their audits by this date"
    )
    auditor_mode = RadioField(
        "Who audits the cases",
        widget=GovRadioInput(),
        choices=[SelectChoice(m.value, m.label) for m in AuditorMode],
        default=AuditorMode.self_audit.value,
        validators=[InputRequired(message="Select who audits the cases")],
    )
    organisation_ids = SelectMultipleField(
        "Participating organisations",
        coerce=int,
        widget=GovCheckboxesInput(),
        description="Each case is audited by every organisation selected, unless you change it for a case",
        validators=[InputRequired(message="Select at least one participating organisation")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def limit_to_details(self) -> None:
        """Once a round is open its criteria, agencies and auditor mode are fixed."""
        for name in ("instrument_version_id", "auditor_mode", "organisation_ids"):
            delattr(self, name)


def _choices(vocabulary: dict[str, str]) -> list[tuple[str, str]]:
    return [SelectChoice("", "Not given")] + [SelectChoice(code, label) for code, label in vocabulary.items()]


class CaseForm(FlaskForm):
    reference = StringField(
        "Case reference",
        widget=GovTextInput(),
        description="The pseudonymised reference, for example CR-000123. Never a child’s name.",
        validators=[
            InputRequired(message="Enter the case reference"),
            Length(max=REFERENCE_MAX, message=f"Case reference must be {REFERENCE_MAX} characters or fewer"),
        ],
    )
    age_band = SelectField(
        "Age band (optional)", choices=_choices(AGE_BANDS), widget=GovSelect(), validate_choice=False
    )
    gender = SelectField("Gender (optional)", choices=_choices(GENDERS), widget=GovSelect(), validate_choice=False)
    ethnicity = SelectField(
        "Ethnicity group (optional)",
        choices=_choices(ETHNICITIES),
        widget=GovSelect(),
        validate_choice=False,
        description="ONS 2021 census high-level groups",
    )
    area = StringField(
        "Area (optional)",
        widget=GovTextInput(),
        validators=[Length(max=AREA_MAX, message=f"Area must be {AREA_MAX} characters or fewer")],
    )
    submit = SubmitField("Add case", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A .csv or .xlsx file with one case per row",
        validators=[FileRequired(message="Select a .csv or .xlsx file")],
    )
    submit = SubmitField("Import cases", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    confirm = BooleanField("I understand", widget=GovCheckboxInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReturnForm(FlaskForm):
    reason = TextAreaField(
        "Why are you returning this audit?",
        widget=GovCharacterCount(),
        description="The agency’s auditors will see this. Do not include names.",
        validators=[
            InputRequired(message="Enter the reason for returning the audit"),
            Length(max=REASON_MAX, message=f"The reason must be {REASON_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Return audit", widget=GovSubmitInput())


class EmptyForm(FlaskForm):
    """CSRF only: for buttons that post with nothing to fill in."""


class PreviousCaseForm(FlaskForm):
    """Link a case to the same child's case in an earlier round (a longitudinal audit)."""

    reference = StringField(
        "Case reference in the earlier round",
        widget=GovTextInput(),
        description=(
            "The same child's pseudonymised reference in an earlier round, for example CR-000123. "
            "The latest round that started before this one and holds that reference is used."
        ),
        validators=[
            InputRequired(message="Enter the case reference in the earlier round"),
            Length(max=REFERENCE_MAX, message=f"Case reference must be {REFERENCE_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Link the earlier case", widget=GovSubmitInput())
