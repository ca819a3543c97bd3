"""Re-rating a criterion during the year, once its actions are closed. The rating given at submission stays on
the answer (the campaign's figure); each re-rating is kept as history and the latest is the current rating."""

from __future__ import annotations

from app.activity import record
from app.errors import DomainError, InvalidTransition, NotFound
from app.extensions import db
from app.selfassessment import tallies
from app.selfassessment.models import CriterionRating, Return
from app.selfassessment.queries import RAG_LABELS, return_view
from app.selfassessment.queries.ratings import rerating_problem
from app.selfassessment.services.returns import question_label
from app.signals import figures_changed
from app.utils import utcnow


def rerate_criterion(ret: Return, question_key: str, *, rag: str, reason: str, actor=None) -> CriterionRating:
    """Record a new current rating, with the reason, for one criterion of a submitted or accepted return whose
    actions are all closed (queries.ratings.rerating_problem). The organisation's own lead or partnership staff,
    once access.can_rerate allows it."""
    view = return_view(ret)
    criterion = view.criterion(question_key)
    if criterion is None or criterion.answer is None:
        raise NotFound("That criterion is not part of this return")
    problem = rerating_problem(ret, criterion)
    if problem:
        raise InvalidTransition(problem)
    if rag not in RAG_LABELS:
        raise DomainError("Select the current rating", field="rag")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter what has changed since the return was submitted", field="reason")
    if len(reason) > 2000:
        raise DomainError("What has changed must be 2000 characters or fewer", field="reason")
    rating = CriterionRating(
        return_answer_id=criterion.answer.id,
        rag=rag,
        reason=reason,
        rated_by_id=getattr(actor, "id", None),
        rated_at=utcnow(),
    )
    db.session.add(rating)
    db.session.flush()
    tallies.return_changed(ret)  # its figures carry its re-rated criteria
    record(
        "rerated",
        ret,
        f"Re-rated {question_label(view.instrument, question_key)} for {ret.organisation.name}: "
        f"{RAG_LABELS[criterion.rag]} at submission, {RAG_LABELS[rag]} now",
        actor=actor,
    )
    figures_changed.send("campaign", id=ret.campaign_id)
    return rating
