"""Forms: the return's section pages (criteria + evidence files + actions + re-confirm) and the declaration.
Campaign forms are in app.selfassessment.campaign_forms, QA review and sign-off forms in review_forms, the
practitioner survey's in survey_forms."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, StringField

from app.actions.forms import priority_params
from app.actions.priorities import active_priorities
from app.forms_common import DATE_PARTS, parse_date_parts
from app.questionnaire import build_section_form, form_answers, return_marker
from app.questionnaire.answers import short_text
from app.selfassessment.checks import missing_action_message
from app.selfassessment.queries import NEEDS_ACTION, CriterionView, ReturnView, SectionView
from app.selfassessment.services import NewAction, SectionSave
from app.uploads import ALLOWED_LABEL, UploadError, delete_stored, has_file, max_file_bytes, save_upload, size_label
from app.utils import today


# ---------------------------------------------------------------------------------------------
# A section of the return
# ---------------------------------------------------------------------------------------------
def _clean(value) -> str:
    return (value or "").replace("\r\n", "\n").strip()


class SectionPage:
    """One standard of the return: the engine's RAG and evidence fields plus evidence files, new actions and the
    "re-confirm" tick of carried-forward criteria. Buttons post `command`: continue, later, add-action:<key> or
    remove-file:<file id>."""

    def __init__(
        self, view: ReturnView, section_view: SectionView, *, formdata=None, files=None, return_to: str | None = None
    ):
        self.view = view
        self.section_view = section_view
        self.section = section_view.section
        self.posted = formdata is not None
        self.formdata = formdata if formdata is not None else {}
        self.files = files
        self.form = build_section_form(
            view.instrument, self.section.key, view.org_type, data=view.answers, formdata=formdata
        )
        self.errors: dict[str, str] = {}
        self.conflict: str | None = None
        self.new_actions: dict[str, list[NewAction]] = {}
        self.stored_files: dict[str, list] = {}
        self.command = self.formdata.get("command") or "continue"
        self.lock_version = self.formdata.get("lock_version") if self.posted else view.ret.lock_version
        self.return_to = return_marker(self.formdata.get("return_to") if self.posted else return_to)
        keys = [c.key for c in section_view.criteria]
        self.reconfirm = {key for key in keys if self.formdata.get(f"{key}__reconfirm")}
        self.action_inputs = {key: self._action_input(key) for key in keys}
        # priority and partnership priorities come with every new action (the priority radios are always posted)
        self.action_priorities = {key: self._action_priority_input(key) for key in keys}
        self._offered_priorities = None

    def _action_input(self, key: str) -> dict[str, str]:
        prefix = f"{key}__action_"
        values = {
            "description": _clean(self.formdata.get(prefix + "description")),
            "owner": _clean(self.formdata.get(prefix + "owner")),
        }
        for part in DATE_PARTS:
            values[part] = _clean(self.formdata.get(f"{prefix}due-{part}"))
        return values

    def _action_priority_input(self, key: str) -> dict:
        prefix = f"{key}__action_"
        getlist = getattr(self.formdata, "getlist", None)
        tags = getlist(prefix + "tags") if getlist else []
        return {"priority": _clean(self.formdata.get(prefix + "priority")) or "medium", "tags": list(tags)}

    def offered_priorities(self):
        if self._offered_priorities is None:
            self._offered_priorities = active_priorities()
        return self._offered_priorities

    @property
    def remove_file_id(self) -> int | None:
        if self.command.startswith("remove-file:"):
            try:
                return int(self.command.split(":", 1)[1])
            except ValueError:
                return None
        return None

    @property
    def add_action_key(self) -> str | None:
        return self.command.split(":", 1)[1] if self.command.startswith("add-action:") else None

    # -- checking ------------------------------------------------------------------------------
    def validate(self) -> bool:
        self.form.validate(partial=self.command != "continue")
        submitted = self.form.submitted_answers()
        shown = self.form.visibility()
        for criterion in self.section_view.criteria:
            self._check_new_action(criterion)
            option = criterion.question.option(submitted.get(criterion.key, {}).get("value"))
            rag = option.rag if option is not None and shown.get(criterion.key) else None
            if (
                self.command == "continue"
                and rag in NEEDS_ACTION
                and not criterion.counting_actions
                and criterion.key not in self.new_actions
                and f"{criterion.key}__action_description" not in self.errors
            ):
                self.errors[f"{criterion.key}__action_description"] = missing_action_message(criterion.question, rag)
        self._store_files()
        if self.has_errors:
            self.discard_files()
            return False
        return True

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.conflict or any(f.errors for f in self.form._fields.values()))

    def _check_new_action(self, criterion: CriterionView) -> None:
        key = criterion.key
        values = self.action_inputs[key]
        if not any(values.values()) and self.add_action_key != key:
            return
        name = f"“{short_text(criterion.question, 60)}”"
        prefix = f"{key}__action_"
        if not values["description"]:
            self.errors[prefix + "description"] = f"Enter a description of the action for {name}"
        elif len(values["description"]) > 4000:
            self.errors[prefix + "description"] = "The action must be 4000 characters or fewer"
        if not values["owner"]:
            self.errors[prefix + "owner"] = f"Enter who owns the action for {name}"
        elif len(values["owner"]) > 200:
            self.errors[prefix + "owner"] = "The owner must be 200 characters or fewer"
        due = self._due_date(values)
        if isinstance(due, str):
            self.errors[prefix + "due"] = due
        if not any(k.startswith(prefix) for k in self.errors):
            extras = self.action_priorities[key]
            self.new_actions[key] = [
                NewAction(
                    description=values["description"],
                    owner_name=values["owner"],
                    due_date=due,
                    priority=extras["priority"],
                    partnership_priority_ids=extras["tags"],
                )
            ]

    @staticmethod
    def _due_date(values: dict[str, str]) -> date | str:
        try:
            due = parse_date_parts(*(values[p] for p in DATE_PARTS), subject="The due date", example="31 3 2026")
        except ValueError as exc:
            return str(exc)
        if due is None:
            return "Enter the date the action is due"
        if due < today():
            return "The due date must be today or in the future"
        return due

    def _store_files(self) -> None:
        if self.files is None:
            return
        chosen_elsewhere_with_errors = bool(self.errors) or any(f.errors for f in self.form._fields.values())
        for criterion in self.section_view.criteria:
            name = f"{criterion.key}__files"
            for file_storage in self.files.getlist(name):
                if not has_file(file_storage):
                    continue
                try:
                    stored = save_upload(file_storage)
                except UploadError as exc:
                    self.errors.setdefault(name, exc.message)
                    continue
                self.stored_files.setdefault(criterion.key, []).append(stored)
            if chosen_elsewhere_with_errors and self.stored_files.get(criterion.key) and name not in self.errors:
                names = ", ".join(f"“{s.original_name}”" for s in self.stored_files[criterion.key])
                self.errors[name] = (
                    f"Select {names} again: files are saved only when the rest of the page has no problems"
                )

    def discard_files(self) -> None:
        for stored_files in self.stored_files.values():
            for stored in stored_files:
                delete_stored(stored.stored_name)
        self.stored_files = {}

    def to_save(self) -> SectionSave:
        return SectionSave(
            answers=form_answers(self.view.instrument, self.section.key, self.form),
            expected_version=self.lock_version,
            reconfirm=set(self.reconfirm),
            new_actions=dict(self.new_actions),
            new_files=dict(self.stored_files),
            remove_file_ids={self.remove_file_id} if self.remove_file_id is not None else set(),
        )

    def conflict_with(self, message: str, current_version: int) -> None:
        """Keep what was entered, and let the next save go ahead knowingly."""
        self.conflict = message
        self.lock_version = current_version
        self.discard_files()

    # -- rendering -----------------------------------------------------------------------------
    def criteria(self) -> list[dict]:
        views = {v["key"]: v for v in self.form.question_views()}
        result = []
        for criterion in self.section_view.criteria:
            key = criterion.key
            result.append(
                {
                    "criterion": criterion,
                    "key": key,
                    "view": views.get(key),
                    "files": self._files_params(key),
                    "action": self._action_params(criterion),
                    "reconfirm": self._reconfirm_params(criterion),
                }
            )
        return result

    def _error(self, name: str) -> dict | None:
        return {"text": self.errors[name]} if name in self.errors else None

    def _files_params(self, key: str) -> dict:
        name = f"{key}__files"
        params = {
            "id": name,
            "name": name,
            "multiple": True,
            "label": {"text": "Upload evidence files (optional)", "classes": "govuk-label--s"},
            "hint": {
                "text": f"{ALLOWED_LABEL}, each smaller than {size_label(max_file_bytes())}. "
                f"Do not upload anything that names a child."
            },
            "attributes": {"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"},
        }
        if name in self.errors:
            params["errorMessage"] = self._error(name)
        return params

    def _action_params(self, criterion: CriterionView) -> dict:
        key = criterion.key
        prefix = f"{key}__action_"
        values = self.action_inputs[key]
        label = "Add another action" if criterion.counting_actions else "Add an action"
        due_error = self._error(prefix + "due")
        date_classes = " govuk-input--error" if due_error else ""
        return {
            "legend": label,
            "description": {
                "name": prefix + "description",
                "id": prefix + "description",
                "value": values["description"],
                "label": {"text": "What will be done"},
                "maxlength": 4000,
                "rows": 3,
                "errorMessage": self._error(prefix + "description"),
            },
            "owner": {
                "name": prefix + "owner",
                "id": prefix + "owner",
                "value": values["owner"],
                "label": {"text": "Owner (name or role)"},
                "classes": "govuk-input--width-20",
                "errorMessage": self._error(prefix + "owner"),
                "autocomplete": "off",
            },
            "due": {
                "id": prefix + "due",
                "namePrefix": prefix + "due",
                "fieldset": {"legend": {"text": "Due date", "classes": "govuk-fieldset__legend--s"}},
                "hint": {"text": "For example, 31 3 2026"},
                "errorMessage": due_error,
                "items": [
                    {"name": "day", "classes": "govuk-input--width-2" + date_classes, "value": values["day"]},
                    {"name": "month", "classes": "govuk-input--width-2" + date_classes, "value": values["month"]},
                    {"name": "year", "classes": "govuk-input--width-4" + date_classes, "value": values["year"]},
                ],
            },
            "button": {
                "text": "Add action",
                "name": "command",
                "value": f"add-action:{key}",
                "classes": "govuk-button--secondary",
            },
            **self._action_priority_params(key),
        }

    def _action_priority_params(self, key: str) -> dict:
        chosen = self.action_priorities[key]
        return priority_params(f"{key}__action_", chosen["priority"], chosen["tags"], self.offered_priorities())

    def _reconfirm_params(self, criterion: CriterionView) -> dict | None:
        if not criterion.to_reconfirm:
            return None
        name = f"{criterion.key}__reconfirm"
        params = {
            "idPrefix": name,
            "name": name,
            "items": [
                {
                    "value": "yes",
                    "text": "Re-confirm this rating and evidence for this cycle",
                    "checked": criterion.key in self.reconfirm,
                    "id": name,
                }
            ],
            "hint": {
                "text": "Carried forward from last cycle. Tick to re-confirm it, or change the rating or evidence."
            },
        }
        if name in self.errors:
            params["errorMessage"] = self._error(name)
        return params

    def error_items(self) -> list[dict]:
        """Error summary entries in page order."""
        items = []
        if self.conflict:
            items.append({"text": self.conflict, "href": "#main-content"})
        for criterion in self.section_view.criteria:
            key = criterion.key
            for name in (key, f"{key}__comment", f"{key}__evidence"):
                field = self.form._fields.get(name)
                if field is not None and field.errors:
                    items.append({"text": field.errors[0], "href": f"#{field.id}"})
            for name, anchor in (
                (f"{key}__files", f"{key}__files"),
                (f"{key}__action_description", f"{key}__action_description"),
                (f"{key}__action_owner", f"{key}__action_owner"),
                (f"{key}__action_due", f"{key}__action_due-day"),
                (f"{key}__reconfirm", f"{key}__reconfirm"),
            ):
                if name in self.errors:
                    items.append({"text": self.errors[name], "href": f"#{anchor}"})
        return items


# ---------------------------------------------------------------------------------------------
# Submission
# ---------------------------------------------------------------------------------------------
class DeclarationForm(FlaskForm):
    confirmed = BooleanField(
        "I confirm this return is accurate and complete, to the best of my knowledge, and has "
        "been agreed by the organisation’s senior safeguarding lead",
        widget=GovCheckboxInput(),
    )
    declaration_name = StringField("Your full name", widget=GovTextInput())
    lock_version = HiddenField()
