"""Demo studio work: the QA sub-group's draft of version 2 of the strategy discussion audit, with one question
reworded, so the studio shows a draft to check, preview and publish. Idempotent: skipped once any draft exists."""

from __future__ import annotations

import sqlalchemy as sa

from app.questionnaire import latest_version
from app.studio import services
from app.studio.models import InstrumentDraft

QA = "qa@riverside.example"
REWORDED = (
    "convened_promptly",
    "Was the strategy discussion held promptly once concerns of significant harm "
    "were identified: the same day where the child may be at immediate risk?",
)


def load(demo) -> None:
    from app.extensions import db

    if db.session.execute(sa.select(InstrumentDraft.id).limit(1)).first():
        return
    version = latest_version("strategy-discussion")
    if version is None:
        demo.say("studio draft skipped: strategy-discussion is not loaded")
        return
    actor = demo.user(QA)
    draft = services.start_new_version(version, actor=actor)
    key, text = REWORDED
    for si, section in enumerate(draft.definition["sections"]):
        for qi, question in enumerate(section["questions"]):
            if question["key"] == key:
                fields = dict(services.question_fields(question), text=text)
                services.save_question(
                    draft, si, qi, lock_version=draft.lock_version, actor=actor, qtype=question["type"], fields=fields
                )
    demo.say(f"studio draft of {draft.title} version {draft.definition['version']}")
