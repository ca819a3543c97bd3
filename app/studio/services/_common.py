"""What every studio edit shares: the staff check, the lock_version check, saving and finding parts of a draft."""

from __future__ import annotations

import copy
import re
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from app.permissions import is_partnership_staff
from app.activity import record
from app.errors import DomainError, NotFound, PermissionDenied, StaleEdit
from app.extensions import db
from app.studio.models import InstrumentDraft
from app.utils import utcnow

FIELD_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
STALE_MESSAGE = (
    "Someone else changed this draft after you opened this page, so your change has not been saved. "
    "The draft below shows what is saved now: make your change again if it is still needed."
)


class FieldProblems(DomainError):
    """Several problems at once, each tied to a form field: [(field, message)]."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems[0][1], field=problems[0][0])
        self.problems = problems


def _require_staff(actor) -> None:
    if not is_partnership_staff(actor):
        raise PermissionDenied("Only admins and the QA sub-group can use the instrument studio")


def _editable(draft: InstrumentDraft, lock_version, actor) -> dict:
    _require_staff(actor)
    if not draft.is_editable:
        raise DomainError("This draft has been published, so it can no longer be changed. Start a new version instead.")
    try:
        expected = int(lock_version)
    except (TypeError, ValueError):
        expected = None
    if expected != draft.lock_version:
        raise StaleEdit(STALE_MESSAGE)
    return copy.deepcopy(draft.definition)


def _touch(draft: InstrumentDraft, actor) -> None:
    """Stamp who changed the draft and flush; the version counter turns a concurrent change into StaleEdit."""
    draft.updated_at = utcnow()
    draft.updated_by_id = getattr(actor, "id", None)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleEdit(STALE_MESSAGE) from None


def _save(draft: InstrumentDraft, definition: dict, actor, summary: str) -> InstrumentDraft:
    draft.definition = definition
    draft.title = str(definition.get("title") or draft.title)[:300]
    draft.kind = str(definition.get("kind") or draft.kind)[:32]
    draft.key = str(definition.get("key") or draft.key)[:100]
    _touch(draft, actor)
    record("instrument_draft.changed", draft, f"{draft.title} ({draft.key}): {summary}", actor=actor)
    return draft


def _set(target: dict, name: str, value: Any) -> None:
    if value is None or value == [] or value == "":
        target.pop(name, None)
    else:
        target[name] = value


def _sections(definition: dict) -> list[dict]:
    sections = definition.get("sections")
    if not isinstance(sections, list):
        sections = definition["sections"] = []
    return sections


def _section(definition: dict, si: int) -> dict:
    sections = _sections(definition)
    if not (0 <= si < len(sections)) or not isinstance(sections[si], dict):
        raise NotFound("No such section")
    sections[si].setdefault("questions", [])
    return sections[si]


def _question(definition: dict, si: int, qi: int) -> dict:
    questions = _section(definition, si)["questions"]
    if not (0 <= qi < len(questions)) or not isinstance(questions[qi], dict):
        raise NotFound("No such question")
    return questions[qi]


def all_question_keys(definition: dict) -> list[str]:
    """The keys of every question in a definition, in order; changes nothing."""
    return [
        q.get("key") for s in definition.get("sections") or [] for q in s.get("questions") or [] if isinstance(q, dict)
    ]
