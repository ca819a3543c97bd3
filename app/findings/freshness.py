"""Findings figures kept between requests, and the bookkeeping that says when they are out of date (DESIGN §10).

A round's or campaign's figures are computed from thousands of answers; the findings pages, the organisation
pages and the workbooks ask for them far more often than the answers change. Each round and campaign carries a
`figures_token` that is replaced, in the same transaction, whenever a flush or a bulk statement changes anything
its figures are computed from:

* a round: its cases, assignments, moderation, and the answers and state of its submitted responses;
* a campaign: its returns (their states, and the answers of those submitted or accepted), challenges, survey
  links (closing one), responses, answers and the snapshots frozen when a survey or the campaign closes;
* every round and campaign: organisations (names and types appear in the figures) and instruments (a later
  version's renames reach earlier rounds' figures).

Saving a draft changes nothing anybody else sees, so draft answers do not replace the token.

`stored()` reads the token before anything else, so figures kept under a token were computed from data at least
as new as the token; a random token (not a counter) cannot come round again after a rollback. Figures are kept
under a stamp of the token, the settings they depend on and the code that computes them, so a deploy or a
changed threshold recomputes them. A transaction that has itself written anything computes afresh and keeps
nothing: what it saw may yet be rolled back.
"""
from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Callable

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.accounts.models import Organisation
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    ResponseState,
)
from app.db import WRITE_METHODS, wrote_in_transaction
from app.extensions import db
from app.findings.models import FiguresCache
from app.findings.queries import COUNTED_RETURN_STATES
from app.questionnaire import InstrumentModel, InstrumentVersion, theme_titles
from app.selfassessment.models import (
    Campaign,
    Challenge,
    Return,
    ReturnAnswer,
    SurveyAnswer,
    SurveyLink,
    SurveyResponse,
    SurveySnapshot,
)
from app.utils import new_figures_token, utcnow

EVERYTHING = "*"

# Rows whose period is looked up after the flush: (kind, anchor) -> the statement giving period ids for `ids`.
# An anchor ending in "?" counts only while its response or return is submitted (drafts are nobody else's yet).
_PERIOD_OF = {
    ("round", "case"): lambda ids: sa.select(AuditCase.round_id).where(AuditCase.id.in_(ids)),
    ("round", "assignment"): lambda ids: (sa.select(AuditCase.round_id)
                                          .join(Assignment, Assignment.case_id == AuditCase.id)
                                          .where(Assignment.id.in_(ids))),
    ("round", "response?"): lambda ids: (sa.select(AuditCase.round_id)
                                         .join(Assignment, Assignment.case_id == AuditCase.id)
                                         .join(CaseResponse, CaseResponse.assignment_id == Assignment.id)
                                         .where(CaseResponse.id.in_(ids),
                                                CaseResponse.state == ResponseState.submitted)),
    ("round", "moderation"): lambda ids: (sa.select(AuditCase.round_id)
                                          .join(Moderation, Moderation.case_id == AuditCase.id)
                                          .where(Moderation.id.in_(ids))),
    ("campaign", "return?"): lambda ids: sa.select(Return.campaign_id).where(Return.id.in_(ids),
                                                                            Return.state.in_(COUNTED_RETURN_STATES)),
    ("campaign", "return_answer"): lambda ids: (sa.select(Return.campaign_id)
                                                .join(ReturnAnswer, ReturnAnswer.return_id == Return.id)
                                                .where(ReturnAnswer.id.in_(ids))),
    ("campaign", "survey_link"): lambda ids: sa.select(SurveyLink.campaign_id).where(SurveyLink.id.in_(ids)),
    ("campaign", "survey_response"): lambda ids: (sa.select(SurveyLink.campaign_id)
                                                  .join(SurveyResponse, SurveyResponse.survey_link_id == SurveyLink.id)
                                                  .where(SurveyResponse.id.in_(ids))),
}
_PERIOD_MODELS = {"round": AuditRound, "campaign": Campaign}
_EVERY_PERIOD = (Organisation, InstrumentModel, InstrumentVersion)
_TABLE_KINDS = {
    **{model.__tablename__: ("round",) for model in (AuditRound, AuditCase, Assignment, CaseResponse, CaseAnswer,
                                                     Moderation, ModeratedAnswer)},
    **{model.__tablename__: ("campaign",) for model in (Campaign, Return, ReturnAnswer, Challenge, SurveyLink,
                                                        SurveyResponse, SurveyAnswer, SurveySnapshot)},
    **{model.__tablename__: ("round", "campaign") for model in _EVERY_PERIOD},
}


def _state_changed(obj) -> bool:
    return sa.inspect(obj).attrs.state.history.has_changes()


def _in_session(session: Session, model, ident):
    """The object with this primary key if the session holds it already (no SQL)."""
    return session.identity_map.get(sa.inspect(model).identity_key_from_primary_key((ident,)))


def _anchors(session: Session, obj, status: str):
    """(kind, anchor, id) for the rows whose period the change to `obj` reaches; anchor None means the period's
    own id, EVERYTHING every period of that kind."""
    if isinstance(obj, AuditRound):
        return [("round", None, obj.id)]
    if isinstance(obj, AuditCase):
        return [("round", None, obj.round_id)]
    if isinstance(obj, (Assignment, Moderation)):
        return [("round", "case", obj.case_id)]
    if isinstance(obj, CaseResponse):
        if status == "deleted" or _state_changed(obj) or obj.state == ResponseState.submitted:
            return [("round", "assignment", obj.assignment_id)]
        return []
    if isinstance(obj, CaseAnswer):
        response = _in_session(session, CaseResponse, obj.response_id)
        if response is None:
            return [("round", "response?", obj.response_id)]
        # A change of the response's state is its own rule's business; here only a submitted one's answers count.
        return [("round", "assignment", response.assignment_id)] if response.state == ResponseState.submitted else []
    if isinstance(obj, ModeratedAnswer):
        return [("round", "moderation", obj.moderation_id)]
    if isinstance(obj, Campaign):
        return [("campaign", None, obj.id)]
    if isinstance(obj, Return):
        # A return's state is counted in the figures whatever it is; its answers only once it is submitted.
        if status != "changed" or _state_changed(obj) or obj.state in COUNTED_RETURN_STATES:
            return [("campaign", None, obj.campaign_id)]
        return []
    if isinstance(obj, ReturnAnswer):
        ret = _in_session(session, Return, obj.return_id)
        if ret is None:
            return [("campaign", "return?", obj.return_id)]
        return [("campaign", None, ret.campaign_id)] if ret.state in COUNTED_RETURN_STATES else []
    if isinstance(obj, Challenge):
        return [("campaign", "return_answer", obj.return_answer_id)]
    if isinstance(obj, (SurveyLink, SurveySnapshot)):
        return [("campaign", None, obj.campaign_id)]
    if isinstance(obj, SurveyResponse):
        return [("campaign", "survey_link", obj.survey_link_id)]
    if isinstance(obj, SurveyAnswer):
        return [("campaign", "survey_response", obj.survey_response_id)]
    if isinstance(obj, _EVERY_PERIOD):
        return [("round", None, EVERYTHING), ("campaign", None, EVERYTHING)]
    return []


def _changes(session: Session):
    """(object, "new" | "changed" | "deleted") for what this flush wrote (in after_flush the session still
    holds its pre-flush lists and attribute history)."""
    for obj in session.new:
        yield obj, "new"
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            yield obj, "changed"
    for obj in session.deleted:
        yield obj, "deleted"


def renew_tokens(connection, kind: str, ids=EVERYTHING) -> None:
    """Mark the figures of these periods (or all of a kind) out of date, in the caller's transaction."""
    table = _PERIOD_MODELS[kind].__table__
    stmt = sa.update(table).values(figures_token=new_figures_token())
    if ids is not EVERYTHING:
        stmt = stmt.where(table.c.id.in_(sorted(ids)))
    connection.execute(stmt)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    direct: dict[str, set] = {"round": set(), "campaign": set()}
    via: dict[tuple[str, str], set] = {}
    everything: set[str] = set()
    for obj, status in _changes(session):
        try:
            anchors = _anchors(session, obj, status)
        except SQLAlchemyError:  # a deleted row whose keys were never loaded: nothing to look up; renew them all
            anchors = [(kind, None, EVERYTHING) for kind in _TABLE_KINDS.get(getattr(obj, "__tablename__", None), ())]
        for kind, anchor, value in anchors:
            if value is EVERYTHING:
                everything.add(kind)
            elif value is not None and anchor is None:
                direct[kind].add(value)
            elif value is not None:
                via.setdefault((kind, anchor), set()).add(value)
    if not (everything or via or any(direct.values())):
        return
    connection = session.connection()
    for (kind, anchor), ids in via.items():
        if kind not in everything:
            direct[kind].update(connection.execute(_PERIOD_OF[kind, anchor](sorted(ids))).scalars())
    for kind, ids in direct.items():
        if kind in everything:
            renew_tokens(connection, kind)
        elif ids:
            renew_tokens(connection, kind, ids)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(orm_execute_state) -> None:
    """An UPDATE, DELETE or INSERT statement bypasses the flush: renew every period of the kinds it touches."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete or orm_execute_state.is_insert):
        return
    table = getattr(orm_execute_state.statement, "table", None)
    kinds = _TABLE_KINDS.get(getattr(table, "name", None), ())
    if kinds:
        connection = orm_execute_state.session.connection()
        for kind in kinds:
            renew_tokens(connection, kind)


# --- reading ---------------------------------------------------------------------------------------------------

_code_digest: str | None = None


def _inputs_digest() -> str:
    """What, besides the data, the figures depend on: the code computing them, the settings and theme titles."""
    global _code_digest
    if _code_digest is None:  # the findings package, the instrument model its catalogues are built from, and the
        code = hashlib.sha256()  # self-assessment read models its triangulation comes from
        app_dir = Path(__file__).parent.parent
        sources = [*Path(__file__).parent.glob("*.py"), *(app_dir / "questionnaire").glob("*.py"),
                   app_dir / "selfassessment" / "queries.py", app_dir / "selfassessment" / "snapshots.py"]
        for source in sorted(sources):
            code.update(source.name.encode() + b"\0" + source.read_bytes())
        _code_digest = code.hexdigest()[:24]
    config = current_app.config
    inputs = {key: config[key] for key in ("MIN_CELL_SIZE", "STRENGTH_THRESHOLD", "IMPROVEMENT_THRESHOLD",
                                           "TRIANGULATION_AGREEMENT_THRESHOLD")}
    inputs["themes"] = theme_titles()
    return _code_digest + hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:24]


# Figures this process last served, by period: (stamp, figures), so that a page does not read and parse them from
# `figures_cache` again while its stamp holds (a large campaign's are 1.9 MB of JSON). Callers only read them.
_held: dict[tuple[str, int], tuple[str, dict]] = {}
_HELD_PER_KIND = {"round": 64, "campaign": 8}  # a national campaign's figures take about 8 MB in memory
_held_lock = threading.Lock()


def stored(period: AuditRound | Campaign, compute: Callable[[], dict]) -> dict:
    """The period's figures as `compute()` would give them now: kept ones if nothing they depend on has changed
    since, otherwise computed and kept. Treat them as read-only: the same dict serves every request."""
    kind = "round" if isinstance(period, AuditRound) else "campaign"
    model = _PERIOD_MODELS[kind]
    token = db.session.execute(sa.select(model.figures_token).where(model.id == period.id)).scalar_one()
    if wrote_in_transaction(db.session):  # (the select above flushed any pending change first)
        return compute()
    stamp = f"{token}:{_inputs_digest()}"
    held = _held.get((kind, period.id))
    if held is not None and held[0] == stamp:
        return held[1]
    column = FiguresCache.round_id if kind == "round" else FiguresCache.campaign_id
    kept = db.session.execute(sa.select(FiguresCache.stamp, FiguresCache.figures).where(column == period.id)).first()
    if kept is not None and kept.stamp == stamp:
        figures = kept.figures
    else:
        figures = compute()
        _keep(column.key, period.id, stamp, figures)
    if token is not None:  # (a period from before tokens were set on insert could share its stamp with a later one)
        _hold(kind, period.id, stamp, figures)
    return figures


def _hold(kind: str, period_id: int, stamp: str, figures: dict) -> None:
    with _held_lock:
        _held.pop((kind, period_id), None)
        _held[(kind, period_id)] = (stamp, figures)
        mine = [key for key in _held if key[0] == kind]
        for key in mine[:len(mine) - _HELD_PER_KIND[kind]]:  # the longest held first
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
    stmt = stmt.on_conflict_do_update(index_elements=[column], set_={
        "stamp": stmt.excluded.stamp, "figures": stmt.excluded.figures, "computed_at": stmt.excluded.computed_at})
    try:
        with Session(bind=bind, join_transaction_mode="create_savepoint") as writer:
            writer.execute(stmt)
            writer.commit()
    except SQLAlchemyError as exc:  # keeping them is only a saving; the page has its figures either way
        current_app.logger.warning("findings figures for %s %s not kept: %s", column, period_id, exc)
