"""Every state change for findings: validate, flush, record activity. Actions are app.actions."""

from __future__ import annotations

import sqlalchemy as sa

from app import signals
from app.actions.services import create_action
from app.activity import record
from app.errors import DomainError, checked_text
from app.extensions import db
from app.findings.models import FINDING_HEADINGS, FiguresCache, Finding
from app.selfassessment.queries import SUBMITTED_STATES

FINDING_TEXT_MAX = 10000


# --- findings ------------------------------------------------------------------------------------------------


def _check_heading(heading: str) -> str:
    if heading not in FINDING_HEADINGS:
        raise DomainError("Select a heading", field="heading")
    return heading


def _clean_themes(themes) -> list[str]:
    return sorted({str(t) for t in (themes or []) if t})


def add_finding(*, heading, text, themes=(), round_id=None, campaign_id=None, actor=None) -> Finding:
    """Add a finding under a heading to one round or campaign, last under that heading. Partnership staff (admin,
    qa) only: the routes are limited to them."""
    if (round_id is None) == (campaign_id is None):
        raise DomainError("A finding belongs to exactly one round or campaign")
    heading = _check_heading(heading)
    text = checked_text(text, field="text", label="the finding", max_length=FINDING_TEXT_MAX)
    parent = Finding.round_id == round_id if round_id is not None else Finding.campaign_id == campaign_id
    position = (
        db.session.execute(
            sa.select(sa.func.coalesce(sa.func.max(Finding.position), 0)).where(parent, Finding.heading == heading)
        ).scalar_one()
        + 1
    )
    finding = Finding(
        round_id=round_id,
        campaign_id=campaign_id,
        heading=heading,
        text=text,
        themes=_clean_themes(themes),
        position=position,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(finding)
    db.session.flush()
    record("created", finding, f"{FINDING_HEADINGS[heading]} finding added", actor=actor)
    return finding


def edit_finding(finding: Finding, *, heading, text, themes=(), actor=None) -> Finding:
    """Change a finding's heading, text and themes. Partnership staff (admin, qa) only."""
    finding.heading = _check_heading(heading)
    finding.text = checked_text(text, field="text", label="the finding", max_length=FINDING_TEXT_MAX)
    finding.themes = _clean_themes(themes)
    db.session.flush()
    record("updated", finding, f"{FINDING_HEADINGS[finding.heading]} finding edited", actor=actor)
    return finding


def delete_finding(finding: Finding, *, actor=None) -> None:
    """Delete a finding that has no actions (refused otherwise). Partnership staff (admin, qa) only."""
    if finding.actions:
        raise DomainError("This finding has actions. Cancel or move them before deleting it.")
    record("deleted", finding, f"{FINDING_HEADINGS.get(finding.heading, finding.heading)} finding deleted", actor=actor)
    db.session.delete(finding)
    db.session.flush()


# --- retention -----------------------------------------------------------------------------------------------


def subscribe() -> None:
    """Keep a round's figures when its case-level data is purged (app.signals.round_purging); at app start-up."""
    signals.round_purging.connect(snapshot_round_figures)


def snapshot_round_figures(audit_round) -> None:
    """Keep the round's aggregated figures so its findings page survives the purge of case-level data."""
    from app.findings.figures import round_snapshot

    audit_round.figures_snapshot = round_snapshot(audit_round)
    # The snapshot replaces the figures kept between requests; they were computed from the data being removed.
    db.session.execute(sa.delete(FiguresCache).where(FiguresCache.round_id == audit_round.id))
    db.session.flush()
    record("snapshotted", audit_round, "Aggregated figures kept for retention")


# --- actions on findings -------------------------------------------------------------------------------------


def add_finding_action(finding: Finding, *, retest_question_key=None, actor=None, **fields):
    """Add an action (app.actions.services.create_action's `fields`) to a finding; on a case-audit round finding
    it may name the criterion that should improve (`retest_question_key`), re-tested in the next round with the
    same audit tool. Partnership staff (admin, qa) only: the routes are limited to them."""
    from app.findings.retest import check_criterion

    key = check_criterion(finding, retest_question_key)
    action = create_action(finding_id=finding.id, actor=actor, **fields)
    if key is not None:
        action.retest_question_key = key
        db.session.flush()
        record("updated", action, f"Criterion to re-test: {key}", actor=actor)
    return action


# --- actions on assurance contradictions ---------------------------------------------------------------------


def add_contradiction_action(ret, question_key: str, *, actor=None, **fields):
    """Add an action (app.actions.services.create_action's `fields`) on one rated criterion of a submitted return,
    raised from an assurance contradiction about it. Partnership staff (admin, qa) only: the routes are limited to
    them."""
    if ret.state not in SUBMITTED_STATES:
        raise DomainError("Actions are raised from a contradiction once the return has been submitted")
    row = next((a for a in ret.answers if a.question_key == question_key and a.rag is not None), None)
    if row is None:
        raise DomainError("Select a rated criterion of this return", field="question_key")
    return create_action(return_answer_id=row.id, actor=actor, **fields)
