"""The risk assessment: risks of harm (each further action a tracked action), their changes and removal,
or a reasoned record that none were identified."""

from __future__ import annotations

from datetime import date

from app.accounts.models import Organisation
from app.actions.queries import OPEN_STATUSES, actions_for
from app.actions.services import create_action, set_priorities, update_action
from app.activity import record
from app.errors import DomainError
from app.extensions import db
from app.statements import queries
from app.statements.models import Risk, RiskAssessment
from app.statements.services._common import _text
from app.utils import utcnow

RISK_TEXT_MAX = 4000
OWNER_MAX = 200


def _assessment_for_update(organisation: Organisation, actor) -> RiskAssessment:
    assessment = queries.risk_assessment_for(organisation.id)
    if assessment is None:
        assessment = RiskAssessment(organisation_id=organisation.id, no_risks_identified=False)
        db.session.add(assessment)
        db.session.flush()
        record("created", assessment, f"Started the risk assessment for {organisation.name}", actor=actor)
    return assessment


def _touch(assessment: RiskAssessment, actor) -> None:
    assessment.updated_at = utcnow()
    assessment.updated_by_id = getattr(actor, "id", None)
    if assessment.is_complete:
        assessment.completed_at = assessment.completed_at or utcnow()
    else:
        assessment.completed_at = None
    db.session.flush()


def _risk_fields(description, where_when, measures_in_place, further_action, owner, review_date) -> dict:
    if not isinstance(review_date, date):
        raise DomainError("Enter the date this risk will next be reviewed", field="review_date")
    return {
        "description": _text(
            description, field="description", label="a description of the risk of harm", max_length=RISK_TEXT_MAX
        ),
        "where_when": _text(
            where_when, field="where_when", label="where or when the risk could arise", max_length=RISK_TEXT_MAX
        ),
        "measures_in_place": _text(
            measures_in_place, field="measures_in_place", label="the measures in place", max_length=RISK_TEXT_MAX
        ),
        "further_action": _text(
            further_action, field="further_action", label="the further action", max_length=RISK_TEXT_MAX, required=False
        ),
        "owner": _text(owner, field="owner", label="who owns this risk", max_length=OWNER_MAX),
        "review_date": review_date,
    }


def _raise_action(risk: Risk, organisation_id: int, actor, priority=None, partnership_priority_ids=()) -> None:
    create_action(
        description=risk.further_action,
        owner_organisation_id=organisation_id,
        owner_name=risk.owner,
        due_date=risk.review_date,
        risk_id=risk.id,
        priority=priority,
        partnership_priority_ids=partnership_priority_ids,
        actor=actor,
    )


def _close_actions(risk: Risk, note: str, actor) -> None:
    for action in actions_for(risk_ids=[risk.id]):
        if action.status in OPEN_STATUSES:
            update_action(action, note=note, status="cancelled", actor=actor)


def add_risk(
    organisation: Organisation,
    *,
    description,
    where_when,
    measures_in_place,
    further_action,
    owner,
    review_date,
    priority=None,
    partnership_priority_ids=(),
    actor=None,
) -> Risk:
    """Record a risk of harm; its further action, if any, becomes a tracked action (with the priority and
    partnership priorities given). The organisation's lead only, for its own assessment (statements routes)."""
    fields = _risk_fields(description, where_when, measures_in_place, further_action, owner, review_date)
    assessment = _assessment_for_update(organisation, actor)
    # A recorded risk replaces an earlier "no risks identified".
    assessment.no_risks_identified = False
    assessment.no_risks_justification = None
    risk = Risk(assessment=assessment, **fields)
    db.session.add(risk)
    db.session.flush()
    if risk.further_action:
        _raise_action(risk, organisation.id, actor, priority, partnership_priority_ids)
    _touch(assessment, actor)
    record(
        "risk_added",
        risk,
        f"Added a risk to the risk assessment of {organisation.name}: {risk.description[:120]}",
        actor=actor,
    )
    return risk


def update_risk(
    risk: Risk,
    *,
    description,
    where_when,
    measures_in_place,
    further_action,
    owner,
    review_date,
    priority=None,
    partnership_priority_ids=(),
    actor=None,
) -> Risk:
    """Change a risk; a changed further action cancels the old tracked action and raises a new one. A priority
    given applies to the tracked action (new or open). The organisation's lead only, for a risk of its own
    assessment (statements routes)."""
    if risk.removed_at is not None:
        raise DomainError("This risk has been removed from the risk assessment")
    fields = _risk_fields(description, where_when, measures_in_place, further_action, owner, review_date)
    action_changed = fields["further_action"] != risk.further_action
    for name, value in fields.items():
        setattr(risk, name, value)
    db.session.flush()
    organisation_id = risk.assessment.organisation_id
    if action_changed:
        _close_actions(risk, "Replaced: the further action for this risk was changed in the risk assessment.", actor)
        if risk.further_action:
            _raise_action(risk, organisation_id, actor, priority, partnership_priority_ids)
    elif priority is not None:
        for action in actions_for(risk_ids=[risk.id]):
            if action.status in OPEN_STATUSES:
                set_priorities(
                    action, priority=priority, partnership_priority_ids=partnership_priority_ids, actor=actor
                )
    _touch(risk.assessment, actor)
    record("risk_updated", risk, f"Updated a risk in the risk assessment: {risk.description[:120]}", actor=actor)
    return risk


def remove_risk(risk: Risk, *, actor=None) -> None:
    """Take a risk off the assessment. It is kept, so the actions raised from it keep their history. The
    organisation's lead only, for a risk of its own assessment."""
    if risk.removed_at is not None:
        return
    risk.removed_at = utcnow()
    db.session.flush()
    _close_actions(risk, "Cancelled: the risk was removed from the risk assessment.", actor)
    _touch(risk.assessment, actor)
    record("risk_removed", risk, f"Removed a risk from the risk assessment: {risk.description[:120]}", actor=actor)


def record_no_risks(organisation: Organisation, *, justification, actor=None) -> RiskAssessment:
    """Record, with the reasons, that no risks of harm were identified (refused while risks are listed).
    The organisation's lead only, for its own assessment."""
    justification = _text(
        justification,
        field="justification",
        label="why no risks of harm to children were identified",
        max_length=RISK_TEXT_MAX,
    )
    assessment = _assessment_for_update(organisation, actor)
    if assessment.current_risks:
        raise DomainError(
            "Your risk assessment lists risks. Remove them before recording that no risks were identified.",
            field="justification",
        )
    assessment.no_risks_identified = True
    assessment.no_risks_justification = justification
    _touch(assessment, actor)
    record(
        "no_risks_identified",
        assessment,
        f"Recorded that no risks of harm were identified for {organisation.name}",
        actor=actor,
    )
    return assessment
