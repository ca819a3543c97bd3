"""'Your tasks' panels, and the next step an organisation lead should take on their statement."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app.main.dashboard import Panel
from app.statements import checking, queries
from app.statements.models import StatementState


@dataclass(frozen=True)
class NextStep:
    text: str
    href: str | None


def next_step(organisation) -> NextStep:
    draft = queries.open_statement(organisation.id)
    if draft is not None:
        if draft.state == StatementState.awaiting_check:
            return NextStep(
                "Your statement is with the quality assurance group to check.",
                url_for("statements.statement", statement_id=draft.id),
            )
        if draft.sent_back is not None:
            return NextStep(
                f"The quality assurance group sent version {draft.version_number} back: see what needs to change.",
                url_for("statements.statement", statement_id=draft.id),
            )
        if draft.state == StatementState.awaiting_signatures:
            return NextStep(
                "Your statement is waiting for signatures. Check who still needs to sign.",
                url_for("statements.statement", statement_id=draft.id),
            )
        return NextStep(
            f"Continue writing version {draft.version_number} of your statement.",
            url_for("statements.statement", statement_id=draft.id),
        )
    current = queries.coverage([organisation.id])[0]
    if current.status in ("review_due_soon", "overdue"):
        return NextStep("Review your statement and start a new version.", url_for("statements.manage"))
    if current.public:
        return NextStep(
            "Your statement is in force and on the public register.",
            url_for("statements.public_statement", slug=organisation.slug),
        )
    missing = queries.missing_preconditions(organisation)
    if missing:
        return NextStep(missing[0].title + ".", missing[0].href or url_for("statements.start"))
    return NextStep("Start writing your statement.", url_for("statements.start"))


def lead_panel(user):
    if not user.has_role("org_lead") or user.organisation is None:
        return None
    organisation = user.organisation
    status = queries.coverage([organisation.id])[0]
    return Panel(
        title="Child Safeguarding Statement",
        template="statements/_panel_lead.html",
        context={"status": status, "step": next_step(organisation)},
        order=40,
    )


def signatory_panel(user):
    if not user.has_role("signatory"):
        return None
    waiting = queries.awaiting_signature_of(user)
    if not waiting:
        return None
    return Panel(
        title="Statements awaiting your signature",
        template="statements/_panel_signatory.html",
        context={"statements": waiting},
        order=20,
    )


def checker_panel(user):
    if not user.has_role("admin", "qa"):
        return None
    waiting = checking.statements_to_check()
    if not waiting:
        return None
    return Panel(
        title="Statements to check",
        template="statements/_panel_checker.html",
        context={"statements": waiting},
        order=25,
    )
