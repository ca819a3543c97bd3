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
from app.actions.priorities import NAME_MAX, active_priorities
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
    escalated = BooleanField("Escalated only", widget=GovCheckboxInput(), validators=[Optional()])
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


def with_priority_fields(form_class):
    """Class decorator: an action's priority and partnership priorities, added after the form's own fields (so they
    come last in its error summary). Every form that creates or edits actions has them (render them with
    templates/actions/_priority_fields.html, offer the choices with `offer_partnership_priorities`) and passes both
    to app.actions.services."""
    form_class.priority = RadioField(
        "Priority",
        widget=GovRadioInput(),
        choices=choices(PRIORITY_LABELS.items()),
        default="medium",
        description="Medium unless you choose another.",
        validate_choice=False,  # none posted means medium; app.actions.services refuses an unknown one
        validators=[Optional()],
    )
    form_class.partnership_priorities = SelectMultipleField(
        "Partnership priorities",
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[Optional()],
        description="Select the partnership priorities this action serves, if any.",
    )
    form_class.offer_partnership_priorities = _offer_partnership_priorities
    return form_class


def _offer_partnership_priorities(form, tagged=()) -> None:
    """Offer the priorities in use, and any retired ones the action is already tagged with."""
    offered = {p.id: p for p in active_priorities()}
    offered.update({p.id: p for p in tagged})
    form.partnership_priorities.choices = choices(
        (p.id, p.name + (" (retired)" if p.retired else "")) for p in sorted(offered.values(), key=lambda p: p.name)
    )


@with_priority_fields
class ActionPrioritiesForm(FlaskForm):
    submit = SubmitField("Save priorities", widget=GovSubmitInput())


class PartnershipPriorityForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the priority's name"), Length(max=NAME_MAX)],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


def priority_params(prefix: str, priority: str, tags, offered) -> dict:
    """GOV.UK radios and checkboxes parameters for a new action's priority and partnership priorities, for pages
    that build their fields by hand (a self-assessment standard): fields `<prefix>priority` and `<prefix>tags`.
    `offered`: the partnership priorities to offer (tags: None when there are none)."""
    params = {
        "priority": {
            "name": prefix + "priority",
            "idPrefix": prefix + "priority",
            "classes": "govuk-radios--inline govuk-radios--small",
            "fieldset": {"legend": {"text": "Priority", "classes": "govuk-fieldset__legend--s"}},
            "items": [
                {"value": value, "text": label, "checked": priority == value}
                for value, label in PRIORITY_LABELS.items()
            ],
        },
        "tags": None,
    }
    if offered:
        params["tags"] = {
            "name": prefix + "tags",
            "idPrefix": prefix + "tags",
            "classes": "govuk-checkboxes--small",
            "fieldset": {"legend": {"text": "Partnership priorities", "classes": "govuk-fieldset__legend--s"}},
            "items": [{"value": str(p.id), "text": p.name, "checked": str(p.id) in tags} for p in offered],
        }
    return params
