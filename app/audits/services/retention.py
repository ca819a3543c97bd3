"""Retention: removing case-level data of long-closed rounds while keeping their figures."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.activity import record
from app.audits import tallies
from app.audits.models import (
    Assignment,
    AuditCase,
    AuditRound,
    CaseAnswer,
    CaseResponse,
    ModeratedAnswer,
    Moderation,
    RoundState,
)
from app.audits.panel_models import LiveConcern
from app.audits.queries import agreement_snapshot
from app.extensions import db
from app.signals import figures_changed, round_purging
from app.utils import utcnow

PURGED_TEXT = "Removed under the retention policy."


# ---------------------------------------------------------------------------------------------
# Retention
# ---------------------------------------------------------------------------------------------
def purge_case_data(closed_before: datetime, dry_run: bool = False) -> str:
    """Remove case-level data of rounds closed before `closed_before`, keeping their aggregated figures.

    Removed: every agency's answers, the cases' age band, gender, ethnicity and area, the
    moderation panel's free text, and what each live concern was and its outcome (who owned it and where
    it was escalated, on which date, are kept for the round report). Kept: rounds, pseudonymised case references, agreed ratings and
    grades, findings and actions, and a snapshot of the figures taken first.

    Run by operators through `flask data purge` (app/cli.py); no page calls it.
    """
    rounds = list(
        db.session.execute(
            sa.select(AuditRound)
            .where(
                AuditRound.state == RoundState.closed,
                AuditRound.closed_at < closed_before,
                AuditRound.purged_at.is_(None),
            )
            .order_by(AuditRound.id)
        ).scalars()
    )
    total_answers = total_cases = 0
    for audit_round in rounds:
        case_ids = sa.select(AuditCase.id).where(AuditCase.round_id == audit_round.id)
        response_ids = (
            sa.select(CaseResponse.id)
            .join(Assignment, CaseResponse.assignment_id == Assignment.id)
            .where(Assignment.case_id.in_(case_ids))
        )
        answers = db.session.execute(
            sa.select(sa.func.count()).select_from(CaseAnswer).where(CaseAnswer.response_id.in_(response_ids))
        ).scalar_one()
        cases = db.session.execute(
            sa.select(sa.func.count()).select_from(AuditCase).where(AuditCase.round_id == audit_round.id)
        ).scalar_one()
        total_answers += answers
        total_cases += cases
        if dry_run:
            continue
        round_purging.send(audit_round)  # the findings feature keeps the round's figures (app/signals.py)
        kept = audit_round.figures_snapshot or {}
        if "agreement" not in kept:  # (the findings feature's figures hold it already)
            audit_round.figures_snapshot = {**kept, "agreement": agreement_snapshot(audit_round)}
        db.session.flush()
        moderation_ids = sa.select(Moderation.id).where(Moderation.case_id.in_(case_ids))
        db.session.execute(
            sa.delete(CaseAnswer)
            .where(CaseAnswer.response_id.in_(response_ids))
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.update(AuditCase)
            .where(AuditCase.round_id == audit_round.id)
            .values(age_band=None, gender=None, ethnicity=None, area=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.update(ModeratedAnswer)
            .where(ModeratedAnswer.moderation_id.in_(moderation_ids))
            .values(comment=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.update(Moderation)
            .where(Moderation.id.in_(moderation_ids))
            .values(strengths=None, areas_for_improvement=None, learning=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.update(LiveConcern)
            .where(LiveConcern.case_id.in_(case_ids))
            .values(description=None, outcome=PURGED_TEXT)
            .execution_options(synchronize_session=False)
        )
        tallies.forget_round(audit_round)
        audit_round.purged_at = utcnow()
        db.session.flush()
        record(
            "purged",
            audit_round,
            f"Case-level data of “{audit_round.title}” removed under the retention policy "
            f"({answers} answers, {cases} case records); aggregated figures kept",
        )
        figures_changed.send("round", id=audit_round.id)
    db.session.expire_all()
    return (
        f"{len(rounds)} closed round{'s' if len(rounds) != 1 else ''}: {total_answers} answer"
        f"{'s' if total_answers != 1 else ''} and the details of {total_cases} case{'s' if total_cases != 1 else ''}"
    )
