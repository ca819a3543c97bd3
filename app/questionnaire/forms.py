"""Build a WTForms form for one section of any instrument, and the GOV.UK markup parameters for it.

Fields are named by question key; a question's comment box is `<key>__comment` and its evidence
box `<key>__evidence`. The answer rules live in `answers.question_problems`, shared with the
submit-time check, and show_if is enforced here on the server: answers to hidden questions are
discarded and never block submission.
"""
from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value

from app.errors import NotFound
from app.questionnaire.answers import (
    answer_parts,
    format_number,
    is_blank,
    parse_iso_date,
    question_problems,
    visibility,
)
from app.questionnaire.definition import (
    CHOICE_TYPES,
    COMMENT_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    Instrument,
    Question,
    Section,
)

COMMENT_SUFFIX = "__comment"
EVIDENCE_SUFFIX = "__evidence"
DATE_PARTS = ("day", "month", "year")


def comment_field_name(key: str) -> str:
    return key + COMMENT_SUFFIX


def evidence_field_name(key: str) -> str:
    return key + EVIDENCE_SUFFIX


def _clean_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value or None


# ---------------------------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------------------------
class QuestionField:
    """Mixin: fields know their question, so messages and markup can use its text."""

    question: Question | None = None


class ChoiceAnswerField(QuestionField, RadioField):
    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, validate_choice=False, coerce=str, **kwargs)
        self.question = question

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0] if valuelist[0] != "" else None


class MultiChoiceAnswerField(QuestionField, SelectMultipleField):
    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, validate_choice=False, coerce=str, **kwargs)
        self.question = question

    def process_data(self, value):
        if isinstance(value, (list, tuple)):
            self.data = [str(v) for v in value]
        else:
            self.data = [] if value is None else [str(value)]


class TextAnswerField(QuestionField, StringField):
    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question


class LongTextAnswerField(QuestionField, TextAreaField):
    def __init__(self, *args, question: Question | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question


class NumberAnswerField(QuestionField, Field):
    """A number typed as text (GOV.UK advises against type=number); commas and spaces are allowed."""

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question

    def process_data(self, value):
        self.data = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = (valuelist[0] or "").strip().replace(",", "").replace(" ", "")
        if not text:
            self.data = None
            return
        self.data = None
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValueError(f"“{self.question.text}” must be a number, like 12 or 2.5")
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(f"“{self.question.text}” must be a number, like 12 or 2.5")
        self.data = int(number) if re.fullmatch(r"[+-]?\d+", text) else number

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_number(self.data) if self.data is not None else ""


class DateAnswerField(QuestionField, Field):
    """Three boxes, day, month and year, posted as `<key>-day`, `<key>-month` and `<key>-year`."""

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.parts: dict[str, str] = {}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default
        self.object_data = data
        self.process_data(data)
        if formdata is not None:
            parts = {p: (formdata.get(f"{self.name}-{p}") or "") for p in DATE_PARTS}
            same_name = formdata.getlist(self.name) if hasattr(formdata, "getlist") else []
            if not any(parts.values()) and len(same_name) == 3:
                parts = dict(zip(DATE_PARTS, same_name))
            self.raw_data = [parts[p] for p in DATE_PARTS]
            try:
                self.process_formdata(self.raw_data)
            except ValueError as e:
                self.process_errors.append(e.args[0])

    def process_data(self, value):
        parsed = parse_iso_date(value)
        self.data = parsed
        self.parts = ({"day": str(parsed.day), "month": str(parsed.month), "year": str(parsed.year)}
                      if parsed else {})

    def process_formdata(self, valuelist):
        day, month, year = (str(v).strip() for v in valuelist)
        self.parts = {"day": day, "month": month, "year": year}
        self.data = None
        if not (day or month or year):
            return
        name = f"“{self.question.text}”"
        missing = [p for p, v in self.parts.items() if not v]
        if missing:
            raise ValueError(f"{name} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValueError(f"{name} must be a real date, like 5 11 2021")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{name} must be a real date, like 5 11 2021") from None

    def _value(self):
        return self.data.isoformat() if self.data else ""


# ---------------------------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------------------------
class SectionForm(FlaskForm):
    """Base class of the forms built by `build_section_form`."""

    instrument: Instrument
    section: Section
    org_type: str | None
    read_only: bool
    stored_answers: dict

    def __setattr__(self, name, value):
        # WTForms sets each field as an attribute; a question keyed e.g. "data" or "errors" must not
        # hide the form's own attribute of that name. Such fields stay reachable as form[key].
        fields = self.__dict__.get("_fields")
        if fields is not None and name in fields and value is fields[name] and hasattr(type(self), name):
            return
        super().__setattr__(name, value)

    # -- answers -------------------------------------------------------------------------------
    def submitted_answers(self) -> dict[str, dict]:
        """This section's answers as entered (before show_if), in the shared storage format."""
        result = {}
        for question in self.section.questions:
            result[question.key] = {
                "value": self._field_value(question),
                "comment": _clean_text(self._extra(question, COMMENT_SUFFIX)),
                "evidence": _clean_text(self._extra(question, EVIDENCE_SUFFIX)),
            }
        return result

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        # Kept so show_if rules can see answers to other sections posted on the same page.
        self._page_formdata = self.meta.wrap_formdata(self, formdata)
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def merged_answers(self) -> dict[str, dict]:
        """Stored answers, overlaid with other sections' choices posted on this page, then this section's."""
        merged = dict(self.stored_answers)
        page = self.__dict__.get("_page_formdata")
        if page is not None and hasattr(page, "getlist"):
            for question in self.instrument.questions():
                if question.section_key == self.section.key or question.type not in CHOICE_TYPES:
                    continue
                if question.key in page:
                    values = [v for v in page.getlist(question.key) if v]
                    value = values if question.type == "multi_choice" else (values[0] if values else None)
                    merged[question.key] = {**(merged.get(question.key) or {}), "value": value}
        merged.update(self.submitted_answers())
        return merged

    def visibility(self) -> dict[str, bool]:
        return visibility(self.instrument, self.merged_answers(), self.org_type)

    def _field_value(self, question: Question) -> Any:
        data = self._fields[question.key].data
        if question.type == "multi_choice":
            values = [v for v in (data or []) if isinstance(v, str) and v]
            return list(dict.fromkeys(values)) or None
        if question.type in ("text", "long_text"):
            return _clean_text(data)
        if question.type == "date":
            return data.isoformat() if isinstance(data, date) else None
        if question.type == "number":
            return data
        return data if isinstance(data, str) and data else None

    def _extra(self, question: Question, suffix: str) -> Any:
        field = self._fields.get(question.key + suffix)
        return field.data if field is not None else None

    # -- validation ----------------------------------------------------------------------------
    def validate(self, extra_validators=None, *, partial: bool = False) -> bool:
        """Field formats, then the answer rules for every question show_if leaves visible.

        `partial=True` is for "Save and come back later": unanswered questions are allowed but a
        badly formed answer (an impossible date, too much text) is still refused.
        """
        super().validate(extra_validators)
        shown = self.visibility()
        submitted = self.submitted_answers()
        for question in self.section.questions:
            names = [question.key, question.key + COMMENT_SUFFIX, question.key + EVIDENCE_SUFFIX]
            fields = [self._fields[n] for n in names if n in self._fields]
            if not shown.get(question.key, False):
                for field in fields:
                    field.errors = []
                continue
            answer = submitted[question.key]
            value_field = self._fields[question.key]
            has_format_error = bool(value_field.errors)
            for field, message in question_problems(question, answer["value"], answer["comment"], answer["evidence"],
                                                    partial=partial, check_value=not has_format_error):
                target = self._fields.get(question.key + ("__" + field if field else ""))
                if target is None:  # a rule about a box this question does not have
                    target = value_field
                if message not in target.errors:
                    target.errors = list(target.errors) + [message]
        return not any(f.errors for f in self._fields.values()) and not self.form_errors

    # -- rendering -----------------------------------------------------------------------------
    def question_views(self) -> list[dict]:
        return question_views(self)


def build_section_form(instrument: Instrument, section_key: str, org_type: str | None = None, *,
                       data: dict | None = None, formdata=None, read_only: bool = False) -> SectionForm:
    """A FlaskForm for one section, pre-filled from the stored `data` (the answers dict).

    With `formdata=None` the form reads the request's POST data as FlaskForm does.
    """
    if not instrument.has_section(section_key):
        raise NotFound(f"Instrument {instrument.key} has no section {section_key}")
    section = instrument.section(section_key)
    if not section.applies(org_type):
        raise NotFound(f"Section {section_key} does not apply to {org_type}")
    stored = dict(data or {})

    unbound: list[tuple[str, Any]] = []
    prefill: dict[str, Any] = {}
    for question in section.questions:
        value, comment, evidence = answer_parts(stored, question.key)
        unbound.append((question.key, _unbound_field(question)))
        prefill[question.key] = value
        if question.has_comment:
            unbound.append((comment_field_name(question.key), LongTextAnswerField(label="Comment", question=question)))
            prefill[comment_field_name(question.key)] = comment
        if question.evidence != "none":
            unbound.append((evidence_field_name(question.key), LongTextAnswerField(label="Evidence", question=question)))
            prefill[evidence_field_name(question.key)] = evidence

    form_class = type("SectionForm_" + re.sub(r"\W", "_", section.key), (SectionForm,), {})
    form_class._unbound_fields = unbound
    form_class.instrument = instrument
    form_class.section = section
    form_class.org_type = org_type
    form_class.read_only = read_only
    form_class.stored_answers = stored

    kwargs: dict[str, Any] = {"data": prefill}
    if read_only:
        kwargs["formdata"] = None
        kwargs["meta"] = {"csrf": False}
    elif formdata is not None:
        kwargs["formdata"] = formdata
    return form_class(**kwargs)


def _unbound_field(question: Question):
    label = question.text
    description = question.hint or ""
    if question.type in ("scale", "choice"):
        return ChoiceAnswerField(label=label, description=description, question=question,
                                 choices=[SelectChoice(o.value, o.label) for o in question.options])
    if question.type == "multi_choice":
        return MultiChoiceAnswerField(label=label, description=description, question=question,
                                      choices=[SelectChoice(o.value, o.label) for o in question.options])
    if question.type == "long_text":
        return LongTextAnswerField(label=label, description=description, question=question)
    if question.type == "number":
        return NumberAnswerField(label=label, description=description, question=question)
    if question.type == "date":
        return DateAnswerField(label=label, description=description, question=question)
    return TextAnswerField(label=label, description=description, question=question)


def form_answers(instrument: Instrument, section_key: str, form: SectionForm) -> dict[str, dict]:
    """The section's cleaned answers to store: an entry for every question, hidden ones emptied."""
    section = instrument.section(section_key)
    shown = form.visibility()
    submitted = form.submitted_answers()
    result: dict[str, dict] = {}
    for question in section.questions:
        answer = submitted.get(question.key) or {}
        if not shown.get(question.key, False):
            result[question.key] = {"value": None, "comment": None, "evidence": None}
            continue
        value = answer.get("value")
        if question.type in ("scale", "choice") and question.option(value) is None:
            value = None
        elif question.type == "multi_choice" and value is not None:
            value = [v for v in value if question.option(v) is not None] or None
        result[question.key] = {
            "value": value,
            "comment": answer.get("comment") if question.has_comment else None,
            "evidence": answer.get("evidence") if question.evidence != "none" else None,
        }
    return result


# ---------------------------------------------------------------------------------------------
# Error summary and GOV.UK component parameters
# ---------------------------------------------------------------------------------------------
def field_anchor(form: SectionForm | Any, name: str) -> str:
    """The id an error summary link should point at: the first input of the field."""
    field = form._fields.get(name) if hasattr(form, "_fields") else None
    if isinstance(field, DateAnswerField):
        return f"{field.id}-day"
    return field.id if field is not None else name


def error_summary_items(form) -> list[dict]:
    """[{text, href}] for govukErrorSummary, in the order the fields appear on the page."""
    items: list[dict] = []
    for message in getattr(form, "form_errors", []) or []:
        items.append({"text": message, "href": "#main-content"})
    for name, field in form._fields.items():
        for message in field.errors or []:
            if isinstance(message, str):
                items.append({"text": message, "href": f"#{field_anchor(form, name)}"})
                break
    return items


def _first_error(form: SectionForm, name: str) -> dict | None:
    field = form._fields.get(name)
    if field is None or not field.errors:
        return None
    return {"text": field.errors[0]}


def _visually_hidden_label(text: str, question: Question) -> Markup:
    return Markup("{}<span class=\"govuk-visually-hidden\"> for “{}”</span>").format(text, question.text)


def question_views(form: SectionForm) -> list[dict]:
    """Everything `_fields.html` needs to render each question of the form's section."""
    shown = form.visibility()
    section = form.section
    views = []
    for question in section.questions:
        target = question.show_if.question if question.show_if else None
        same_section = target is not None and any(q.key == target for q in section.questions)
        field = form._fields[question.key]
        view = {
            "question": question,
            "key": question.key,
            "component": _component(question),
            "params": _params(form, question, field),
            # A rule within this section is left to show-if.js, so without JavaScript the question is
            # still there. A rule about another section is settled by the answers already given, so
            # the question starts hidden when they hide it (show-if.js can still reveal it when the
            # other section is on the same page).
            "hidden": (not form.read_only and target is not None and not same_section
                       and not shown.get(question.key, False)),
            "show_if": ({"question": target, "values": list(question.show_if.values)} if target else None),
            "comment": _comment_params(form, question),
            "evidence": _evidence_params(form, question),
        }
        views.append(view)
    return views


def _component(question: Question) -> str:
    return {
        "scale": "radios",
        "choice": "radios",
        "multi_choice": "checkboxes",
        "long_text": "character_count",
        "date": "date",
        "number": "input",
        "text": "input",
    }[question.type]


def _hint(question: Question) -> dict | None:
    return {"text": question.hint} if question.hint else None


def _params(form: SectionForm, question: Question, field) -> dict:
    error = _first_error(form, question.key)
    legend = {"text": question.text, "classes": "govuk-fieldset__legend--s"}
    label = {"text": question.text, "classes": "govuk-label--s"}
    params: dict[str, Any] = {"name": field.name, "hint": _hint(question)}
    if error:
        params["errorMessage"] = error
    if question.type in ("scale", "choice", "multi_choice"):
        if question.type == "multi_choice":
            selected = set(field.data or [])
        else:
            selected = {field.data} if field.data else set()
        main = [o for o in question.options if not o.excluded]
        excluded = [o for o in question.options if o.excluded]
        items: list[dict] = [{"value": o.value, "text": o.label, "checked": o.value in selected} for o in main]
        if main and excluded:
            items.append({"divider": "or"})
        for o in excluded:
            item = {"value": o.value, "text": o.label, "checked": o.value in selected}
            if question.type == "multi_choice":
                item["behaviour"] = "exclusive"
            items.append(item)
        params.update({"idPrefix": field.id, "fieldset": {"legend": legend}, "items": items})
    elif question.type == "date":
        params.pop("name")
        params.update({
            "id": field.id,
            "namePrefix": field.name,
            "fieldset": {"legend": legend},
            "items": [
                {"name": "day", "classes": "govuk-input--width-2" + (" govuk-input--error" if error else ""),
                 "value": field.parts.get("day", "")},
                {"name": "month", "classes": "govuk-input--width-2" + (" govuk-input--error" if error else ""),
                 "value": field.parts.get("month", "")},
                {"name": "year", "classes": "govuk-input--width-4" + (" govuk-input--error" if error else ""),
                 "value": field.parts.get("year", "")},
            ],
        })
    elif question.type == "long_text":
        params.update({"id": field.id, "label": label, "value": field.data or "",
                       "maxlength": question.effective_max_length, "rows": 6})
    elif question.type == "number":
        params.update({"id": field.id, "label": label, "value": field._value(), "inputmode": "numeric",
                       "spellcheck": False, "classes": "govuk-input--width-10"})
    else:
        params.update({"id": field.id, "label": label, "value": field.data or "",
                       "classes": "govuk-!-width-full" if (question.effective_max_length or 0) > 50 else "govuk-input--width-20"})
        if question.max_length:
            params["attributes"] = {"maxlength": str(question.max_length)}
    return params


def _text_box_params(form: SectionForm, question: Question, name: str, title: str, *, hint: str | None,
                     maxlength: int, rows: int) -> dict | None:
    """govukCharacterCount parameters for a question's comment or evidence box (None if it has none)."""
    field = form._fields.get(name)
    if field is None:
        return None
    params = {
        "name": name,
        "id": field.id,
        "label": {"html": _visually_hidden_label(title, question)},
        "value": field.data or "",
        "maxlength": maxlength,
        "rows": rows,
    }
    if hint:
        params["hint"] = {"text": hint}
    error = _first_error(form, name)
    if error:
        params["errorMessage"] = error
    return params


COMMENT_HINTS = {
    "required_unless_met": "Required if your answer does not meet the standard: say what was missing.",
}
EVIDENCE_HINT = ("Describe what shows this, for example a policy, record, audit or training data, with dates. "
                 "Do not include children's names.")


REASON_HINT = "Required if you answer that this is not applicable."


def _comment_params(form: SectionForm, question: Question) -> dict | None:
    answer = form._fields.get(question.key)
    if question.comment == "none" or question.needs_reason(answer.data if answer is not None else None):
        title, hint = "Why is this not applicable?", REASON_HINT
    else:
        title = "Comment (optional)" if question.comment == "optional" else "Comment"
        hint = " ".join(h for h in (COMMENT_HINTS.get(question.comment),
                                    REASON_HINT if question.needs_reasons else None) if h) or None
    return _text_box_params(form, question, comment_field_name(question.key), title,
                            hint=hint, maxlength=COMMENT_MAX_LENGTH, rows=3)


def _evidence_params(form: SectionForm, question: Question) -> dict | None:
    title = "Evidence (optional)" if question.evidence == "optional" else "Evidence"
    return _text_box_params(form, question, evidence_field_name(question.key), title, hint=EVIDENCE_HINT,
                            maxlength=EVIDENCE_MAX_LENGTH, rows=5)


# ---------------------------------------------------------------------------------------------
# Check your answers
# ---------------------------------------------------------------------------------------------
def summary_rows(instrument: Instrument, section: Section | str, answers: dict | None,
                 org_type: str | None = None) -> list[dict]:
    """One row per shown question of the section: question, answer text, comment and evidence."""
    from app.questionnaire.answers import display_value

    if isinstance(section, str):
        section = instrument.section(section)
    shown = visibility(instrument, answers, org_type)
    rows = []
    for question in section.questions:
        if not shown.get(question.key, False):
            continue
        value, comment, evidence = answer_parts(answers, question.key)
        anchor = question.key
        if question.type == "date":
            anchor = f"{question.key}-day"
        rows.append({
            "question": question,
            "key": question.key,
            "text": question.text,
            "value": display_value(instrument, question.key, value),
            "answered": not is_blank(value),
            "comment": comment if question.has_comment else None,
            "evidence": evidence if question.evidence != "none" else None,
            "anchor": anchor,
        })
    return rows


def change_link(change_url: str | None, row: dict) -> str | None:
    if not change_url:
        return None
    for placeholder in ("{key}", "%7Bkey%7D"):
        if placeholder in change_url:
            return change_url.replace(placeholder, row["key"])
    return f"{change_url}#{row['anchor']}"

