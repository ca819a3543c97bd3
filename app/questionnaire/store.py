"""Publishing instrument versions to the database and finding them again.

Versions are immutable: loading a file whose key and version are already stored either matches
the stored content hash (nothing to do) or is refused, so a definition never changes under the
responses that were given against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Callable, Iterable

import sqlalchemy as sa
from flask import current_app

from app.activity import record
from app.errors import get_or_404
from app.extensions import db
from app.questionnaire.catalogue import Catalogue, build_catalogue
from app.questionnaire.definition import Instrument
from app.questionnaire.errors import InstrumentError, LoadError
from app.questionnaire.loader import (
    CheckedFile,
    Problem,
    check_file,
    content_hash,
    definition_problems,
    is_themes_file,
)
from app.questionnaire.models import InstrumentModel, InstrumentVersion
from app.signals import figures_changed

_PARSED_CACHE_SIZE = 512
_parsed: dict[tuple, Instrument] = {}


def parsed_definition(content_hash: str, definition: Callable[[], dict], version_id: int | None = None) -> Instrument:
    """The parsed instrument of a stored version. `definition` returns the stored JSON and is called only the
    first time a version is seen, so the (deferred) JSON column is not even read once the parse is cached."""
    key = (content_hash, version_id)
    instrument = _parsed.get(key)
    if instrument is None:
        if len(_parsed) >= _PARSED_CACHE_SIZE:
            _parsed.clear()
        instrument = _parsed[key] = Instrument.from_dict(definition())
    return instrument


class InvalidDefinition(Exception):
    """A definition held as data breaks the engine's rules; `problems` places each by its path."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadOutcome:
    file: str
    version: InstrumentVersion
    created: bool


def default_instrument_files(directory: str | Path | None = None) -> list[Path]:
    """Every instrument file in the instruments folder (themes.yaml and schema.json are not instruments)."""
    folder = Path(directory or current_app.config["INSTRUMENTS_DIR"])
    files = sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml")))
    return [_relative(f) for f in files if not is_themes_file(f)]


def _relative(path: Path) -> Path:
    """Shorter names in messages: instruments/x.yaml rather than the absolute path, where possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def load_files(paths: Iterable[str | Path], actor=None) -> list[InstrumentVersion]:
    """Validate and store instrument files; see `load_files_with_outcome`."""
    return [outcome.version for outcome in load_files_with_outcome(paths, actor)]


def load_files_with_outcome(paths: Iterable[str | Path], actor=None) -> list[LoadOutcome]:
    """Store each file's version unless it is already stored unchanged.

    All files are checked before anything is stored; if any file is invalid, or changes a stored
    version without bumping `version`, nothing is stored and InstrumentError lists every problem.
    The caller commits.
    """
    checked: list[CheckedFile] = []
    errors: list[LoadError] = []
    for path in paths:
        try:
            checked.append(check_file(path))
        except InstrumentError as exc:
            errors.extend(exc.errors)

    first: dict[tuple[str, int], CheckedFile] = {}
    unique: list[CheckedFile] = []
    for item in checked:
        ident = (item.instrument.key, item.instrument.version)
        if ident in first:
            if first[ident].content_hash != item.content_hash:
                errors.append(
                    LoadError(
                        item.name,
                        item.line_of("version"),
                        f"instrument '{ident[0]}' version {ident[1]} is also defined, differently, in {first[ident].name}",
                    )
                )
            continue
        first[ident] = item
        unique.append(item)

    stored = _stored_versions({item.instrument.key for item in unique})
    models = _instrument_models({item.instrument.key for item in unique})
    for item in unique:
        inst = item.instrument
        existing = stored.get((inst.key, inst.version))
        if existing is not None and existing.content_hash != item.content_hash:
            errors.append(
                LoadError(
                    item.name,
                    item.line_of("version"),
                    f"instrument '{inst.key}' version {inst.version} is already loaded with a different "
                    f"definition; increase 'version' to publish a change",
                )
            )
        model = models.get(inst.key)
        if model is not None and model.kind != inst.kind:
            errors.append(
                LoadError(
                    item.name,
                    item.line_of("kind"),
                    f"instrument '{inst.key}' is already loaded as kind '{model.kind}'; a key keeps its kind "
                    f"forever, so use a new key for a {inst.kind} instrument",
                )
            )
    if errors:
        raise InstrumentError(errors)

    outcomes: list[LoadOutcome] = []
    for item in unique:
        inst = item.instrument
        existing = stored.get((inst.key, inst.version))
        if existing is not None:
            outcomes.append(LoadOutcome(item.name, existing, created=False))
            continue
        model = models.get(inst.key)
        if model is None:
            model = models[inst.key] = InstrumentModel(key=inst.key, kind=inst.kind, title=inst.title)
            db.session.add(model)
        latest = max((v.version for v in model.versions), default=0)
        if inst.version > latest:
            model.title = inst.title
        version = InstrumentVersion(
            instrument=model,
            version=inst.version,
            content_hash=item.content_hash,
            definition=item.definition,
            source_file=Path(item.name).name[:500],
        )
        db.session.add(version)
        db.session.flush()
        record("instrument.loaded", version, f"Loaded {inst.title} version {inst.version} ({inst.key})", actor=actor)
        outcomes.append(LoadOutcome(item.name, version, created=True))
    if any(outcome.created for outcome in outcomes):
        figures_changed.send("everything")
    return outcomes


def publish_definition(definition: dict, *, actor=None, source_file: str | None = None) -> InstrumentVersion:
    """Store a definition held as data (a studio draft) as the next version of its instrument.

    It must pass the engine's rules and its `version` must be one more than the latest stored; a key keeps its kind.
    Raises InvalidDefinition listing the problems. The caller commits.
    """
    problems = definition_problems(definition)
    if problems:
        raise InvalidDefinition(problems)
    inst = Instrument.from_dict(definition)
    model = _instrument_models({inst.key}).get(inst.key)
    latest = max((v.version for v in model.versions), default=0) if model is not None else 0
    if model is not None and model.kind != inst.kind:
        raise InvalidDefinition(
            [
                Problem(
                    ("kind",),
                    f"instrument '{inst.key}' is already published as kind "
                    f"'{model.kind}'; a key keeps its kind forever",
                )
            ]
        )
    if inst.version != latest + 1:
        raise InvalidDefinition(
            [Problem(("version",), f"the next version of '{inst.key}' is {latest + 1}, not {inst.version}")]
        )
    if model is None:
        model = InstrumentModel(key=inst.key, kind=inst.kind, title=inst.title)
        db.session.add(model)
    model.title = inst.title
    version = InstrumentVersion(
        instrument=model,
        version=inst.version,
        content_hash=content_hash(definition),
        definition=definition,
        source_file=source_file,
    )
    db.session.add(version)
    db.session.flush()
    record("instrument.published", version, f"Published {inst.title} version {inst.version} ({inst.key})", actor=actor)
    figures_changed.send("everything")
    return version


def _stored_versions(keys: set[str]) -> dict[tuple[str, int], InstrumentVersion]:
    if not keys:
        return {}
    rows = db.session.execute(
        sa.select(InstrumentVersion, InstrumentModel.key)
        .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
        .where(InstrumentModel.key.in_(keys))
    ).all()
    return {(key, version.version): version for version, key in rows}


def _instrument_models(keys: set[str]) -> dict[str, InstrumentModel]:
    if not keys:
        return {}
    rows = db.session.execute(sa.select(InstrumentModel).where(InstrumentModel.key.in_(keys))).scalars()
    return {m.key: m for m in rows}


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------
def get_version(version_id: int) -> InstrumentVersion:
    return get_or_404(InstrumentVersion, version_id, "instrument version")


def get_version_or_404(version_id: int) -> InstrumentVersion:
    return get_or_404(InstrumentVersion, version_id, "instrument version")


def versions_of_kind(kind: str) -> list[InstrumentVersion]:
    """Every stored version of instruments of `kind`, most recently loaded first."""
    return list(
        db.session.execute(
            sa.select(InstrumentVersion)
            .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
            .where(InstrumentModel.kind == kind)
            .order_by(InstrumentVersion.loaded_at.desc(), InstrumentVersion.version.desc(), InstrumentVersion.id.desc())
        ).scalars()
    )


def latest_version(key: str) -> InstrumentVersion | None:
    return db.session.execute(
        sa.select(InstrumentVersion)
        .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
        .where(InstrumentModel.key == key)
        .order_by(InstrumentVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def all_instruments() -> list[InstrumentModel]:
    return list(
        db.session.execute(sa.select(InstrumentModel).order_by(InstrumentModel.title, InstrumentModel.key)).scalars()
    )


# --- the question catalogue: keys followed across every published version ---------------------------------


def versions_of_key(key: str, *, up_to: int | None = None) -> list[InstrumentVersion]:
    stmt = (
        sa.select(InstrumentVersion)
        .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
        .where(InstrumentModel.key == key)
        .order_by(InstrumentVersion.version)
    )
    if up_to is not None:
        stmt = stmt.where(InstrumentVersion.version <= up_to)
    return list(db.session.execute(stmt).scalars())


def catalogue_for_version(version: InstrumentVersion, *, all_versions: bool = False) -> Catalogue:
    """The version's questions, with keys carried back through every earlier version's names (every later one's
    too: `all_versions`). One statement reads the versions' ids and hashes; their parses are shared by hash, so a
    definition is read only the first time it is seen."""
    rows = db.session.execute(
        _versions_statement(all_versions), {"instrument_id": version.instrument_id, "up_to": version.version}
    ).all() or [(version.id, version.content_hash)]
    return build_catalogue(
        parsed_definition(content_hash, partial(_definition, version_id), version_id)
        for version_id, content_hash in rows
    )


@cache
def _versions_statement(all_versions: bool) -> sa.Select:
    """(id, content hash) of an instrument's versions (up to one, unless `all_versions`), built once: every
    findings page reads it."""
    stmt = (
        sa.select(InstrumentVersion.id, InstrumentVersion.content_hash)
        .where(InstrumentVersion.instrument_id == sa.bindparam("instrument_id"))
        .order_by(InstrumentVersion.version)
    )
    return stmt if all_versions else stmt.where(InstrumentVersion.version <= sa.bindparam("up_to"))


def _definition(version_id: int) -> dict:
    return db.session.execute(
        sa.select(InstrumentVersion.definition).where(InstrumentVersion.id == version_id)
    ).scalar_one()


def catalogue_for_key(key: str) -> Catalogue | None:
    versions = versions_of_key(key)
    return build_catalogue(v.parsed for v in versions) if versions else None


def all_catalogues() -> dict[str, Catalogue]:
    """Every instrument's catalogue, from one query over all stored versions."""
    rows = db.session.execute(
        sa.select(InstrumentVersion, InstrumentModel.key)
        .join(InstrumentModel, InstrumentVersion.instrument_id == InstrumentModel.id)
        .order_by(InstrumentModel.key, InstrumentVersion.version)
    ).all()
    grouped: dict[str, list] = {}
    for version, key in rows:
        grouped.setdefault(key, []).append(version.parsed)
    return {key: build_catalogue(parsed) for key, parsed in grouped.items()}
