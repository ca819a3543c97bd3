from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import BooleanField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.actions.models import ActionStatus
from app.actions.services import NOTE_MAX
from app.forms_common import choices

STATUS_LABELS = {s.value: s.label for s in ActionStatus}


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
        choices=choices(STATUS_LABELS.items()),
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
    overdue = BooleanField("Overdue only", widget=GovCheckboxInput(), validators=[Optional()])
    escalated = BooleanField("Escalated only", widget=GovCheckboxInput(), validators=[Optional()])
    submit = SubmitField("Apply filters", widget=GovSubmitInput())
