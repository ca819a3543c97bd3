from __future__ import annotations

from flask_wtf import FlaskForm
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
from wtforms import BooleanField, FileField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.actions.models import ActionPriority, ActionStatus
from app.actions.priorities import NAME_MAX
from app.actions.services import NOTE_MAX
from app.actions.verification import LINK_MAX, REASON_MAX
from app.forms_common import choices
from app.uploads import ALLOWED_LABEL

STATUS_LABELS = {s.value: s.label for s in ActionStatus}
PRIORITY_LABELS = {p.value: p.label for p in ActionPriority}
# A progress update moves an action between these; completing and verifying have their own pages.
UPDATE_STATUSES = ("not_started", "in_progress", "cancelled")


class ActionUpdateForm(FlaskForm):
    note = TextAreaField(
        "Progress update",
        widget=GovCharacterCount(),
        description="What has happened since the last update, and what is still to do.",
        validators=[InputRequired(message="Enter a progress update"), Length(max=NOTE_MAX)],
    )
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=choices((v, STATUS_LABELS[v]) for v in UPDATE_STATUSES),
        validators=[InputRequired(message="Select the status")],
    )
    submit = SubmitField("Add update", widget=GovSubmitInput())


class TrackerFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    organisation = SelectField("Organisation", widget=GovSelect(), choices=[], validators=[Optional()])
    org_type = SelectField("Organisation type", widget=GovSelect(), choices=[], validators=[Optional()])
    status = SelectField(
        "Status",
        widget=GovSelect(),
        choices=choices([("", "Any status"), *STATUS_LABELS.items()]),
        validators=[Optional()],
    )
    source = SelectField("Source", widget=GovSelect(), choices=[], validators=[Optional()])
    priority = SelectField(
        "Priority",
        widget=GovSelect(),
        choices=choices([("", "Any priority"), *PRIORITY_LABELS.items()]),
        validators=[Optional()],
    )
    partnership_priority = SelectField("Partnership priority", widget=GovSelect(), choices=[], validators=[Optional()])
    overdue = BooleanField("Overdue only", widget=GovCheckboxInput(), validators=[Optional()])
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


class CompleteActionForm(FlaskForm):
    note = TextAreaField(
        "Completion note",
        widget=GovCharacterCount(),
        description="What was done, and how you know it made a difference.",
        validators=[InputRequired(message="Enter a completion note"), Length(max=NOTE_MAX)],
    )
    evidence_file = FileField(
        "Upload evidence (optional)",
        widget=GovFileInput(),
        description=f"A {ALLOWED_LABEL} file.",
        validators=[Optional()],
    )
    evidence_link = StringField(
        "Link to evidence (optional)",
        widget=GovTextInput(),
        description="A full https address, for example of a report or minutes on your organisation's site.",
        validators=[Optional(), Length(max=LINK_MAX)],
    )
    submit = SubmitField("Mark as complete", widget=GovSubmitInput())


class VerifyActionForm(FlaskForm):
    outcome = RadioField(
        "Is this action done?",
        widget=GovRadioInput(),
        choices=choices([("verified", "Yes, verified"), ("not_yet", "Not yet")]),
        validators=[InputRequired(message="Select whether the action is verified")],
    )
    reason = TextAreaField(
        "Comment",
        widget=GovCharacterCount(),
        description="Required for “Not yet”: what is still missing. The owner sees it.",
        validators=[Optional(), Length(max=REASON_MAX)],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class ActionPrioritiesForm(FlaskForm):
    priority = RadioField(
        "Priority",
        widget=GovRadioInput(),
        choices=choices(PRIORITY_LABELS.items()),
        default="medium",
        validators=[InputRequired(message="Select the action's priority")],
    )
    partnership_priorities = SelectMultipleField(
        "Partnership priorities",
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[Optional()],
        description="Select the partnership priorities this action serves, if any.",
    )
    submit = SubmitField("Save priorities", widget=GovSubmitInput())


class PartnershipPriorityForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the priority's name"), Length(max=NAME_MAX)],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
