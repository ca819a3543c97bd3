"""Criteria re-rated during the year: whether a criterion may be re-rated now, and its rating at submission next to
its current one."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.actions.models import ActionStatus
from app.actions.queries import is_closed
from app.extensions import db
from app.selfassessment.models import CampaignState, CriterionRating, Return, ReturnAnswer
from app.selfassessment.queries._common import SUBMITTED_STATES


def rerating_problem(ret: Return, criterion) -> str | None:
    """Why this criterion (a CriterionView) cannot be re-rated now, or None when it can: the return has been
    submitted (or accepted), the criterion was rated, it has actions and every one of them is closed (cancelled
    actions aside). Changes nothing."""
    if ret.campaign.state == CampaignState.draft or ret.state not in SUBMITTED_STATES:
        return "A criterion can be re-rated once its return has been submitted"
    if criterion is None or criterion.rag is None:
        return "This criterion has no rating to change"
    actions = [linked.action for linked in criterion.actions if linked.action.status != ActionStatus.cancelled]
    if not actions:
        return "A criterion can be re-rated once its actions are closed, and this one has none"
    still_open = [a for a in actions if not is_closed(a)]
    if still_open:
        return (
            f"{len(still_open)} of its {len(actions)} actions {'is' if len(still_open) == 1 else 'are'} "
            "not closed yet: it can be re-rated once every action is closed"
        )
    return None


def current_ratings(return_ids: list[int]) -> dict[tuple[int, str], CriterionRating]:
    """(return id, question key) -> the latest re-rating, for criteria of these returns that were re-rated."""
    if not return_ids:
        return {}
    rows = db.session.execute(
        sa.select(ReturnAnswer.return_id, ReturnAnswer.question_key, CriterionRating)
        .join(ReturnAnswer, CriterionRating.return_answer_id == ReturnAnswer.id)
        .where(ReturnAnswer.return_id.in_(return_ids))
        .order_by(CriterionRating.id)
    ).all()
    return {(return_id, key): rating for return_id, key, rating in rows}


def rerated_criteria(campaign_id: int) -> list[tuple[Return, ReturnAnswer, CriterionRating]]:
    """Every re-rated criterion of the campaign: the return, the answer (the rating at submission) and the
    latest re-rating, by organisation name then criterion."""
    latest = (
        sa.select(sa.func.max(CriterionRating.id))
        .join(ReturnAnswer, CriterionRating.return_answer_id == ReturnAnswer.id)
        .join(Return, ReturnAnswer.return_id == Return.id)
        .where(Return.campaign_id == campaign_id)
        .group_by(CriterionRating.return_answer_id)
    )
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(Return, ReturnAnswer, CriterionRating)
            .join(ReturnAnswer, CriterionRating.return_answer_id == ReturnAnswer.id)
            .join(Return, ReturnAnswer.return_id == Return.id)
            .join(Organisation, Return.organisation_id == Organisation.id)
            .where(CriterionRating.id.in_(latest))
            .order_by(Organisation.name, ReturnAnswer.id)
        ).all()
    ]
