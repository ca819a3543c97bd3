"""Forms of the instrument studio. Each editing form posts the draft's lock_version beside its fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.accounts.models import ORG_TYPE_LABELS
from app.questionnaire.definition import COMMENT_RULES, EVIDENCE_RULES, KINDS, ORG_TYPE_CODES
from app.studio.question_types import question_type_labels, settings_for

KIND_LABELS = {
    "case_audit": "Case audit",
    "self_assessment": "Self-assessment",
    "survey": "Practitioner survey",
    "statement": "Safeguarding statement",
}
COMMENT_LABELS = {
    "none": "No comment box",
    "optional": "Optional comment",
    "required": "Comment required",
    "required_unless_met": "Comment required unless the answer meets the standard",
}
EVIDENCE_LABELS = {"none": "No evidence box", "optional": "Optional evidence", "required": "Evidence required"}
RAG_LABELS = {"": "No colour", "green": "Green", "amber": "Amber", "red": "Red"}
MEETS_LABELS = {"": "Not scored against the standard", "yes": "Meets the standard", "no": "Does not meet the standard"}
ORG_TYPE_CHOICES = [SelectChoice(code, ORG_TYPE_LABELS.get(code, code)) for code in ORG_TYPE_CODES]


def _key_field(label: str, hint: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        validators=[
            InputRequired(message=f"Enter the {label.lower()}"),
            Length(max=100, message=f"{label} must be 100 characters or fewer"),
        ],
    )


def _title_field(label: str = "Title") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[
            InputRequired(message=f"Enter the {label.lower()}"),
            Length(max=300, message=f"{label} must be 300 characters or fewer"),
        ],
    )


class StartForm(FlaskForm):
    title = _title_field()
    key = _key_field(
        "Key",
        "Lower-case letters and digits separated by hyphens, for example missing-episodes. "
        "It never changes once published.",
    )
    kind = RadioField(
        "Kind of instrument",
        widget=GovRadioInput(),
        choices=[SelectChoice(k, KIND_LABELS[k]) for k in KINDS],
        validators=[InputRequired(message="Select the kind of instrument")],
    )
    submit = SubmitField("Create draft", widget=GovSubmitInput())


class CopyForm(FlaskForm):
    title = _title_field()
    key = _key_field("Key", "Lower-case letters and digits separated by hyphens, for example missing-episodes-short")
    submit = SubmitField("Create draft", widget=GovSubmitInput())


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="An instrument file (.yaml) or an authoring workbook (.xlsx)",
        validators=[FileRequired(message="Select a .yaml or .xlsx file")],
    )
    submit = SubmitField("Upload and create draft", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Continue", widget=GovSubmitInput())


class DetailsForm(FlaskForm):
    title = _title_field()
    kind = RadioField(
        "Kind of instrument",
        widget=GovRadioInput(),
        choices=[SelectChoice(k, KIND_LABELS[k]) for k in KINDS],
        validators=[InputRequired(message="Select the kind of instrument")],
    )
    summary = TextAreaField(
        "Summary (optional)",
        widget=GovTextArea(),
        description="Shown to respondents before they start",
        validators=[Length(max=20000, message="Summary must be 20000 characters or fewer")],
    )
    source = TextAreaField(
        "Source (optional)",
        widget=GovTextArea(),
        description="Where the criteria come from, for example the report and paragraph",
        validators=[Length(max=20000, message="Source must be 20000 characters or fewer")],
    )
    applies_to = SelectMultipleField(
        "Organisation types it applies to",
        widget=GovCheckboxesInput(),
        choices=ORG_TYPE_CHOICES,
        description="Leave every box clear if it applies to every type of organisation",
    )
    review_months = IntegerField(
        "Review at least every (months)",
        widget=GovTextInput(),
        description="Statements only",
        validators=[Optional(), NumberRange(min=1, max=120, message="Enter a number of months from 1 to 120")],
    )
    partial_counts_as = RadioField(
        "How a “partly” answer counts",
        widget=GovRadioInput(),
        default="0",
        choices=[
            SelectChoice("0", "As not meeting the standard"),
            SelectChoice("0.5", "As half of an answer that meets the standard"),
        ],
        description="For answers marked “counts as partly meeting the standard”",
    )
    signatories = TextAreaField(
        "Who signs",
        widget=GovTextArea(),
        description="Statements and self-assessments (who signs off a return). One line per organisation type, then who signs, for "
        "example “school: headteacher, chair_of_governors”, and a line for "
        "everyone else: “default: chief_executive”",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def signatories_mapping(self) -> dict[str, list[str]] | None:
        """The signatories written one line per organisation type; a malformed line is an error on the field."""
        mapping: dict[str, list[str]] = {}
        for line in (self.signatories.data or "").splitlines():
            if not line.strip():
                continue
            if ":" not in line:
                self.signatories.errors = list(self.signatories.errors or []) + [
                    "Write each line as an organisation type, a colon, then who signs, separated by commas"
                ]
                return None
            org_type, people = line.split(":", 1)
            mapping[org_type.strip()] = [p.strip() for p in people.split(",") if p.strip()]
        return mapping or None

    @staticmethod
    def signatories_text(mapping: dict | None) -> str:
        return "\n".join(f"{k}: {', '.join(v)}" for k, v in (mapping or {}).items())


class SectionForm(FlaskForm):
    title = _title_field()
    key = _key_field("Key", "Letters, digits, underscores and hyphens, for example convening")
    description = TextAreaField(
        "Guidance (optional)",
        widget=GovTextArea(),
        description="Plain text shown under the section title",
        validators=[Length(max=20000, message="Guidance must be 20000 characters or fewer")],
    )
    applies_to = SelectMultipleField(
        "Organisation types this section is for",
        widget=GovCheckboxesInput(),
        choices=ORG_TYPE_CHOICES,
        description="Leave every box clear if every organisation answers this section",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class QuestionTypeForm(FlaskForm):
    type = RadioField(
        "What kind of answer does it take?",
        widget=GovRadioInput(),
        choices=[],
        validators=[InputRequired(message="Select the kind of answer")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = [SelectChoice(k, v) for k, v in question_type_labels().items()]


class QuestionForm(FlaskForm):
    text = TextAreaField(
        "Question",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the question"),
            Length(max=20000, message="Question must be 20000 characters or fewer"),
        ],
    )
    key = _key_field(
        "Key",
        "Letters, digits, underscores and hyphens, for example timely. Findings and trends "
        "follow a question by its key.",
    )
    hint = TextAreaField(
        "Hint (optional)",
        widget=GovTextArea(),
        validators=[Length(max=20000, message="Hint must be 20000 characters or fewer")],
    )
    scale = SelectField(
        "Scale",
        widget=GovSelect(),
        validate_choice=False,
        description="Its answers. Add or change scales on the draft page.",
    )
    required = BooleanField("An answer is required", widget=GovCheckboxInput())
    themes = SelectMultipleField(
        "Themes",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        description="Findings group answers by these themes",
    )
    comment = RadioField(
        "Comment box",
        widget=GovRadioInput(),
        default="none",
        choices=[SelectChoice(k, COMMENT_LABELS[k]) for k in COMMENT_RULES],
    )
    evidence = RadioField(
        "Evidence box",
        widget=GovRadioInput(),
        default="none",
        choices=[SelectChoice(k, EVIDENCE_LABELS[k]) for k in EVIDENCE_RULES],
    )
    show_if_question = SelectField(
        "Show this question only if an earlier question was answered", widget=GovSelect(), validate_choice=False
    )
    show_if_values = SelectMultipleField(
        "with one of these answers", widget=GovCheckboxesInput(), validate_choice=False
    )
    overall = BooleanField("This is the overall judgement", widget=GovCheckboxInput())
    about = RadioField(
        "What the question is about",
        widget=GovRadioInput(),
        default="case",
        choices=[
            SelectChoice("agency", "About the auditing agency’s own work"),
            SelectChoice("case", "About the case as a whole"),
        ],
        description="Each agency’s answer about its own work stands; answers about the case are "
        "moderated into one agreed answer and compared between agencies.",
    )
    max_length = IntegerField(
        "Maximum length in characters (optional)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, max=100000, message="Maximum length must be between 1 and 100000")],
    )
    min = FloatField("Smallest number allowed (optional)", widget=GovTextInput(), validators=[Optional()])
    max = FloatField("Largest number allowed (optional)", widget=GovTextInput(), validators=[Optional()])
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    OPTIONAL_FIELDS = ("scale", "comment", "overall", "about", "max_length", "min", "max")

    def limit_to(self, qtype: str) -> None:
        """Keep only the settings a question of this type can have."""
        keep = settings_for(qtype)
        for name in self.OPTIONAL_FIELDS:
            if name not in keep:
                delattr(self, name)

    def values(self) -> dict:
        data = {name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "submit")}
        for name in ("min", "max"):
            value = data.get(name)
            if isinstance(value, float) and value.is_integer():
                data[name] = int(value)
        for name in ("text", "hint", "key"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        return data


class ScaleForm(FlaskForm):
    name = _key_field("Name", "Letters, digits, underscores and hyphens, for example practice-standards")
    submit = SubmitField("Add scale", widget=GovSubmitInput())


class OptionForm(FlaskForm):
    label = StringField(
        "Label",
        widget=GovTextInput(),
        description="What respondents see, for example Partly",
        validators=[
            InputRequired(message="Enter the label"),
            Length(max=500, message="Label must be 500 characters or fewer"),
        ],
    )
    value = StringField(
        "Value",
        widget=GovTextInput(),
        description="Stored with each answer and used in show_if rules, for example partly",
        validators=[
            InputRequired(message="Enter the value"),
            Length(max=100, message="Value must be 100 characters or fewer"),
        ],
    )
    score = IntegerField(
        "Score (optional)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=-1000, max=1000, message="Score must be between -1000 and 1000")],
    )
    meets_standard = RadioField(
        "Against the standard",
        widget=GovRadioInput(),
        default="",
        choices=[SelectChoice(k, v) for k, v in MEETS_LABELS.items()],
    )
    rag = RadioField(
        "RAG colour", widget=GovRadioInput(), default="", choices=[SelectChoice(k, v) for k, v in RAG_LABELS.items()]
    )
    excluded = BooleanField("Not applicable: left out of scores", widget=GovCheckboxInput())
    needs_reason = BooleanField(
        "Needs a reason",
        widget=GovCheckboxInput(),
        description="Only for a “not applicable” answer: whoever chooses it must say why.",
    )
    partial = BooleanField(
        "Counts as partly meeting the standard",
        widget=GovCheckboxInput(),
        description="Only for an answer that does not meet the standard, for example “Partly”.",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def values(self) -> dict:
        return {
            "label": self.label.data.strip(),
            "value": self.value.data.strip(),
            "score": self.score.data,
            "meets_standard": {"yes": True, "no": False}.get(self.meets_standard.data),
            "rag": self.rag.data or None,
            "excluded": bool(self.excluded.data),
            "needs_reason": bool(self.needs_reason.data),
            "partial": bool(self.partial.data),
        }
