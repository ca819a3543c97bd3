"""A criterion renamed twice (one rename per version) still carries its answer into the next cycle, and its
wording is still found: every feature follows renamed keys by the engine's one rule, across all versions."""

from __future__ import annotations

import copy

import sqlalchemy as sa

from app.extensions import db
from app.questionnaire import latest_version
from app.questionnaire.store import publish_definition
from app.selfassessment import services
from app.selfassessment.models import ReturnAnswer
from tests.selfassessment.factories import complete_return, instrument_for, make_campaign, return_for


def _publish_renamed(old: str, new: str):
    """The next version of the self-assessment with one criterion renamed, declaring only its own rename."""
    definition = copy.deepcopy(latest_version("self-assessment").definition)
    definition["version"] += 1
    definition.pop("renamed", None)
    for section in definition["sections"]:
        for question in section["questions"]:
            if question["key"] == old:
                question["key"] = new
            if (question.get("show_if") or {}).get("question") == old:
                question["show_if"]["question"] = new
    definition["renamed"] = {old: new}
    version = publish_definition(definition)
    db.session.commit()
    return version


def test_an_answer_follows_two_renames_into_the_next_cycle(make, db):
    org = make.make_org(org_type="school", name="Rowan Primary School")
    lead = make.make_user(roles=["org_lead"], organisation=org)
    first = make_campaign(cycle="2024-25", due_in_days=-300)
    instrument = instrument_for(return_for(first, org))
    original = instrument.sections_for("school")[0].questions[0].key
    complete_return(return_for(first, org), rags={original: "amber"}, submit=True, actor=lead)
    services.close_campaign(first)
    db.session.commit()

    _publish_renamed(original, "criterion_renamed_once")
    _publish_renamed("criterion_renamed_once", "criterion_renamed_twice")
    second = make_campaign(cycle="2025-26")
    assert second.previous_campaign_id == first.id
    assert instrument_for(return_for(second, org)).version == instrument.version + 2

    rows = {
        r.question_key: r
        for r in db.session.execute(
            sa.select(ReturnAnswer).where(ReturnAnswer.return_id == return_for(second, org).id)
        ).scalars()
    }
    assert original not in rows
    carried = rows["criterion_renamed_twice"]
    assert carried.value == "amber" and carried.carried_from_id is not None and not carried.reconfirmed
