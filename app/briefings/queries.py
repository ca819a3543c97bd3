"""Reads for learning briefings: lists, who may see a briefing, the draft's starting text and the table of
organisations it was sent to. No writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.accounts.models import Organisation, User, UserRole
from app.audits.models import AuditRound, RoundState
from app.briefings.models import Briefing, BriefingRecipient, BriefingState
from app.errors import NotFound, get_or_404
from app.extensions import db
from app.findings import queries as findings_queries
from app.permissions import is_partnership_staff
from app.utils import govuk_date


def published_briefings() -> list[Briefing]:
    """Every published briefing, newest first (every signed-in user reads them)."""
    return list(
        db.session.execute(
            sa.select(Briefing)
            .where(Briefing.state == BriefingState.published)
            .options(selectinload(Briefing.round))
            .order_by(Briefing.published_at.desc(), Briefing.id.desc())
        ).scalars()
    )


def draft_briefings() -> list[Briefing]:
    """Drafts not yet published, newest first (partnership staff only)."""
    return list(
        db.session.execute(
            sa.select(Briefing)
            .where(Briefing.state == BriefingState.draft)
            .options(selectinload(Briefing.round))
            .order_by(Briefing.updated_at.desc(), Briefing.id.desc())
        ).scalars()
    )


def briefing_for(user, briefing_id: int) -> Briefing:
    """The briefing if `user` may read it: a published one for anyone signed in, a draft for partnership staff
    only (404 for anyone else, who need not know a draft exists)."""
    briefing = get_or_404(Briefing, briefing_id, "briefing")
    if briefing.state != BriefingState.published and not is_partnership_staff(user):
        raise NotFound("No such briefing")
    return briefing


def rounds_to_brief() -> list[AuditRound]:
    """Rounds whose findings have been agreed (in moderation or closed), newest first."""
    return list(
        db.session.execute(
            sa.select(AuditRound)
            .where(AuditRound.state.in_([RoundState.moderation, RoundState.closed]))
            .order_by(AuditRound.period_end.desc(), AuditRound.id.desc())
        ).scalars()
    )


def _bullets(texts) -> str:
    return "\n".join(f"- {text.strip()}" for text in texts if text and text.strip())


def prefill(audit_round: AuditRound) -> dict[str, str]:
    """A draft's sections, written from the round: its instrument, number of cases and agencies, and its agreed
    strengths, areas for improvement and learning (with the actions agreed on them)."""
    findings = findings_queries.findings_for(round_id=audit_round.id)
    by_heading: dict[str, list] = {}
    for finding in findings:
        by_heading.setdefault(finding.heading, []).append(finding)
    cases, agencies = len(audit_round.cases), len(audit_round.organisations)
    looked_at = (
        f"A multi-agency case audit of {cases} {'case' if cases == 1 else 'cases'} by {agencies} "
        f"{'agency' if agencies == 1 else 'agencies'} ({', '.join(o.name for o in audit_round.organisations)}), "
        f"using the audit tool “{audit_round.instrument_version.title}”, covering "
        f"{govuk_date(audit_round.period_start)} to {govuk_date(audit_round.period_end)}."
    )
    strengths = _bullets(f.text for f in by_heading.get("strength", []))
    areas = _bullets(f.text for f in by_heading.get("area_for_improvement", []))
    found = "\n\n".join(
        part
        for part in (strengths and f"What went well:\n{strengths}", areas and f"What needs to improve:\n{areas}")
        if part
    )
    actions = _bullets(a.description for f in findings for a in f.actions)
    partnership = current_app.config["PARTNERSHIP_NAME"]
    return {
        "looked_at": looked_at,
        "found": found,
        "good_looks_like": _bullets(f.text for f in by_heading.get("learning", [])),
        "do_differently": actions,
        "get_help": (
            "Talk to your designated safeguarding lead or line manager first. "
            f"{partnership}'s multi-agency procedures, escalation policy and training are on the partnership's "
            "website. If a child is at immediate risk, call 999."
        ),
    }


def leads_by_organisation(org_types: list[str] | None) -> list[tuple[Organisation, list[User]]]:
    """Active organisations (of `org_types`, or all) with their active organisation leads; organisations without
    one are left out (nobody could confirm for them)."""
    stmt = (
        sa.select(Organisation, User)
        .join(User, User.organisation_id == Organisation.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(Organisation.active.is_(True), User.active.is_(True), UserRole.role == "org_lead")
        .order_by(Organisation.name, User.email)
    )
    if org_types is not None:
        stmt = stmt.where(Organisation.org_type.in_(org_types))
    grouped: dict[int, tuple[Organisation, list[User]]] = {}
    for organisation, user in db.session.execute(stmt):
        grouped.setdefault(organisation.id, (organisation, []))[1].append(user)
    return list(grouped.values())


def recipient_for(briefing: Briefing, user) -> BriefingRecipient | None:
    """The record of the briefing sent to `user`'s organisation, if `user` is one of its leads and it was sent."""
    if not (user and user.is_authenticated and user.has_role("org_lead") and user.organisation_id):
        return None
    return db.session.execute(
        sa.select(BriefingRecipient).where(
            BriefingRecipient.briefing_id == briefing.id,
            BriefingRecipient.organisation_id == user.organisation_id,
        )
    ).scalar_one_or_none()


@dataclass(frozen=True)
class RecipientRow:
    organisation: str
    org_type: str
    sent_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None


def recipient_rows(briefing: Briefing) -> list[RecipientRow]:
    """Each organisation the briefing was sent to, when, and who confirmed the cascade and when (if anyone did),
    by organisation name."""
    rows = db.session.execute(
        sa.select(
            Organisation.name,
            Organisation.org_type,
            BriefingRecipient.sent_at,
            User.name,
            BriefingRecipient.confirmed_at,
        )
        .join(Organisation, BriefingRecipient.organisation_id == Organisation.id)
        .outerjoin(User, BriefingRecipient.confirmed_by_id == User.id)
        .where(BriefingRecipient.briefing_id == briefing.id)
        .order_by(Organisation.name)
    )
    return [RecipientRow(*row) for row in rows]
