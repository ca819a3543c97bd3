from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovCheckboxInput, GovPasswordInput, GovTextInput
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.actions.forms import with_priority_fields
from app.forms_common import GovDateField
from app.statements.services import FIRST_NAME_MAX, OWNER_MAX, REASON_MAX, REASONS_MAX, RISK_TEXT_MAX, ROLE_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _long_text(label: str, message: str | None, *, hint: str = "", max_length: int = RISK_TEXT_MAX):
    validators = [DataRequired(message=message)] if message else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"))
    return TextAreaField(label, validators=validators, description=hint, widget=GovCharacterCount(), filters=[_strip])


@with_priority_fields
class RiskForm(FlaskForm):
    description = _long_text(
        "Describe the risk of harm",
        "Describe the risk of harm to children",
        hint="A risk of abuse or harm to a child while they are in your care or using your services, for example "
        "“one-to-one coaching sessions”. Health and safety risks belong in your health and safety assessment.",
    )
    where_when = _long_text(
        "Where or when could it arise?",
        "Enter where or when the risk could arise",
        hint="For example, “changing rooms before and after swimming sessions”.",
    )
    measures_in_place = _long_text(
        "What measures are in place to reduce it?",
        "Enter the measures in place",
        hint="The policies, procedures and practices that reduce the risk now.",
    )
    further_action = _long_text(
        "What further action is needed? (optional)",
        None,
        hint="Each further action is added to your action plan and tracked until it is complete.",
    )
    owner = StringField(
        "Who owns this risk?",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(message="Enter who owns this risk"),
            Length(max=OWNER_MAX, message=f"Owner must be {OWNER_MAX} characters or fewer"),
        ],
        description="A name or job title, for example “Designated safeguarding lead”.",
    )
    review_date = GovDateField(
        "Review date",
        required_message="Enter the date this risk will next be reviewed",
        example="27 3 2027",
        description="When this risk will next be reviewed, and any further action is due. For example, 27 3 2027",
    )


class NoRisksForm(FlaskForm):
    justification = _long_text(
        "Why were no risks of harm identified?",
        "Explain why no risks of harm to children were identified",
        hint="Explain how you assessed the risk of harm to children in your care, and why none arise, for example "
        "because children never use your premises or services unaccompanied.",
    )


class MaterialChangeForm(FlaskForm):
    reason = _long_text(
        "What has changed?",
        "Describe the material change",
        max_length=REASON_MAX,
        hint="For example, a new service for children, new premises, a change of leadership, or a serious "
        "incident. Your statement will be marked as needing review and a new draft opened.",
    )


class SignForm(FlaskForm):
    password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
        description="Enter the password you use to sign in, to confirm it is you signing.",
    )
    content_hash = HiddenField()


class ConfirmForm(FlaskForm):
    """A POST button: only the CSRF token."""


class SendBackForm(FlaskForm):
    reasons = _long_text(
        "What needs to change?",
        "Say what needs to change before the statement can be approved",
        max_length=REASONS_MAX,
        hint="The organisation’s lead sees this on their statement, changes the text and sends it to you again.",
    )


class ReadForm(FlaskForm):
    """Confirming a statement has been read: nothing identifying, the name and role optional."""

    first_name = StringField(
        "Your first name (optional)",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Length(max=FIRST_NAME_MAX, message=f"First name must be {FIRST_NAME_MAX} characters or fewer")],
    )
    role = StringField(
        "Your role (optional)",
        widget=GovTextInput(),
        filters=[_strip],
        description="For example, “volunteer coach” or “teaching assistant”.",
        validators=[Length(max=ROLE_MAX, message=f"Role must be {ROLE_MAX} characters or fewer")],
    )
    confirmed = BooleanField(
        "I have read this Child Safeguarding Statement",
        widget=GovCheckboxInput(),
        validators=[InputRequired(message="Confirm that you have read the statement")],
    )
