"""Forms for what the panel records: moderation meetings and live concerns."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.audits.panel_models import FamilyFeedback
from app.audits.services import REASON_MAX
from app.forms_common import GovDateField

NAME_MAX = 200


class MeetingForm(FlaskForm):
    held_on = GovDateField(
        "Date of the meeting", required_message="Enter the date of the meeting", subject="the date of the meeting"
    )
    panel = TextAreaField(
        "Who was on the panel",
        widget=GovCharacterCount(),
        description="Name and role of each panel member present, for example: A Khan, QA sub-group chair (police)",
        validators=[
            InputRequired(message="Enter who was on the panel"),
            Length(max=REASON_MAX, message=f"Who was on the panel must be {REASON_MAX} characters or fewer"),
        ],
    )
    practitioners = TextAreaField(
        "Practitioners who joined (optional)",
        widget=GovCharacterCount(),
        description="Their roles, not their names, for example: the allocated social worker, the school’s DSL",
        validators=[Length(max=REASON_MAX, message=f"Practitioners must be {REASON_MAX} characters or fewer")],
    )
    family_feedback = RadioField(
        "Was the family’s feedback sought?",
        widget=GovRadioInput(),
        choices=[SelectChoice(f.value, f.label) for f in FamilyFeedback],
        validators=[InputRequired(message="Select whether the family’s feedback was sought")],
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())


class ConcernForm(FlaskForm):
    description = TextAreaField(
        "What is the risk to the child now?",
        widget=GovCharacterCount(),
        description="Only what others need to act on it. Use the case reference: never the child’s or family’s names.",
        validators=[
            InputRequired(message="Enter what the risk to the child is"),
            Length(max=REASON_MAX, message=f"The risk must be {REASON_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Raise the concern", widget=GovSubmitInput())


class OutcomeForm(FlaskForm):
    owner = StringField(
        "Who owns the concern",
        widget=GovTextInput(),
        description="The person who makes sure it is acted on: name and role, for example: J Patel, MASH team manager",
        validators=[
            InputRequired(message="Enter who owns the concern"),
            Length(max=NAME_MAX, message=f"Who owns the concern must be {NAME_MAX} characters or fewer"),
        ],
    )
    escalated = RadioField(
        "Has the concern been escalated?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[Optional()],
        validate_choice=False,
    )
    escalated_to = StringField(
        "Escalated to (if escalated)",
        widget=GovTextInput(),
        description="For example: Children’s social care front door (MASH)",
        validators=[Length(max=NAME_MAX, message=f"Escalated to must be {NAME_MAX} characters or fewer")],
    )
    escalated_on = GovDateField("Date escalated (if escalated)", subject="the date the concern was escalated")
    outcome = TextAreaField(
        "Outcome",
        widget=GovCharacterCount(),
        description="What was done and where things stand. Needed before the concern can be closed.",
        validators=[Length(max=REASON_MAX, message=f"The outcome must be {REASON_MAX} characters or fewer")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
