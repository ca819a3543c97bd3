"""Actions raised on a self-assessment criterion rated Amber or Red, as the action tracker describes them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from app.permissions import is_partnership_staff
from app.actions.models import ActionItem
from app.actions.sources import ActionSource, SourceLine, register_source
from app.extensions import db
from app.questionnaire import InstrumentVersion, catalogue_for_version
from app.selfassessment.models import Campaign, Return, ReturnAnswer


def criterion_texts(pairs) -> dict[tuple[int, str], str]:
    """The wording of each self-assessment criterion named by (version id, stored key): the version's own, or for a
    key it no longer has, the wording of the question the key was renamed to. One catalogue per version at most."""
    texts: dict[tuple[int, str], str] = {}
    catalogues = {}
    for version_id, key in pairs:
        version = db.session.get(InstrumentVersion, version_id)  # few versions, held by the session after the first
        if version is None:
            texts[(version_id, key)] = key
            continue
        instrument = version.parsed
        if instrument.has_question(key):
            texts[(version_id, key)] = instrument.question(key).text
            continue
        if version_id not in catalogues:
            catalogues[version_id] = catalogue_for_version(version, all_versions=True)
        question = catalogues[version_id].question_for(key)
        texts[(version_id, key)] = question.text if question is not None else key
    return texts


def _describe(actions: list[ActionItem], viewer) -> dict[int, SourceLine]:
    answer_ids = {a.return_answer_id for a in actions if a.return_answer_id is not None}
    if not answer_ids:
        return {}
    rows = {
        r.id: r
        for r in db.session.execute(
            sa.select(
                ReturnAnswer.id,
                ReturnAnswer.question_key,
                Return.id.label("return_id"),
                Campaign.title,
                Campaign.instrument_version_id,
            )
            .join(Return, ReturnAnswer.return_id == Return.id)
            .join(Campaign, Return.campaign_id == Campaign.id)
            .where(ReturnAnswer.id.in_(answer_ids))
        )
    }
    endpoint = "selfassessment.review" if is_partnership_staff(viewer) else "selfassessment.task_list"
    texts = criterion_texts({(r.instrument_version_id, r.question_key) for r in rows.values()})
    lines = {}
    for action in actions:
        row = rows.get(action.return_answer_id)
        if row is not None:
            lines[action.id] = SourceLine(
                link_text=f"Self-assessment return, {row.title}",
                href=url_for(endpoint, return_id=row.return_id) if viewer is not None else None,
                detail=texts[(row.instrument_version_id, row.question_key)],
            )
    return lines


def register() -> None:
    register_source(
        ActionSource(
            kind="self_assessment",
            label="Self-assessment return",
            order=10,
            condition=lambda: ActionItem.return_answer_id.is_not(None),
            describe=_describe,
        )
    )
