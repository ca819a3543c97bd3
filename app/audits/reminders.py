"""Reminder rules for case audits: assignments due within a week, and overdue ones (`flask reminders send`)."""

from __future__ import annotations

from datetime import date

from flask import current_app

from app.audits import queries
from app.notifications.services import DueReminder
from app.utils import govuk_date


def assignment_reminders(on: date) -> list[DueReminder]:
    items = []
    service = current_app.config["PARTNERSHIP_NAME"]
    for assignment, recipients in queries.reminder_candidates(on):
        audit_round = assignment.case.round
        reference = assignment.case.reference
        due = govuk_date(audit_round.due_date)
        if audit_round.due_date < on:
            kind = "assignment_overdue"
            subject = f"Overdue: case audit {reference} was due on {due}"
            opening = f"Your organisation’s audit of case {reference} was due on {due} and has not been submitted."
        else:
            kind = "assignment_due_soon"
            subject = f"Case audit {reference} is due by {due}"
            opening = f"Your organisation’s audit of case {reference} is due by {due}."
        body = (
            f"{opening}\n\n"
            f"Audit round: {audit_round.title}\n"
            f"Organisation: {assignment.organisation.name}\n\n"
            "Sign in to the safeguarding assurance service and open “Your tasks” to continue. Your saved answers "
            "are kept until you submit.\n\n"
            f"{service}\n"
        )
        for user in recipients:
            items.append(
                DueReminder(
                    kind=kind,
                    target_type="assignment",
                    target_id=assignment.id,
                    due_date=audit_round.due_date,
                    recipient=user.email,
                    subject=subject,
                    body=body,
                )
            )
    return items
