"""Forms for QA's review of a return (a challenge, returning it to the organisation), signing it off (and
withdrawing it from sign-off), challenge events, and the organisation's reply to a challenge."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import FileField, HiddenField, PasswordField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.forms_common import GovDateField
from app.selfassessment.queries import RAG_LABELS
from app.uploads import ALLOWED_LABEL


class SignoffForm(FlaskForm):
    password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
        description="Enter the password you use to sign in, to confirm it is you signing off.",
    )
    lock_version = HiddenField()


class ConfirmForm(FlaskForm):
    """A POST button: only the CSRF token."""


class ChallengeEventForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a title for the challenge event"),
            Length(max=200, message="The title must be 200 characters or fewer"),
        ],
    )
    held_on = GovDateField(
        "Date of the event",
        description="For example, 27 3 2026",
        subject="The date of the event",
        example="27 3 2026",
        required_message="Enter the date of the challenge event",
    )
    panel = TextAreaField(
        "Panel members",
        widget=GovTextArea(),
        description="One a line: name and role, for example “Dr Sam Patel, designated doctor”.",
        validators=[
            InputRequired("Enter the panel members, one a line"),
            Length(max=4000, message="The panel must be 4000 characters or fewer"),
        ],
    )


class AddReturnsForm(FlaskForm):
    return_ids = SelectMultipleField(
        "Returns to review at this event",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        validators=[InputRequired("Select at least one return")],
    )


class ChallengeReplyForm(FlaskForm):
    kind = RadioField(
        "Do you agree with the challenge?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("agree", "Agree and change our rating"),
            SelectChoice("disagree", "Disagree, and give our reasons with evidence"),
        ],
        validators=[InputRequired("Select whether you agree with the challenge")],
    )
    reply_rag = RadioField(
        "The rating you now give",
        widget=GovRadioInput(),
        choices=[SelectChoice(rag, label) for rag, label in RAG_LABELS.items()],
        validators=[Optional()],
        validate_choice=False,
    )
    text = TextAreaField(
        "Your note or reasons",
        widget=GovCharacterCount(),
        description="If you agree, say what you will change. If you disagree, say why and what your evidence shows.",
        validators=[
            InputRequired("Enter your note or reasons"),
            Length(max=4000, message="Your note must be 4000 characters or fewer"),
        ],
    )
    link = StringField(
        "Link to your evidence (if you disagree)",
        widget=GovTextInput(),
        description="A web address starting with https://",
        validators=[Optional(), Length(max=500, message="The link must be 500 characters or fewer")],
    )
    evidence_file = FileField("Or upload your evidence (if you disagree)", description=ALLOWED_LABEL)


class ChallengeForm(FlaskForm):
    moderated_rag = RadioField(
        "Moderated rating",
        widget=GovRadioInput(),
        choices=[SelectChoice(rag, label) for rag, label in RAG_LABELS.items()],
        validators=[InputRequired("Select the moderated rating")],
    )
    comment = TextAreaField(
        "Reason for the challenge",
        widget=GovCharacterCount(),
        description="The organisation sees this. Say what evidence is missing or why the rating differs.",
        validators=[
            InputRequired("Enter the reason for the challenge"),
            Length(max=4000, message="The reason must be 4000 characters or fewer"),
        ],
    )


class ReturnToOrganisationForm(FlaskForm):
    reason = TextAreaField(
        "Reasons for returning it",
        widget=GovCharacterCount(),
        description="Tell the organisation what to change before it submits again.",
        validators=[
            InputRequired("Enter the reasons for returning it to the organisation"),
            Length(max=4000, message="The reasons must be 4000 characters or fewer"),
        ],
    )
