"""Demo learning briefings: round 1's briefing published, sent to every organisation's leads and confirmed by
one; and a draft for the same round that QA is still writing."""

from __future__ import annotations

import sqlalchemy as sa

from app.audits.models import AuditRound
from app.briefings import services
from app.briefings.models import Briefing
from app.extensions import db

PUBLISHED = {
    "title": "7-minute briefing: strategy discussions",
    "looked_at": None,  # kept from the round (cases, agencies, audit tool)
    "found": (
        "What went well:\n"
        "- Strategy discussions were held within a working day in most cases.\n"
        "- Police and children's social care shared information promptly.\n\n"
        "What needs to improve:\n"
        "- Schools and GPs were rarely invited, so what they knew about the child was missed.\n"
        "- The child's voice was not recorded in the discussion notes."
    ),
    "good_looks_like": (
        "- Everyone who knows the child is invited, including the school and the GP.\n"
        "- The notes say what the child has said and how they are, in their own words where possible.\n"
        "- Each agency leaves knowing what it will do, by when."
    ),
    "do_differently": (
        "- When you are invited to a strategy discussion, join it or send what you know in writing.\n"
        "- If you think a strategy discussion should be held and none is, escalate it under the partnership's "
        "escalation policy.\n"
        "- Record the child's own words in your notes."
    ),
    "get_help": (
        "Talk to your designated safeguarding lead first. The partnership's multi-agency procedures and escalation "
        "policy are on its website, and its training team runs a strategy discussion workshop each term. If a child "
        "is at immediate risk, call 999."
    ),
}
CONFIRMING_LEAD = "lead@youth-trust.riverside.example"


def load(demo) -> None:
    first_round = db.session.execute(sa.select(AuditRound).order_by(AuditRound.id).limit(1)).scalar_one_or_none()
    if first_round is None:
        demo.say("learning briefings skipped: no audit round")
        return
    if db.session.execute(sa.select(Briefing.id).limit(1)).first():
        return
    qa = demo.user("qa@riverside.example")
    briefing = services.start_briefing(first_round, actor=qa)
    sections = {key: text if text is not None else getattr(briefing, key) for key, text in PUBLISHED.items()}
    services.save_briefing(
        briefing,
        title=sections.pop("title"),
        sections=sections,
        expected_version=briefing.lock_version,
        actor=qa,
    )
    services.publish_briefing(briefing, expected_version=briefing.lock_version, actor=qa)
    services.send_briefing(briefing, org_types=None, actor=qa)
    services.confirm_cascade(briefing, actor=demo.user(CONFIRMING_LEAD))
    draft = services.start_briefing(first_round, actor=qa)
    services.save_briefing(
        draft,
        title="7-minute briefing: hearing the child in strategy discussions",
        sections={key: getattr(draft, key) for key in PUBLISHED if key != "title"},
        expected_version=draft.lock_version,
        actor=qa,
    )
    demo.say("learning briefings: one published and sent (one organisation confirmed), one draft")
