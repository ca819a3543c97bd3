"""Demo findings: the QA sub-group's report for round 1 and campaign 1, under every heading, with actions
in several states (one overdue; one verified, one awaiting verification, one sent back as not yet done), their
priorities and partnership priorities, and dated progress updates. Idempotent: skipped when findings exist."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.actions import services as action_services
from app.actions import verification
from app.actions.priorities_demo import load as load_priorities
from app.actions.priorities_demo import priority_ids
from app.actions.models import ActionStatus
from app.audits.models import AuditRound
from app.extensions import db
from app.findings import export_jobs, services
from app.findings.models import Finding
from app.selfassessment.models import Campaign

QA = "qa@riverside.example"

ROUND_FINDINGS = [
    (
        "evidence",
        "Six cases audited by police, health and children's social care, each moderated by the panel. "
        "Agencies' own ratings were close to the agreed ratings, a little more generous on risk analysis.",
        [],
    ),
    (
        "strength",
        "When the child was at immediate risk, strategy discussions were held on the same day and police, "
        "social care and health took part.",
        ["timeliness", "multi_agency_engagement"],
    ),
    (
        "area_for_improvement",
        "Schools, GPs and health visitors who knew the child were often not invited, so "
        "decisions were made without what they knew.",
        ["multi_agency_engagement"],
    ),
    (
        "area_for_improvement",
        "The child's lived experience and voice were rarely recorded; discussions centred on "
        "the incident rather than on the child.",
        ["voice_of_child"],
    ),
    (
        "learning",
        "A short checklist of who to invite, used by the MASH manager convening the discussion, would "
        "have brought the missing agencies in for four of the six cases.",
        ["multi_agency_engagement"],
    ),
    (
        "impact",
        "Re-audit planned for the spring round to see whether invitations to schools and GPs have improved.",
        [],
    ),
]
QA_REPLY = "QA's reply"  # the last of a demo action's steps: (days ago, QA_REPLY, "verified" or "not yet: reason")
ROUND_ACTIONS = [
    # finding index, action, owner org slug, owner name, days from today, final status,
    # updates (days ago, note, status after; "complete": the owner's completion note), priority, partnership priorities
    (
        2,
        "Introduce a checklist of agencies to invite to every strategy discussion, including the school, GP and "
        "health visitor.",
        "riverside-council",
        "MASH team manager",
        60,
        ActionStatus.in_progress,
        [(20, "Invitation checklist drafted with the MASH and circulated to partners for comment.", "in_progress")],
        "medium",
        ["Working together"],
    ),
    (
        3,
        "Brief detectives on recording the child's own words and daily life in strategy discussion notes.",
        "riverside-police",
        "Detective Inspector, safeguarding unit",
        -10,
        ActionStatus.not_started,
        [],
        "high",
        ["Hearing the voice of the child"],
    ),
    (
        3,
        "Update the health visiting record template so the child's voice is recorded before every strategy discussion.",
        "riverside-health",
        "Named nurse for safeguarding children",
        30,
        ActionStatus.verified,
        [
            (40, "Briefing on recording the child's voice planned for the health visiting teams.", "in_progress"),
            (7, "Briefing delivered to 42 practitioners; recording template updated.", "complete"),
            (3, QA_REPLY, "verified"),
        ],
        "medium",
        ["Hearing the voice of the child"],
    ),
]
# Criteria the round's actions should improve (by action index), re-tested in the summer re-audit: the invitation
# checklist worked (embedded), the briefing on the child's voice not yet.
ROUND_RETESTS = {0: "right_agencies_involved", 1: "child_lived_experience_and_voice"}
CAMPAIGN_FINDINGS = [
    (
        "evidence",
        "Returns from every invited type of organisation, challenged where the evidence did not support "
        "the rating, and triangulated with the practitioner survey.",
        [],
    ),
    (
        "strength",
        "Organisations have a named safeguarding lead whom staff know how to contact; practitioners "
        "confirmed this in the survey.",
        ["leadership_and_accountability"],
    ),
    (
        "area_for_improvement",
        "Safer recruitment records were incomplete in several smaller organisations, and "
        "their own ratings were higher than the evidence supported.",
        ["safer_workforce"],
    ),
    (
        "learning",
        "Organisations rating themselves Green on training were not always backed by their staff: ask "
        "for training records, not only the policy.",
        ["training"],
    ),
    (
        "impact",
        "The partnership will offer safer recruitment training to voluntary and community organisations "
        "before the next cycle.",
        ["safer_workforce"],
    ),
]
CAMPAIGN_ACTIONS = [
    (
        2,
        "Run safer recruitment training for voluntary and community organisations.",
        "riverside-council",
        "Partnership business manager",
        90,
        ActionStatus.complete,
        [
            (
                14,
                "Two safer recruitment sessions booked for the spring; invitations sent to 23 organisations.",
                "in_progress",
            ),
            (2, "Both sessions delivered: 31 people from 19 organisations attended.", "complete"),
        ],
        "medium",
        ["Safer recruitment and a safe workforce"],
    ),
    (
        4,
        "Complete single central record checks for all volunteers and report the result to the partnership.",
        "youth-trust",
        "Chief executive",
        -5,
        ActionStatus.not_started,
        [],
        "high",
        ["Safer recruitment and a safe workforce"],
    ),
    (
        3,
        "Keep training records for every member of staff and every volunteer, and check them each term.",
        "youth-trust",
        "Safeguarding lead",
        20,
        ActionStatus.in_progress,
        [
            (12, "Training record set up on the shared drive for all staff.", "complete"),
            (5, QA_REPLY, "not yet: The records cover paid staff only; add the volunteers who work with children."),
        ],
        "low",
        [],
    ),
]
EVIDENCE_LINK = "https://www.riverside.example/safeguarding/training-evidence"


def _add(demo, *, findings, actions, round_id=None, campaign_id=None, retests=None) -> None:
    qa = demo.user(QA)
    created = [
        services.add_finding(
            heading=heading, text=text, themes=themes, round_id=round_id, campaign_id=campaign_id, actor=qa
        )
        for heading, text, themes in findings
    ]
    for number, (index, description, slug, owner, due_in, status, updates, priority, tags) in enumerate(actions):
        action = services.add_finding_action(
            created[index],
            retest_question_key=(retests or {}).get(number),
            description=description,
            owner_organisation_id=demo.org(slug).id,
            owner_name=owner,
            due_date=demo.today + timedelta(days=due_in),
            priority=priority,
            partnership_priority_ids=priority_ids(*tags),
            actor=qa,
        )
        action.created_at = action.created_at - timedelta(days=60)
        for days_ago, note, after in updates:
            _step(demo, action, days_ago, note, after, slug, qa)
        if action.status != status:
            action_services.update_action(
                action, note="Status confirmed at the partnership review.", status=status, actor=qa
            )


def _step(demo, action, days_ago: int, note: str, after: str, slug: str, qa) -> None:
    """One dated step: a progress update, the owner's completion (with an evidence link), or QA's reply."""
    when = timedelta(days=days_ago)
    if note == QA_REPLY:
        outcome, _, reason = after.partition(": ")
        completion = verification.verify_action(
            action, outcome="verified" if outcome == "verified" else "not_yet", reason=reason or None, actor=qa
        )
        completion.reviewed_at -= when
    elif after == "complete":
        lead = demo.user(f"lead@{slug}.riverside.example")
        completion = verification.complete_action(action, note=note, evidence_link=EVIDENCE_LINK, actor=lead)
        completion.completed_at -= when
        action.completed_at = completion.completed_at
    else:
        action_services.update_action(action, note=note, status=after, actor=qa)
    action.updates[-1].created_at -= when


def load(demo) -> None:
    load_priorities(demo)
    first_round = db.session.execute(sa.select(AuditRound).order_by(AuditRound.id).limit(1)).scalar_one_or_none()
    if first_round is None:
        demo.say("findings for round 1 skipped: no audit round")
    elif not db.session.execute(sa.select(Finding.id).where(Finding.round_id == first_round.id).limit(1)).first():
        _add(demo, findings=ROUND_FINDINGS, actions=ROUND_ACTIONS, round_id=first_round.id, retests=ROUND_RETESTS)
        demo.say(f"findings for round {first_round.title}")

    first_campaign = db.session.execute(sa.select(Campaign).order_by(Campaign.id).limit(1)).scalar_one_or_none()
    if first_campaign is None:
        demo.say("findings for campaign 1 skipped: no self-assessment campaign")
    elif not db.session.execute(sa.select(Finding.id).where(Finding.campaign_id == first_campaign.id).limit(1)).first():
        _add(demo, findings=CAMPAIGN_FINDINGS, actions=CAMPAIGN_ACTIONS, campaign_id=first_campaign.id)
        demo.say(f"findings for campaign {first_campaign.title}")
    export_jobs.load_demo(demo)
