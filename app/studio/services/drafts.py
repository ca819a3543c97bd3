"""A draft's life: finding drafts, starting one (blank, a copy, a new version, a file), publishing, discarding."""

from __future__ import annotations

import copy
import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.activity import record
from app.errors import DomainError, StaleEdit, get_or_404
from app.extensions import db
from app.questionnaire import InstrumentVersion, definition_problems, latest_version
from app.questionnaire.definition import KINDS
from app.questionnaire.store import InvalidDefinition, publish_definition
from app.studio.models import DraftState, InstrumentDraft
from app.studio.services._common import (
    FieldProblems,
    _editable,
    _require_staff,
    _touch,
    all_question_keys,
)

INSTRUMENT_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class PublishProblems(DomainError):
    def __init__(self, problems):
        super().__init__("This draft cannot be published until its problems are fixed")
        self.problems = problems


def get_draft(draft_id: int, actor) -> InstrumentDraft:
    """The draft with this id (404 if none), for partnership staff (admins and QA); others get 403."""
    _require_staff(actor)
    return get_or_404(InstrumentDraft, draft_id, "draft")


def get_version(version_id: int, actor) -> InstrumentVersion:
    """A published instrument version (404 if none), for partnership staff (admins and QA); others get 403."""
    _require_staff(actor)
    return get_or_404(InstrumentVersion, version_id, "instrument version")


def list_drafts(actor) -> list[InstrumentDraft]:
    """Drafts not yet published, most recently changed first; partnership staff (admins and QA) only."""
    _require_staff(actor)
    return list(
        db.session.execute(
            sa.select(InstrumentDraft)
            .where(InstrumentDraft.state == DraftState.draft)
            .order_by(InstrumentDraft.updated_at.desc(), InstrumentDraft.id.desc())
        ).scalars()
    )


def problems_of(draft: InstrumentDraft):
    """The engine's problems with the draft's definition; changes nothing. The caller has loaded the draft
    with `get_draft`, which checked the actor is partnership staff."""
    return definition_problems(draft.definition)


def _new_draft(definition: dict, actor, based_on: InstrumentVersion | None, how: str) -> InstrumentDraft:
    draft = InstrumentDraft(
        key=str(definition.get("key") or "")[:100],
        kind=str(definition.get("kind") or "")[:32],
        title=str(definition.get("title") or "")[:300],
        definition=definition,
        based_on_id=based_on.id if based_on is not None else None,
        created_by_id=getattr(actor, "id", None),
        updated_by_id=getattr(actor, "id", None),
    )
    db.session.add(draft)
    db.session.flush()
    record("instrument_draft.started", draft, f"Started a draft of {draft.title} ({draft.key}) {how}", actor=actor)
    return draft


def _check_new_key(key: str, field: str = "key") -> None:
    if not INSTRUMENT_KEY.match(key or ""):
        raise DomainError(
            "Enter a key of lower-case letters and digits separated by single hyphens, for example missing-episodes",
            field=field,
        )
    if latest_version(key) is not None:
        raise DomainError(
            f"An instrument with the key {key} is already published; start a new version of it "
            "from the instruments page instead",
            field=field,
        )


def start_blank(*, key: str, title: str, kind: str, actor) -> InstrumentDraft:
    """Create an empty draft of a new instrument key; partnership staff (admins and QA) only."""
    _require_staff(actor)
    _check_new_key(key)
    if kind not in KINDS:
        raise DomainError("Select the kind of instrument", field="kind")
    definition = {"key": key, "version": 1, "kind": kind, "title": title, "applies_to": ["all"], "sections": []}
    return _new_draft(definition, actor, None, "from nothing")


def start_new_version(version: InstrumentVersion, *, actor) -> InstrumentDraft:
    """Create a draft of the next version of `version`'s instrument, a copy without its renames;
    partnership staff (admins and QA) only."""
    _require_staff(actor)
    definition = copy.deepcopy(version.definition)
    definition.pop("renamed", None)  # each version declares only its own renames; findings follow the chain
    latest = latest_version(version.key)
    definition["version"] = (latest.version if latest is not None else version.version) + 1
    return _new_draft(definition, actor, version, f"from version {version.version}")


def start_copy(version: InstrumentVersion, *, key: str, title: str, actor) -> InstrumentDraft:
    """Create a draft of a new instrument key copied from `version`; partnership staff (admins and QA) only."""
    _require_staff(actor)
    _check_new_key(key)
    if not title:
        raise DomainError("Enter a title", field="title")
    definition = copy.deepcopy(version.definition)
    definition.pop("renamed", None)
    definition.update(key=key, version=1, title=title)
    return _new_draft(definition, actor, version, f"as a copy of {version.key} version {version.version}")


def start_from_definition(definition: dict, *, actor, source: str) -> InstrumentDraft:
    """A draft from an uploaded file or workbook, already checked with the engine's rules."""
    _require_staff(actor)
    definition = copy.deepcopy(definition)
    latest = latest_version(definition["key"])
    if latest is not None and latest.kind != definition["kind"]:
        raise DomainError(
            f"An instrument with the key {definition['key']} is already published as a "
            f"{latest.kind.replace('_', ' ')}; a key keeps its kind",
            field="file",
        )
    return _new_draft(definition, actor, latest, f"from {source}")


def publish_plan(draft: InstrumentDraft) -> tuple[InstrumentVersion | None, list[str], list[str]]:
    """The version the draft will follow, the question keys it drops and the keys it adds (rename candidates)."""
    latest = latest_version(draft.key)
    before = set(all_question_keys(latest.definition)) if latest is not None else set()
    after = all_question_keys(draft.definition)
    removed = [k for k in all_question_keys(latest.definition) if k not in after] if latest is not None else []
    added = [k for k in after if k not in before]
    return latest, removed, added


def publish(draft: InstrumentDraft, *, lock_version, actor, continues: dict[str, str | None]) -> InstrumentVersion:
    """Store the draft as the next version. `continues` says, for each question key the draft drops, which new
    question continues it (its trend carries over through `renamed`) or None (it is not continued)."""
    definition = _editable(draft, lock_version, actor)
    latest, removed, added = publish_plan(draft)
    problems = definition_problems(definition)
    if problems:
        raise PublishProblems(problems)
    field_problems = []
    renamed: dict[str, str] = {}
    for old in removed:
        if old not in continues:
            field_problems.append((f"continues-{old}", f"Say whether a new question continues {old}"))
            continue
        new = continues[old]
        if new is None:
            continue
        if new not in added:
            field_problems.append((f"continues-{old}", f"Select one of the new questions to continue {old}"))
        elif new in renamed.values():
            field_problems.append((f"continues-{old}", f"{new} already continues another question"))
        else:
            renamed[old] = new
    if field_problems:
        raise FieldProblems(field_problems)
    definition.pop("renamed", None)
    if renamed:
        definition["renamed"] = renamed
    definition["version"] = (latest.version if latest is not None else 0) + 1
    if latest is not None and {k: v for k, v in latest.definition.items() if k != "version"} == {
        k: v for k, v in definition.items() if k != "version"
    }:
        raise DomainError("This draft is the same as the published version, so there is nothing to publish")
    try:
        version = publish_definition(definition, actor=actor, source_file=f"studio draft {draft.id}")
    except InvalidDefinition as exc:
        raise PublishProblems(exc.problems) from None
    except IntegrityError:
        db.session.rollback()
        raise StaleEdit(
            "Another version of this instrument was published at the same moment, so this draft has "
            "not been published. Check its changes again and publish."
        ) from None
    draft.definition = definition
    draft.state = draft.state.check_move(DraftState.published)
    draft.published_version_id = version.id
    _touch(draft, actor)
    return version


def discard(draft: InstrumentDraft, *, lock_version, actor) -> InstrumentDraft:
    """Delete an unpublished draft at the lock_version the page showed; partnership staff (admins and QA) only."""
    _editable(draft, lock_version, actor)
    record("instrument_draft.discarded", draft, f"Discarded the draft of {draft.title} ({draft.key})", actor=actor)
    db.session.delete(draft)
    db.session.flush()
    return draft
