"""Scales and answer options: adding, changing, reordering and deleting them in a draft."""

from __future__ import annotations

from app.errors import DomainError, NotFound
from app.studio.models import InstrumentDraft
from app.studio.question_types import takes
from app.studio.services._common import (
    FIELD_KEY,
    FieldProblems,
    _editable,
    _question,
    _save,
    _sections,
)

OPTION_ORDER = ("value", "label", "score", "meets_standard", "rag", "excluded", "needs_reason", "partial")


def add_scale(draft: InstrumentDraft, *, lock_version, actor, name: str) -> InstrumentDraft:
    """Add an empty named scale to the draft; partnership staff (admins and QA) only, at the lock_version the
    page showed."""
    definition = _editable(draft, lock_version, actor)
    if not FIELD_KEY.match(name or ""):
        raise DomainError(
            "Enter a name of letters, digits, underscores and hyphens, for example evidence", field="name"
        )
    scales = definition.setdefault("scales", {})
    if name in scales:
        raise DomainError(f"There is already a scale called {name}", field="name")
    scales[name] = []
    return _save(draft, definition, actor, f"added scale {name}")


def delete_scale(draft: InstrumentDraft, name: str, *, lock_version, actor) -> InstrumentDraft:
    """Remove a scale no question uses; partnership staff (admins and QA) only, at the lock_version the page
    showed."""
    definition = _editable(draft, lock_version, actor)
    if name not in (definition.get("scales") or {}):
        raise NotFound("No such scale")
    users = [
        q.get("key")
        for s in _sections(definition)
        for q in s.get("questions") or []
        if takes(q, "takes_scale") and q.get("scale") == name
    ]
    if users:
        raise DomainError(f"The scale {name} is used by {', '.join(users)}; change those questions first")
    del definition["scales"][name]
    if not definition["scales"]:
        del definition["scales"]
    return _save(draft, definition, actor, f"deleted scale {name}")


def _options(definition: dict, owner: tuple) -> list:
    if owner[0] == "scale":
        scales = definition.get("scales") or {}
        if owner[1] not in scales:
            raise NotFound("No such scale")
        return scales[owner[1]]
    question = _question(definition, owner[1], owner[2])
    if not takes(question, "takes_options"):
        raise NotFound("This question has no answers of its own")
    return question.setdefault("options", [])


def _owner_name(owner: tuple, definition: dict) -> str:
    return (
        f"scale {owner[1]}"
        if owner[0] == "scale"
        else f"question {_question(definition, owner[1], owner[2]).get('key')}"
    )


def save_option(
    draft: InstrumentDraft, owner: tuple, oi: int | None, *, lock_version, actor, fields: dict
) -> InstrumentDraft:
    """Add (oi None) or change an answer option of a scale (("scale", name)) or question (("question", si, qi))."""
    definition = _editable(draft, lock_version, actor)
    options = _options(definition, owner)
    if oi is not None and not 0 <= oi < len(options):
        raise NotFound("No such answer")
    value = fields.get("value") or ""
    others = [str(o.get("value")) for i, o in enumerate(options) if i != oi]
    problems = []
    if value in others:
        problems.append(("value", f"Another answer already has the value {value}"))
    if fields.get("excluded") and any(fields.get(k) is not None for k in ("score", "meets_standard", "rag")):
        problems.append(
            (
                "excluded",
                ("A “not applicable” answer is left out of scores, so it has no score, meets-standard or RAG colour"),
            )
        )
    if fields.get("needs_reason") and not fields.get("excluded"):
        problems.append(("needs_reason", "Only a “not applicable” answer can need a reason"))
    if fields.get("partial") and (fields.get("excluded") or fields.get("meets_standard") is not False):
        problems.append(("partial", "Only an answer that does not meet the standard can count as partly meeting it"))
    if problems:
        raise FieldProblems(problems)
    old = options[oi] if oi is not None else {}
    if isinstance(old.get("value"), int) and str(old["value"]) == value:
        value = old["value"]
    values = {
        "value": value,
        "label": fields.get("label"),
        "score": fields.get("score"),
        "meets_standard": fields.get("meets_standard"),
        "rag": fields.get("rag") or None,
        "excluded": True if fields.get("excluded") else None,
        "needs_reason": True if fields.get("needs_reason") else None,
        "partial": True if fields.get("partial") else None,
    }
    option = {name: values[name] for name in OPTION_ORDER if values.get(name) is not None}
    if oi is None:
        options.append(option)
    else:
        options[oi] = option
    return _save(
        draft,
        definition,
        actor,
        f"{'added' if oi is None else 'changed'} an answer of {_owner_name(owner, definition)}",
    )


def delete_option(draft: InstrumentDraft, owner: tuple, oi: int, *, lock_version, actor) -> InstrumentDraft:
    """Remove an answer option of a scale or question; partnership staff (admins and QA) only, at the
    lock_version the page showed."""
    definition = _editable(draft, lock_version, actor)
    options = _options(definition, owner)
    if not 0 <= oi < len(options):
        raise NotFound("No such answer")
    options.pop(oi)
    return _save(draft, definition, actor, f"deleted an answer of {_owner_name(owner, definition)}")


def move_option(
    draft: InstrumentDraft, owner: tuple, oi: int, direction: str, *, lock_version, actor
) -> InstrumentDraft:
    """Swap an answer option with the one above or below; partnership staff (admins and QA) only, at the
    lock_version the page showed."""
    definition = _editable(draft, lock_version, actor)
    options = _options(definition, owner)
    target = oi - 1 if direction == "up" else oi + 1
    if not (0 <= oi < len(options) and 0 <= target < len(options)):
        raise DomainError("The answer cannot move further")
    options[oi], options[target] = options[target], options[oi]
    return _save(draft, definition, actor, f"reordered the answers of {_owner_name(owner, definition)}")
