"""Every state change for findings and actions: validate, flush, record activity."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app import signals
from app.accounts.models import Organisation
from app.activity import record
from app.errors import DomainError, NotFound
from app.extensions import db
from app.findings.models import FINDING_HEADINGS, ActionItem, ActionStatus, ActionUpdate, FiguresCache, Finding
from app.utils import utcnow

DESCRIPTION_MAX = 4000
NOTE_MAX = 4000
FINDING_TEXT_MAX = 10000
OWNER_NAME_MAX = 200

CLOSED_STATUSES = (ActionStatus.complete, ActionStatus.cancelled)


def _clean_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Enter {label}", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field=field)
    return text


def _as_status(status) -> ActionStatus:
    if isinstance(status, ActionStatus):
        return status
    try:
        return ActionStatus(status)
    except ValueError:
        raise DomainError("Select a status", field="status") from None


# --- actions -------------------------------------------------------------------------------------------------

def create_action(*, description, owner_organisation_id, owner_name, due_date, return_answer_id=None,
                  finding_id=None, risk_id=None, actor=None) -> ActionItem:
    """A new action on exactly one parent: a return answer, a round/campaign finding or a statement risk."""
    parents = [p for p in (return_answer_id, finding_id, risk_id) if p is not None]
    if len(parents) != 1:
        raise DomainError("An action belongs to exactly one return answer, finding or risk")
    description = _clean_text(description, field="description", label="a description of the action",
                              max_length=DESCRIPTION_MAX)
    owner_name = _clean_text(owner_name, field="owner_name", label="the name of the person responsible",
                             max_length=OWNER_NAME_MAX)
    if not isinstance(due_date, date):
        raise DomainError("Enter a due date", field="due_date")
    if owner_organisation_id is None or db.session.get(Organisation, owner_organisation_id) is None:
        raise DomainError("Select the organisation responsible", field="owner_organisation_id")
    if finding_id is not None and db.session.get(Finding, finding_id) is None:
        raise NotFound("Finding not found")

    action = ActionItem(
        description=description,
        owner_organisation_id=owner_organisation_id,
        owner_name=owner_name,
        due_date=due_date,
        status=ActionStatus.not_started,
        return_answer_id=return_answer_id,
        finding_id=finding_id,
        risk_id=risk_id,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(action)
    db.session.flush()
    record("created", action, f"Action added: {description[:200]}", actor=actor)
    return action


def update_action(action: ActionItem, *, note, status, actor=None) -> ActionUpdate:
    """A dated progress note, optionally moving the action's status."""
    note = _clean_text(note, field="note", label="a progress note", max_length=NOTE_MAX)
    new_status = _as_status(status)
    old_status = action.status
    if new_status != old_status:
        old_status.check_move(new_status)
        action.status = new_status
        if new_status == ActionStatus.complete:
            action.completed_at = utcnow()
        elif old_status == ActionStatus.complete:
            action.completed_at = None
    update = ActionUpdate(action=action, note=note, status_after=new_status.value,
                          created_by_id=getattr(actor, "id", None))
    db.session.add(update)
    db.session.flush()
    summary = f"Action update ({new_status.label.lower()})"
    if new_status != old_status:
        summary = f"Action moved from {old_status.label.lower()} to {new_status.label.lower()}"
    record("updated", action, summary, actor=actor)
    return update


# --- findings ------------------------------------------------------------------------------------------------

def _check_heading(heading: str) -> str:
    if heading not in FINDING_HEADINGS:
        raise DomainError("Select a heading", field="heading")
    return heading


def _clean_themes(themes) -> list[str]:
    return sorted({str(t) for t in (themes or []) if t})


def add_finding(*, heading, text, themes=(), round_id=None, campaign_id=None, actor=None) -> Finding:
    if (round_id is None) == (campaign_id is None):
        raise DomainError("A finding belongs to exactly one round or campaign")
    heading = _check_heading(heading)
    text = _clean_text(text, field="text", label="the finding", max_length=FINDING_TEXT_MAX)
    parent = Finding.round_id == round_id if round_id is not None else Finding.campaign_id == campaign_id
    position = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.max(Finding.position), 0)).where(parent, Finding.heading == heading)
    ).scalar_one() + 1
    finding = Finding(round_id=round_id, campaign_id=campaign_id, heading=heading, text=text,
                      themes=_clean_themes(themes), position=position, created_by_id=getattr(actor, "id", None))
    db.session.add(finding)
    db.session.flush()
    record("created", finding, f"{FINDING_HEADINGS[heading]} finding added", actor=actor)
    return finding


def edit_finding(finding: Finding, *, heading, text, themes=(), actor=None) -> Finding:
    finding.heading = _check_heading(heading)
    finding.text = _clean_text(text, field="text", label="the finding", max_length=FINDING_TEXT_MAX)
    finding.themes = _clean_themes(themes)
    db.session.flush()
    record("updated", finding, f"{FINDING_HEADINGS[finding.heading]} finding edited", actor=actor)
    return finding


def delete_finding(finding: Finding, *, actor=None) -> None:
    if finding.actions:
        raise DomainError("This finding has actions. Cancel or move them before deleting it.")
    record("deleted", finding, f"{FINDING_HEADINGS.get(finding.heading, finding.heading)} finding deleted",
           actor=actor)
    db.session.delete(finding)
    db.session.flush()


# --- retention -----------------------------------------------------------------------------------------------

def subscribe() -> None:
    signals.round_purging.connect(snapshot_round_figures)


def snapshot_round_figures(round) -> None:
    """Keep the round's aggregated figures so its findings page survives the purge of case-level data."""
    from app.findings.figures import round_snapshot

    round.figures_snapshot = round_snapshot(round)
    # The snapshot replaces the figures kept between requests; they were computed from the data being removed.
    db.session.execute(sa.delete(FiguresCache).where(FiguresCache.round_id == round.id))
    db.session.flush()
    record("snapshotted", round, "Aggregated figures kept for retention")
