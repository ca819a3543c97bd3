from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

from app.accounts.models import ORG_TYPE_LABELS, ROLE_LABELS, SIGNATORY_CAPACITIES
from app.accounts.signatories import rule_choices
from app.tabular import TABLE_EXTENSIONS, WRONG_TYPE_MESSAGE


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address", widget=GovTextInput(), validators=[InputRequired(message="Enter your email address")]
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class OrganisationForm(FlaskForm):
    name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the organisation name"), Length(max=200)],
    )
    slug = StringField(
        "Short name",
        widget=GovTextInput(),
        description="Lowercase letters, numbers and hyphens, like oakfield-school. It is used in the web address of "
        "the organisation’s public Child Safeguarding Statement.",
        validators=[InputRequired(message="Enter a short name"), Length(max=100)],
    )
    # The service names an unknown type in its message, clearer than WTForms' "Not a valid choice".
    org_type = SelectField(
        "Type of organisation",
        widget=GovSelect(),
        validate_choice=False,
        choices=choices([("", "Select a type"), *ORG_TYPE_LABELS.items()]),
        validators=[InputRequired(message="Select the type of organisation")],
    )
    areas = TextAreaField(
        "Areas",
        widget=GovTextArea(),
        description="The areas the partnership reports by, one per line or separated by commas, like North, South.",
    )
    # The service names an unknown rule in its message.
    signatory_rule = SelectField(
        "Who signs its Child Safeguarding Statement",
        widget=GovSelect(),
        validate_choice=False,
        choices=choices(rule_choices()),
        description="Usually the rule for its type of organisation. Choose another where that does not fit: for "
        "example, a charity that is also a faith organisation or out-of-school setting, or an academy trust "
        "(chief executive and chair of trustees).",
    )
    active = BooleanField("This organisation is active", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save organisation", widget=GovSubmitInput())


class UserForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter an email address"), Length(max=254)],
    )
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the person’s full name"), Length(max=200)],
    )
    organisation = SelectField(
        "Organisation",
        widget=GovSelect(),
        choices=[],
        description="Leave as “Partnership staff” for administrators and the QA sub-group.",
    )
    roles = SelectMultipleField(
        "Roles",
        widget=GovCheckboxesInput(),
        choices=choices(ROLE_LABELS.items()),
        description="Select all that apply.",
        validators=[InputRequired(message="Select at least one role")],
    )
    signatory_capacity = SelectField(
        "Signs statements as",
        widget=GovSelect(),
        choices=choices([("", "Select a capacity"), *SIGNATORY_CAPACITIES.items()]),
    )
    submit = SubmitField("Save user", widget=GovSubmitInput())

    def set_organisations(self, organisations) -> None:
        self.organisation.choices = choices(
            [("", "Partnership staff (no organisation)")]
            + [(str(org.id), org.name if org.active else f"{org.name} (deactivated)") for org in organisations]
        )


class ConfirmForm(FlaskForm):
    """A POST-only confirmation (deactivate, reactivate, resend): the CSRF token is its only field."""


class ImportForm(FlaskForm):
    kind = RadioField(
        "What are you importing?",
        widget=GovRadioInput(),
        description="Use one file for organisations and another for users.",
        choices=choices([("organisations", "Organisations"), ("users", "Users")]),
        validators=[InputRequired(message="Select organisations or users")],
    )
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A CSV or Excel (.xlsx) file with a heading row.",
        validators=[
            FileRequired(message="Select a CSV or Excel file"),
            FileAllowed(TABLE_EXTENSIONS, WRONG_TYPE_MESSAGE),
        ],
    )
    submit = SubmitField("Check and import", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254)],
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. A few unrelated words together work well.",
        validators=[InputRequired(message="Enter a new password")],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your current password")]
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


def settings_form(specs, values: dict, formdata=None) -> FlaskForm:
    """A form with one field per declared partnership setting (app.accounts.settings), filled with `values`."""

    class SettingsForm(FlaskForm):
        submit = SubmitField("Save settings", widget=GovSubmitInput())

    data = {}
    for spec in specs:
        value = values[spec.key]
        if spec.kind == "bool":
            field = RadioField(
                spec.label,
                description=spec.hint,
                choices=choices([("yes", "Yes"), ("no", "No")]),
                validators=[InputRequired(message=f"Select yes or no for ‘{spec.label}’")],
                widget=GovRadioInput(),
            )
            data[spec.key] = "yes" if value else "no"
        elif spec.kind == "emails":
            field = TextAreaField(
                spec.label, description=spec.hint + " One email address per line.", widget=GovTextArea()
            )
            data[spec.key] = "\n".join(value)
        elif spec.kind == "text":
            field = TextAreaField(spec.label, description=spec.hint, widget=GovTextArea())
            data[spec.key] = value
        else:
            field = StringField(spec.label, description=spec.hint, widget=GovTextInput())
            data[spec.key] = str(value)
        setattr(SettingsForm, spec.key, field)
    return SettingsForm(formdata=formdata, data=data) if formdata is not None else SettingsForm(data=data)
