"""Aggregates (SQL) over submitted and accepted returns, used by the campaign pages and by findings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.questionnaire import Instrument
from app.selfassessment import snapshots
from app.selfassessment.models import Challenge, Return, ReturnAnswer
from app.selfassessment.queries._common import RAG_RANK, RANK_RAG, SUBMITTED_STATES
from app.selfassessment.queries.campaign import get_campaign, instrument_of


def _rank(column):
    return sa.case(*((column == rag, rank) for rag, rank in RAG_RANK.items()), else_=None)


def rag_by_criterion(campaign_id: int) -> dict[str, dict[str, dict[str, int]]]:
    """question_key -> {"self": {rag: n}, "moderated": {rag: n}} over submitted and accepted returns."""
    moderated = sa.func.coalesce(Challenge.moderated_rag, ReturnAnswer.rag)
    base = (
        sa.select(ReturnAnswer.question_key)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .where(Return.campaign_id == campaign_id, Return.state.in_(SUBMITTED_STATES), ReturnAnswer.rag.is_not(None))
    )
    result: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: {"self": {}, "moderated": {}})
    for kind, column in (("self", ReturnAnswer.rag), ("moderated", moderated)):
        rows = db.session.execute(
            base.add_columns(column.label("rag"), sa.func.count().label("n")).group_by(
                ReturnAnswer.question_key, column
            )
        ).all()
        for key, rag, n in rows:
            result[key][kind][rag] = n
    return dict(result)


def _theme_map(instrument: Instrument, themes: set[str] | None = None):
    pairs = [(q.key, t) for q in instrument.questions() for t in q.themes if themes is None or t in themes]
    return snapshots.theme_map(pairs) if pairs else None


@dataclass
class ThemeRag:
    worst_self: str | None
    worst_moderated: str | None
    counts: dict[str, int]


def self_assessed_theme_rag(campaign_id: int, themes: set[str] | None = None) -> dict[tuple[int, str], ThemeRag]:
    """(organisation id, theme) -> the worst self-assessed and moderated RAG of the criteria tagged with the theme,
    and the count of each self-assessed RAG, over submitted and accepted returns."""
    campaign = get_campaign(campaign_id)
    mapping = _theme_map(instrument_of(campaign), themes)
    if mapping is None:
        return {}
    moderated = sa.func.coalesce(Challenge.moderated_rag, ReturnAnswer.rag)
    rows = db.session.execute(
        sa.select(
            Return.organisation_id,
            mapping.c.theme,
            sa.func.max(_rank(ReturnAnswer.rag)),
            sa.func.max(_rank(moderated)),
            *(sa.func.sum(sa.case((ReturnAnswer.rag == rag, 1), else_=0)) for rag in RAG_RANK),
        )
        .select_from(ReturnAnswer)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .join(mapping, mapping.c.question_key == ReturnAnswer.question_key)
        .where(Return.campaign_id == campaign_id, Return.state.in_(SUBMITTED_STATES), ReturnAnswer.rag.is_not(None))
        .group_by(Return.organisation_id, mapping.c.theme)
    ).all()
    result = {}
    for org_id, theme, worst_self, worst_moderated, *counts in rows:
        result[(org_id, theme)] = ThemeRag(
            worst_self=RANK_RAG.get(worst_self),
            worst_moderated=RANK_RAG.get(worst_moderated),
            counts={rag: int(n or 0) for rag, n in zip(RAG_RANK, counts)},
        )
    return result
