"""Forms for running a campaign through its year: the confirmation of an irreversible step, a new due date, one
organisation's extension, and a criterion re-rated once its actions are closed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length

from app.forms_common import GovDateField
from app.selfassessment.queries import RAG_LABELS


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
