"""Findings figures kept between requests, and the bookkeeping that says when they are out of date.

A round's or campaign's figures are computed from thousands of answers; the findings pages, the organisation
pages and the workbooks ask for them far more often than the answers change. Each round and campaign carries a
`figures_token` that is replaced, in the same transaction, whenever a service changes anything its figures are
computed from. The services say so explicitly by sending `app.signals.figures_changed` before they return; the
findings feature subscribes (`subscribe()`, from its init_app) and renews the tokens. These are the changes that
send it, and the services sending it:

* a round (`"round"`, its id): its details and state (update, open, moderation, reopen, close), its cases
  and assignments (add, import, remove, set), a response submitted or returned, a case moderated, and the
  retention purge of its case-level data (app/audits/services.py);
* a campaign (`"campaign"`, its id): its state (open, close), a return's state (first save, submit, return,
  accept), a challenge, a criterion re-rated during the year, its due date or a return's extension, a new
  organisation's return, a practitioner survey response, a survey closing with its frozen snapshot, and the
  campaign's surveys closing (app/selfassessment/services/, survey_services.py);
* every round and campaign (`"everything"`): an organisation created or changed (names and types appear in the
  figures; app/accounts/services/organisations.py) and an instrument version published or loaded (a later
  version's renames reach earlier rounds' figures; app/questionnaire/store.py).

The audit round page keeps the round's agreement figures under the same token
(app.audits.queries.kept_agreement_snapshot). A new round or campaign needs no signal: it is inserted with a
token of its own. Saving a draft changes nothing
anybody else sees, so draft saves do not send. A service that changes any of these
(including through a bulk UPDATE or DELETE) must send the signal too, or kept figures go stale.

`stored()` reads the token before anything else, so figures kept under a token were computed from data at least
as new as the token; a random token (not a counter) cannot come round again after a rollback. Figures are kept
under a stamp of the token, FIGURES_VERSION and the settings they depend on (thresholds, theme titles), so a
changed threshold recomputes them. A transaction that has itself written anything computes afresh and keeps
nothing: what it saw may yet be rolled back.

FIGURES_VERSION: bump it whenever what the figures hold changes for the same data: a new or renamed key, a
changed calculation, a changed label table (ORG_TYPE_LABELS, AGE_BANDS, RAG labels and the like, wherever they are
defined). A deploy then recomputes every kept figure instead of serving ones of the old shape.

Figures handed out are read-only (`FrozenDict`, `FrozenList`): the same objects serve every request of this
process, so a page that changed them would change what the next request sees. Copy them to change them
(`copy.deepcopy` gives plain dicts and lists).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app import signals
from app.db import WRITE_METHODS, wrote_in_transaction
from app.extensions import db
from app.frozen import freeze
from app.findings.models import FiguresCache
from app.questionnaire import theme_titles
from app.utils import new_figures_token, utcnow

FIGURES_VERSION = 4

EVERYTHING = "*"

# The columns of the periods that carry a token, by kind (the tables belong to audits and selfassessment).
_TOKENS = {
    kind: sa.table(name, sa.column("id"), sa.column("figures_token"))
    for kind, name in (("round", "audit_round"), ("campaign", "campaign"))
}


def renew_tokens(connection, kind: str, ids=EVERYTHING) -> None:
    """Mark the figures of these periods (or all of a kind) out of date, in the caller's transaction."""
    table = _TOKENS[kind]
    stmt = sa.update(table).values(figures_token=new_figures_token())
    if ids is not EVERYTHING:
        stmt = stmt.where(table.c.id.in_(sorted(ids)))
    connection.execute(stmt)


def _figures_changed(kind: str, id: int | None = None, **_) -> None:
    """A service changed something the figures of this period (or of every period) are computed from."""
    connection = db.session.connection()
    if kind == signals.EVERYTHING:
        for each in _TOKENS:
            renew_tokens(connection, each)
    elif id is not None:  # (a period not yet flushed gets a new token when it is inserted)
        renew_tokens(connection, kind, [id])


def subscribe() -> None:
    signals.figures_changed.connect(_figures_changed)


# --- reading ---------------------------------------------------------------------------------------------------


def _inputs() -> str:
    """What, besides the data, the figures depend on: their version, the settings and the theme titles."""
    config = current_app.config
    inputs = {
        key: config[key]
        for key in ("MIN_CELL_SIZE", "STRENGTH_THRESHOLD", "IMPROVEMENT_THRESHOLD", "TRIANGULATION_AGREEMENT_THRESHOLD")
    }
    inputs["themes"] = theme_titles()
    return f"v{FIGURES_VERSION}:" + hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:24]


# Figures this process last served, by period: (stamp, figures), so that a page does not read and parse them from
# `figures_cache` again while its stamp holds (a large campaign's are 1.9 MB of JSON). They are frozen: the same
# objects serve every request.
_held: dict[tuple[str, int], tuple[str, dict]] = {}
_HELD_PER_KIND = {"round": 64, "campaign": 8}  # a national campaign's figures take about 8 MB in memory
_held_lock = threading.Lock()


def stored(kind: str, period_id: int, compute: Callable[[], dict]) -> dict:
    """The figures of this round or campaign as `compute()` would give them now, read-only: kept ones if nothing
    they depend on has changed since, otherwise computed and kept."""
    table = _TOKENS[kind]
    token = db.session.execute(sa.select(table.c.figures_token).where(table.c.id == period_id)).scalar_one()
    if wrote_in_transaction(db.session):  # (the select above flushed any pending change first)
        return freeze(compute())
    stamp = f"{token}:{_inputs()}"
    held = _held.get((kind, period_id))
    if held is not None and held[0] == stamp:
        return held[1]
    column = FiguresCache.round_id if kind == "round" else FiguresCache.campaign_id
    kept = db.session.execute(sa.select(FiguresCache.stamp, FiguresCache.figures).where(column == period_id)).first()
    if kept is not None and kept.stamp == stamp:
        figures = freeze(kept.figures)
    else:
        figures = freeze(compute())
        _keep(column.key, period_id, stamp, figures)
    if token is not None:  # (a period from before tokens were set on insert could share its stamp with a later one)
        _hold(kind, period_id, stamp, figures)
    return figures


def _hold(kind: str, period_id: int, stamp: str, figures: dict) -> None:
    with _held_lock:
        _held.pop((kind, period_id), None)
        _held[(kind, period_id)] = (stamp, figures)
        mine = [key for key in _held if key[0] == kind]
        for key in mine[: len(mine) - _HELD_PER_KIND[kind]]:  # the longest held first
            del _held[key]


def _keep(column: str, period_id: int, stamp: str, figures: dict) -> None:
    """Store the figures in a transaction of their own: a page that only reads must not have to commit. (Under
    the tests' per-test transaction this is a savepoint on the same connection.)"""
    if has_request_context() and request.method in WRITE_METHODS:
        # A writing request may hold SQLite's write lock (BEGIN IMMEDIATE), which a second connection would wait
        # for; such pages are rare, so they simply compute.
        return
    bind = db.session.get_bind()
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    values = {column: period_id, "stamp": stamp, "figures": figures, "computed_at": utcnow()}
    stmt = insert(FiguresCache.__table__).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[column],
        set_={"stamp": stmt.excluded.stamp, "figures": stmt.excluded.figures, "computed_at": stmt.excluded.computed_at},
    )
    try:
        with Session(bind=bind, join_transaction_mode="create_savepoint") as writer:
            writer.execute(stmt)
            writer.commit()
    except SQLAlchemyError as exc:  # keeping them is only a saving; the page has its figures either way
        current_app.logger.warning("findings figures for %s %s not kept: %s", column, period_id, exc)
