from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.accounts.models import ORG_TYPE_LABELS
from app.briefings.models import BRIEFING_SECTIONS
from app.briefings.services import SECTION_MAX, TITLE_MAX
from app.forms_common import choices


class StartForm(FlaskForm):
    round_id = SelectField(
        "Which audit round is the briefing about?",
        widget=GovSelect(),
        choices=[],
        validators=[InputRequired(message="Select the audit round")],
    )
    submit = SubmitField("Draft the briefing", widget=GovSubmitInput())

    def set_rounds(self, rounds) -> None:
        self.round_id.choices = choices([("", "Select a round")] + [(r.id, r.title) for r in rounds])


class BriefingForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter a title"), Length(max=TITLE_MAX)],
    )
    looked_at = TextAreaField(widget=GovCharacterCount(), validators=[Optional(), Length(max=SECTION_MAX)])
    found = TextAreaField(widget=GovCharacterCount(), validators=[Optional(), Length(max=SECTION_MAX)])
    good_looks_like = TextAreaField(widget=GovCharacterCount(), validators=[Optional(), Length(max=SECTION_MAX)])
    do_differently = TextAreaField(widget=GovCharacterCount(), validators=[Optional(), Length(max=SECTION_MAX)])
    get_help = TextAreaField(widget=GovCharacterCount(), validators=[Optional(), Length(max=SECTION_MAX)])
    lock_version = HiddenField()
    submit = SubmitField("Save and preview", widget=GovSubmitInput())

    def section_fields(self):
        """(field, heading) of each section, in reading order."""
        return [(self[key], heading) for key, heading in BRIEFING_SECTIONS]

    def sections(self) -> dict[str, str]:
        return {key: self[key].data for key, _ in BRIEFING_SECTIONS}


class PublishForm(FlaskForm):
    lock_version = HiddenField()
    submit = SubmitField("Publish the briefing", widget=GovSubmitInput())


ALL, CHOSEN = "all", "chosen"


class SendForm(FlaskForm):
    audience = RadioField(
        "Who should it be sent to?",
        widget=GovRadioInput(),
        choices=choices(
            [(ALL, "The leads of every organisation"), (CHOSEN, "The leads of organisations of chosen types")]
        ),
        validators=[InputRequired(message="Select who to send it to")],
    )
    org_types = SelectMultipleField(
        "Types of organisation",
        widget=GovCheckboxesInput(),
        choices=choices(ORG_TYPE_LABELS.items()),
        validators=[Optional()],
    )
    submit = SubmitField("Send the briefing", widget=GovSubmitInput())

    def chosen_types(self) -> list[str] | None:
        """None for every organisation, else the types ticked."""
        return None if self.audience.data == ALL else list(self.org_types.data or [])


class ConfirmCascadeForm(FlaskForm):
    submit = SubmitField("We have cascaded this to our staff", widget=GovSubmitInput())
