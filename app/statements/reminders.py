"""Reminders for `flask reminders send`: reviews coming due, and signatures still awaited."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.accounts.models import SIGNATORY_CAPACITIES, Organisation
from app.extensions import db
from app.notifications.services import DueReminder
from app.statements import checking, queries
from app.statements.models import Statement, StatementState
from app.urls import external_url
from app.utils import govuk_date


def _link(endpoint: str, **values) -> str:
    return external_url(endpoint, **values)


def _statements_of_active_organisations(*conditions) -> list[Statement]:
    return list(
        db.session.execute(
            sa.select(Statement)
            .join(Organisation, Organisation.id == Statement.organisation_id)
            .where(Organisation.active.is_(True), *conditions)
            .order_by(Statement.id)
        ).scalars()
    )


def _review_reminders(on: date) -> list[DueReminder]:
    horizon = on + timedelta(days=queries.REVIEW_DUE_SOON_DAYS)
    items = []
    for statement in _statements_of_active_organisations(
        Statement.state == StatementState.in_force, Statement.review_due <= horizon
    ):
        organisation = statement.organisation
        overdue = statement.review_due < on
        kind = "statement_review_overdue" if overdue else "statement_review_due"
        when = "was due" if overdue else "is due"
        subject = f"Child Safeguarding Statement review {when} {govuk_date(statement.review_due)}: {organisation.name}"
        body = (
            f"The Child Safeguarding Statement of {organisation.name} (version {statement.version_number}, "
            f"in force since {govuk_date(statement.in_force_at)}) {when} for review on "
            f"{govuk_date(statement.review_due)}.\n\n"
            "The organisation lead should review the statement, update it and send it to the signatories. "
            "The current statement stays on the public register until the new one is signed.\n\n"
            f"{_link('statements.manage')}\n"
        )
        for user in queries.users_with_role(organisation.id, "org_lead", "signatory"):
            items.append(
                DueReminder(
                    kind=kind,
                    target_type="statement",
                    target_id=statement.id,
                    due_date=statement.review_due,
                    recipient=user.email,
                    subject=subject,
                    body=body,
                )
            )
    return items


def _signature_reminders() -> list[DueReminder]:
    items = []
    for statement in _statements_of_active_organisations(Statement.state == StatementState.awaiting_signatures):
        if checking.needs_check(statement):
            continue  # sent before the QA check was turned on: nobody signs until it is approved
        organisation = statement.organisation
        signatories = queries.signatories_by_capacity(organisation.id)
        for capacity in statement.missing_capacities:
            for user in signatories.get(capacity, []):
                items.append(
                    DueReminder(
                        kind="statement_signature_awaited",
                        target_type="statement",
                        target_id=statement.id,
                        due_date=statement.sent_for_signatures_at.date(),
                        recipient=user.email,
                        subject=f"Please sign the Child Safeguarding Statement of {organisation.name}",
                        body=(
                            f"Version {statement.version_number} of the Child Safeguarding Statement of "
                            f"{organisation.name} is waiting for your signature as "
                            f"{SIGNATORY_CAPACITIES.get(capacity, capacity).lower()}.\n\n"
                            "Read the statement and sign it by re-entering your password:\n"
                            f"{_link('statements.sign', statement_id=statement.id)}\n"
                        ),
                    )
                )
    return items


def statement_reminders(on: date) -> list[DueReminder]:
    return _review_reminders(on) + _signature_reminders()
