"""Who may read which findings, in one place.

Partnership staff (admin, qa) see everything. Auditors and organisation leads see their own organisation against
the partnership, and only where their organisation took part:

- a round once it has reached moderation, if the organisation was one of the round's agencies; a campaign once it
  is open, if the organisation was invited (has a return). Any other round or campaign answers 403.
- trends and theme pages are computed over those rounds and campaigns only, never over periods the organisation
  had no part in;
- figures about other organisations appear only aggregated over the partnership (figures.own_view leaves out every
  per-organisation table, and breakdowns stay suppressed below MIN_CELL_SIZE);
- agreement between a round's agencies only for the round as a whole and per question, aggregated over every
  agency; never any agency's drift from the agreed ratings (figures.round_agreement_figures);
- actions, and the named data on them (description, person responsible, organisation, update notes), only the
  organisation's own: on the findings pages, in the workbook and in the tracker.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Organisation
from app.permissions import is_partnership_staff, own_organisation, require
from app.actions.access import visible_actions
from app.actions.models import ActionItem
from app.audits.models import AuditRound, round_organisation
from app.errors import get_or_404
from app.extensions import db
from app.findings import queries
from app.findings.models import Finding
from app.selfassessment.models import Campaign, CampaignState, Return

READERS = ("admin", "qa", "auditor", "org_lead")
STAFF = ("admin", "qa")


def _round_open_to(audit_round: AuditRound, organisation_id: int | None) -> bool:
    return organisation_id is None or (
        audit_round.state in queries.PARTICIPANT_ROUND_STATES
        and queries.round_participant(audit_round.id, organisation_id)
    )


def _campaign_open_to(campaign: Campaign, organisation_id: int | None) -> bool:
    return organisation_id is None or (
        campaign.state != CampaignState.draft and queries.campaign_participant(campaign.id, organisation_id)
    )


def round_for(user, round_id: int) -> tuple[AuditRound, int | None]:
    audit_round = get_or_404(AuditRound, round_id)
    organisation_id = own_organisation(user)
    require(_round_open_to(audit_round, organisation_id))
    return audit_round, organisation_id


def campaign_for(user, campaign_id: int) -> tuple[Campaign, int | None]:
    campaign = get_or_404(Campaign, campaign_id)
    organisation_id = own_organisation(user)
    require(_campaign_open_to(campaign, organisation_id))
    return campaign, organisation_id


def report_actions(findings, organisation_id: int | None) -> dict[int, list[ActionItem]]:
    """Each finding's actions that the viewer may see, by finding id (what the report section lists)."""
    return {finding.id: visible_actions(finding.actions, organisation_id) for finding in findings}


def trend_scope(user) -> dict:
    """How trend and theme figures are limited for this user: keyword arguments for figures.trend_figures and
    figures.theme_figures. Staff see every reported period; others only periods their organisation took part in,
    once open to them (rounds in moderation or closed, campaigns not in draft)."""
    allowed, organisation_id = _reader_organisation(user)
    require(allowed)
    if organisation_id is None:
        return {"participant_only": False, "organisation_id": None}
    return {"participant_only": True, "organisation_id": organisation_id}


def _reader_organisation(user) -> tuple[bool, int | None]:
    """(may read findings at all, organisation to restrict to): the checks the findings routes make first."""
    if not (user.is_authenticated and user.has_role(*READERS)):
        return False, None
    if is_partnership_staff(user):
        return True, None
    return user.organisation_id is not None, user.organisation_id


def openable_ids(user, kind: str, ids) -> set[int]:
    """Of these round ("round") or campaign ("campaign") ids, those whose findings page the user may open (what
    round_for / campaign_for would allow), in one query."""
    ids = set(ids)
    allowed, organisation_id = _reader_organisation(user)
    if not allowed or not ids:
        return set()
    if kind == "round":
        stmt = sa.select(AuditRound.id).where(AuditRound.id.in_(ids))
        if organisation_id is not None:
            stmt = stmt.where(
                AuditRound.state.in_(queries.PARTICIPANT_ROUND_STATES),
                AuditRound.id.in_(
                    sa.select(round_organisation.c.round_id).where(
                        round_organisation.c.organisation_id == organisation_id
                    )
                ),
            )
    else:
        stmt = sa.select(Campaign.id).where(Campaign.id.in_(ids))
        if organisation_id is not None:
            stmt = stmt.where(
                Campaign.state != CampaignState.draft,
                Campaign.id.in_(sa.select(Return.campaign_id).where(Return.organisation_id == organisation_id)),
            )
    return set(db.session.execute(stmt).scalars())


def mark_openable(user, periods) -> None:
    """Set "openable" on each period dict ({"kind": "round" | "campaign", "id"}), a query per kind."""
    periods = [p for p in periods if p]
    for kind in ("round", "campaign"):
        allowed = openable_ids(user, kind, [p["id"] for p in periods if p["kind"] == kind])
        for period in periods:
            if period["kind"] == kind:
                period["openable"] = period["id"] in allowed


def organisation_figures_for(user, organisation: Organisation) -> dict:
    """The organisation-against-the-partnership figures this user may see: for anyone but partnership staff, no
    spread across fewer than MIN_CELL_SIZE organisations."""
    from flask import current_app

    from app.findings import figures

    data = figures.organisation_figures(organisation)
    if own_organisation(user) is None:
        return data
    return figures.without_small_spreads(data, int(current_app.config["MIN_CELL_SIZE"]))


def organisation_for(user, organisation_id: int) -> Organisation:
    organisation = get_or_404(Organisation, organisation_id)
    own = own_organisation(user)
    require(own is None or own == organisation.id)
    return organisation


def finding_for_staff(finding_id: int) -> Finding:
    return get_or_404(Finding, finding_id)
