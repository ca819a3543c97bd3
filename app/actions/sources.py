"""Where actions come from. Each feature that raises actions registers an ActionSource in its init_app, saying
which actions are its own (an SQL condition on ActionItem, for the tracker's filter) and how to describe them
(one query for many actions), so the tracker never imports the models of the features above it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import sqlalchemy as sa

from app.actions.models import ActionItem
from app.extensions import db


@dataclass(frozen=True)
class SourceLine:
    """How an action's source reads: `text`, then `link_text` (a link where `href` is set), then ": detail"."""

    link_text: str
    text: str = ""
    href: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ActionSource:
    kind: str  # the tracker's filter value, e.g. "case_audit"
    label: str  # e.g. "Case audit findings"
    order: int
    condition: Callable[[], sa.ColumnElement[bool]]  # the actions that are this source's
    describe: Callable[[list[ActionItem], object], dict[int, SourceLine]]  # (actions, viewer) -> by action id


_sources: dict[str, ActionSource] = {}


def register_source(source: ActionSource) -> None:
    _sources[source.kind] = source


def all_sources() -> list[ActionSource]:
    return sorted(_sources.values(), key=lambda s: s.order)


def source_labels() -> dict[str, str]:
    return {s.kind: s.label for s in all_sources()}


def source_condition(kind: str) -> sa.ColumnElement[bool]:
    source = _sources.get(kind)
    return source.condition() if source is not None else sa.false()


def describe(actions: Iterable[ActionItem], viewer) -> dict[int, tuple[str, SourceLine]]:
    """Each action's source kind and line, by action id; actions no source claims are left out."""
    pending = {a.id: a for a in actions}
    result: dict[int, tuple[str, SourceLine]] = {}
    for source in all_sources():
        if not pending:
            break
        for action_id, line in source.describe(list(pending.values()), viewer).items():
            if action_id in pending:
                result[action_id] = (source.kind, line)
                del pending[action_id]
    return result


def source_kinds(action_ids: Iterable[int]) -> dict[int, str]:
    """Which source each action comes from (the first registered source that claims it), by action id: one query
    per source, and no link building, so it works outside a request (reminder emails)."""
    pending = set(action_ids)
    kinds: dict[int, str] = {}
    for source in all_sources():
        if not pending:
            break
        claimed = db.session.execute(
            sa.select(ActionItem.id).where(ActionItem.id.in_(pending), source.condition())
        ).scalars()
        for action_id in claimed:
            kinds[action_id] = source.kind
            pending.discard(action_id)
    return kinds
