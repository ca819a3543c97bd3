"""Reminders for `flask reminders send`: returns due within 14 days or overdue (by the return's own due date: an
extension, or the campaign's), each to the organisation's leads. Overdue actions, this feature's among them, are
reminded by the actions feature (app.actions.reminders)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.notifications.services import DueReminder
from app.selfassessment.models import Campaign, CampaignState, Return, due_date_expression
from app.selfassessment.queries import EDITABLE_STATES, org_lead_emails
from app.utils import govuk_date

DUE_SOON_DAYS = 14


def due_reminders(on: date) -> list[DueReminder]:
    return returns_due(on)


def returns_due(on: date) -> list[DueReminder]:
    returns = list(
        db.session.execute(
            sa.select(Return)
            .join(Campaign, Return.campaign_id == Campaign.id)
            .where(
                Campaign.state == CampaignState.open,
                Return.state.in_(EDITABLE_STATES),
                due_date_expression() <= on + timedelta(days=DUE_SOON_DAYS),
            )
            .options(selectinload(Return.campaign), selectinload(Return.organisation))
            .order_by(Return.id)
        ).scalars()
    )
    leads = org_lead_emails({r.organisation_id for r in returns})
    reminders = []
    for ret in returns:
        campaign = ret.campaign
        due = ret.due_date  # its extension, if it has one
        overdue = due < on
        kind = "return_overdue" if overdue else "return_due_soon"
        when = f"was due on {govuk_date(due)}" if overdue else f"is due by {govuk_date(due)}"
        subject = f"{'Overdue' if overdue else 'Due soon'}: {campaign.label}"
        body = (
            f"The {campaign.cycle} safeguarding self-assessment return for {ret.organisation.name} {when}.\n\n"
            f"Its status is: {ret.state.label.lower()}.\n"
            + (
                f"The partnership returned it with these reasons: {ret.returned_reason}\n"
                if ret.returned_reason and ret.state.value == "returned"
                else ""
            )
            + "\nSign in to the safeguarding assurance service and choose “Our self-assessment” to finish it.\n"
        )
        for email in leads.get(ret.organisation_id, []):
            reminders.append(
                DueReminder(
                    kind=kind,
                    target_type="sa_return",
                    target_id=ret.id,
                    due_date=due,
                    recipient=email,
                    subject=subject,
                    body=body,
                )
            )
    return reminders
