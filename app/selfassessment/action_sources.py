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


def criterion_text(version_id: int | None, key: str | None) -> str | None:
    """The wording of a self-assessment criterion (versions are few and cached, so this costs no query per row)."""
    if version_id is None or key is None:
        return None
    version = db.session.get(InstrumentVersion, version_id)
    if version is None:
        return key
    instrument = version.parsed
    if instrument.has_question(key):
        return instrument.question(key).text
    question = catalogue_for_version(version, all_versions=True).question_for(key)
    return question.text if question is not None else key


def _describe(actions: list[ActionItem], viewer) -> dict[int, SourceLine]:
    answer_ids = {a.return_answer_id for a in actions if a.return_answer_id is not None}
    if not answer_ids:
        return {}
    rows = {r.id: r for r in db.session.execute(
        sa.select(ReturnAnswer.id, ReturnAnswer.question_key, Return.id.label("return_id"), Campaign.title,
                  Campaign.instrument_version_id)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .join(Campaign, Return.campaign_id == Campaign.id)
        .where(ReturnAnswer.id.in_(answer_ids)))}
    endpoint = "selfassessment.review" if is_partnership_staff(viewer) else "selfassessment.task_list"
    lines = {}
    for action in actions:
        row = rows.get(action.return_answer_id)
        if row is not None:
            lines[action.id] = SourceLine(
                link_text=f"Self-assessment return, {row.title}",
                href=url_for(endpoint, return_id=row.return_id) if viewer is not None else None,
                detail=criterion_text(row.instrument_version_id, row.question_key))
    return lines


def register() -> None:
    register_source(ActionSource(kind="self_assessment", label="Self-assessment return", order=10,
                                 condition=lambda: ActionItem.return_answer_id.is_not(None), describe=_describe))
