"""Forms for an organisation's practitioner survey: creating one-time response codes, and closing the survey."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from app.selfassessment.survey_services import MAX_CODES


class ResponseCodesForm(FlaskForm):
    count = IntegerField(
        "How many codes do you need?",
        widget=GovTextInput(),
        description="One for each member of staff or volunteer you will ask to answer. You can create more later.",
        validators=[
            InputRequired("Enter how many codes you need"),
            NumberRange(min=1, max=MAX_CODES, message=f"Enter a number of codes between 1 and {MAX_CODES}"),
        ],
    )


class CloseSurveyForm(FlaskForm):
    """Only its CSRF token: the confirmation page's button."""
