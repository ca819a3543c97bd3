"""Demo panel records: the strategy-discussion round's moderation meeting and the live concern escalated and closed
before it closed, and the conference round's meeting (called from app/audits/demo.py)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from app.audits import services

PANEL_1 = (
    "Quinn Assurance, QA sub-group chair; DI R Singh, police public protection; Dr M Adeyemi, designated doctor; "
    "T Burke, head of safeguarding, children's services"
)
PANEL_3 = "Quinn Assurance, QA sub-group chair; the conference chairs' manager; L Moore, named nurse"
CONCERN_1 = (
    "The police record for last month shows the mother's new partner now lives in the household; he is subject to "
    "a non-molestation order. Nothing shows children's social care know."
)


def strategy_panel(audit_round, qa, *, auditor) -> None:
    """The panel's meeting, and a live concern the police auditor raised on CR-000104 while scoring: escalated to
    the front door the same day and closed before the round closed."""
    services.record_meeting(
        audit_round,
        held_on=date(2026, 5, 14),
        panel=PANEL_1,
        practitioners="The allocated social worker for CR-000102; the designated safeguarding lead of a primary school",
        family_feedback="received",
        actor=qa,
    )
    case = next(c for c in audit_round.cases if c.reference == "CR-000104")
    concern = services.raise_concern(case, description=CONCERN_1, actor=auditor)
    concern.raised_at = datetime(2026, 4, 9, 10, 15, tzinfo=timezone.utc)
    services.record_outcome(
        concern,
        owner="Sky Council-Lead, children's services safeguarding lead",
        escalated="yes",
        escalated_to="Riverside children's social care front door (MASH)",
        escalated_on=date(2026, 4, 9),
        outcome="Strategy discussion held the same day; the partner has left the home and a safety plan is in place.",
        actor=qa,
    )
    services.close_concern(concern, actor=qa)


def conference_meeting(audit_round, qa) -> None:
    """The conference round's panel met once so far; the families were asked for feedback but none came back."""
    services.record_meeting(
        audit_round, held_on=date(2026, 9, 17), panel=PANEL_3, practitioners=None, family_feedback="sought", actor=qa
    )
