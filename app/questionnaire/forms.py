"""Build a WTForms form for one section of any instrument, and the GOV.UK markup parameters for it.

Fields are named by question key; a question's comment box is `<key>__comment` and its evidence
box `<key>__evidence`. The answer rules live in `answers.question_problems`, shared with the
submit-time check, and show_if is enforced here on the server: answers to hidden questions are
discarded and never block submission.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup

from app.errors import NotFound
from app.questionnaire.answers import (
    answer_parts,
    question_problems,
    visibility,
)
from app.questionnaire.definition import (
    COMMENT_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    Instrument,
    Question,
    Section,
)
from app.questionnaire.types.fields import LongTextAnswerField
from app.questionnaire.types.values import clean_text

COMMENT_SUFFIX = "__comment"
EVIDENCE_SUFFIX = "__evidence"


def comment_field_name(key: str) -> str:
    return key + COMMENT_SUFFIX


def evidence_field_name(key: str) -> str:
    return key + EVIDENCE_SUFFIX


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
                "comment": clean_text(self._extra(question, COMMENT_SUFFIX)),
                "evidence": clean_text(self._extra(question, EVIDENCE_SUFFIX)),
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
                if question.section_key == self.section.key or not question.kind.is_choice:
                    continue
                if question.key in page:
                    value = question.kind.posted_value(question, [v for v in page.getlist(question.key) if v])
                    merged[question.key] = {**(merged.get(question.key) or {}), "value": value}
        merged.update(self.submitted_answers())
        return merged

    def visibility(self) -> dict[str, bool]:
        return visibility(self.instrument, self.merged_answers(), self.org_type)

    def _field_value(self, question: Question) -> Any:
        return question.kind.form_value(question, self._fields[question.key].data)

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
            for field, message in question_problems(
                question,
                answer["value"],
                answer["comment"],
                answer["evidence"],
                partial=partial,
                check_value=not has_format_error,
            ):
                target = self._fields.get(question.key + ("__" + field if field else ""))
                if target is None:  # a rule about a box this question does not have
                    target = value_field
                if message not in target.errors:
                    target.errors = list(target.errors) + [message]
        return not any(f.errors for f in self._fields.values()) and not self.form_errors

    # -- rendering -----------------------------------------------------------------------------
    def question_views(self) -> list[dict]:
        return question_views(self)


def build_section_form(
    instrument: Instrument,
    section_key: str,
    org_type: str | None = None,
    *,
    data: dict | None = None,
    formdata=None,
    read_only: bool = False,
) -> SectionForm:
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
        unbound.append((question.key, question.kind.field(question, question.text, question.hint or "")))
        prefill[question.key] = value
        if question.has_comment:
            unbound.append((comment_field_name(question.key), LongTextAnswerField(label="Comment", question=question)))
            prefill[comment_field_name(question.key)] = comment
        if question.evidence != "none":
            unbound.append(
                (evidence_field_name(question.key), LongTextAnswerField(label="Evidence", question=question))
            )
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
        value = question.kind.clean(question, answer.get("value"))
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
    if field is None:
        return name
    question = getattr(field, "question", None)
    return question.kind.anchor(field.id) if question is not None and name == question.key else field.id


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
    return Markup('{}<span class="govuk-visually-hidden"> for “{}”</span>').format(text, question.text)


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
            "component": question.kind.component,
            "params": _params(form, question, field),
            # A rule within this section is left to show-if.js, so without JavaScript the question is
            # still there. A rule about another section is settled by the answers already given, so
            # the question starts hidden when they hide it (show-if.js can still reveal it when the
            # other section is on the same page).
            "hidden": (
                not form.read_only and target is not None and not same_section and not shown.get(question.key, False)
            ),
            "show_if": ({"question": target, "values": list(question.show_if.values)} if target else None),
            "comment": _comment_params(form, question),
            "evidence": _evidence_params(form, question),
        }
        views.append(view)
    return views


def _hint(question: Question) -> dict | None:
    return {"text": question.hint} if question.hint else None


def _params(form: SectionForm, question: Question, field) -> dict:
    """The GOV.UK component's parameters: name, hint and error here, the rest from the question's type."""
    error = _first_error(form, question.key)
    params: dict[str, Any] = {"name": field.name, "hint": _hint(question)}
    if error:
        params["errorMessage"] = error
    return question.kind.params(question, field, params)


def _text_box_params(
    form: SectionForm, question: Question, name: str, title: str, *, hint: str | None, maxlength: int, rows: int
) -> dict | None:
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
EVIDENCE_HINT = (
    "Describe what shows this, for example a policy, record, audit or training data, with dates. "
    "Do not include children's names."
)


REASON_HINT = "Required if you answer that this is not applicable."


def _comment_params(form: SectionForm, question: Question) -> dict | None:
    answer = form._fields.get(question.key)
    if question.comment == "none" or question.needs_reason(answer.data if answer is not None else None):
        title, hint = "Why is this not applicable?", REASON_HINT
    else:
        title = "Comment (optional)" if question.comment == "optional" else "Comment"
        hint = (
            " ".join(
                h for h in (COMMENT_HINTS.get(question.comment), REASON_HINT if question.needs_reasons else None) if h
            )
            or None
        )
    return _text_box_params(
        form, question, comment_field_name(question.key), title, hint=hint, maxlength=COMMENT_MAX_LENGTH, rows=3
    )


def _evidence_params(form: SectionForm, question: Question) -> dict | None:
    title = "Evidence (optional)" if question.evidence == "optional" else "Evidence"
    return _text_box_params(
        form,
        question,
        evidence_field_name(question.key),
        title,
        hint=EVIDENCE_HINT,
        maxlength=EVIDENCE_MAX_LENGTH,
        rows=5,
    )
