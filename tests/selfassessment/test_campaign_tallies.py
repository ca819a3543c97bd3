"""A campaign's kept counts (app/selfassessment/tallies.py and survey_tally.py) stay equal to its answers through
every change the services make (submissions, sign-offs, returns, resubmissions, acceptance, challenges and
challenges again, replies accepted, practitioner survey responses), and the campaign's findings figures worked
out from the counts are those worked out from the answers."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db as _db
from app.findings.figures import campaign_figures, campaign_snapshot
from app.findings.figures.areas import campaign_areas
from app.questionnaire import load_files
from app.selfassessment import return_figures, services, survey_services, survey_tally, tallies
from app.selfassessment.models import Campaign, Challenge, ReturnAnswer
from app.selfassessment.queries import partnership_survey_figures
from app.selfassessment.tally_models import CampaignRatingTally, CampaignSurveyTally, ReturnTally
from app.utils import today
from tests.factories import plain
from tests.selfassessment.factories import (
    complete_return,
    fill_section,
    instrument_for,
    make_campaign,
    response_codes,
    return_for,
    submit_with_signoff,
    survey_form,
    survey_link,
    survey_version,
)

RAGS = ("green", "green", "amber", "red")
SURVEY_VALUES = ("strongly_agree", "agree", "agree", "disagree", "strongly_disagree", "dont_know")
TALLY_TABLES = (ReturnTally, CampaignRatingTally, CampaignSurveyTally)
AREAS = ("East", "West")


def _figures(campaign: Campaign, areas=()):
    """The campaign's findings figures, those of each area, and its exact partnership survey figures."""
    return plain(
        (
            campaign_snapshot(campaign),
            [campaign_figures(campaign, area=area) for area in areas],
            partnership_survey_figures(campaign),
        )
    )


def _both_ways(campaign: Campaign, areas=()):
    assert campaign.tallied
    kept = _figures(campaign, areas)
    counted_from = campaign.survey_counted_from
    # As a campaign from before the counts were kept: worked out from its answers
    campaign.tallied, campaign.survey_counted_from = False, None
    try:
        counted = _figures(campaign, areas)
    finally:
        campaign.tallied, campaign.survey_counted_from = True, counted_from
    return kept, counted


def assert_counts_agree(campaign: Campaign, areas=()) -> None:
    assert tallies.check_campaign(campaign) == []
    kept, counted = _both_ways(campaign, areas)
    assert kept == counted


def _count_rows(model, campaign_id: int) -> int:
    return _db.session.execute(
        sa.select(sa.func.count()).select_from(model).where(model.campaign_id == campaign_id)
    ).scalar_one()


def _lead(make, org):
    return make.make_user(roles=["org_lead"], organisation=org)


def _rags(ret, rng: random.Random) -> dict[str, str]:
    return {q.key: rng.choice(RAGS) for q in instrument_for(ret).questions(ret.organisation.org_type)}


def _resubmit(ret, rags: dict[str, str], lead) -> None:
    """The organisation changes its ratings after its return was sent back, and submits it again."""
    for section in instrument_for(ret).sections_for(ret.organisation.org_type):
        fill_section(ret, section, rags=rags, actor=lead)
    submit_with_signoff(ret, actor=lead)
    _db.session.commit()


def _agreed(ret, key: str) -> tuple[str, str]:
    """(self-assessed RAG, agreed RAG) of one criterion."""
    rag, moderated = _db.session.execute(
        sa.select(ReturnAnswer.rag, Challenge.moderated_rag)
        .outerjoin(Challenge, Challenge.return_answer_id == ReturnAnswer.id)
        .where(ReturnAnswer.return_id == ret.id, ReturnAnswer.question_key == key)
    ).one()
    return rag, moderated or rag


# --- returns -------------------------------------------------------------------------------------------------


def test_counts_follow_a_campaigns_returns_through_submission_review_and_challenge(db, make):
    rng = random.Random(20261204)
    orgs = {
        "school": make.make_org(org_type="school", name="Alder School", areas=["East"]),
        "school2": make.make_org(org_type="school", name="Beech School", areas=["West"]),
        "police": make.make_org(org_type="police", name="Shire Police", areas=["East", "West"]),
        "charity": make.make_org(org_type="charity", name="Youth Club Trust", areas=["East"]),
        "health": make.make_org(org_type="health_trust", name="County Health", areas=["West"]),
        "council": make.make_org(org_type="local_authority", name="Shire Council", areas=["East"]),
    }
    leads = {name: _lead(make, org) for name, org in orgs.items()}
    qa = make.make_user(roles=["qa"])
    campaign = make_campaign(org_types=["school", "police", "charity", "health_trust", "local_authority"])
    returns = {name: return_for(campaign, org) for name, org in orgs.items()}
    assert campaign.tallied
    assert_counts_agree(campaign, AREAS)  # nothing submitted: nothing counted, no figures

    # Submissions (the schools and the charity through their leaders' sign-off); the council never submits
    for name in ("school", "school2", "police", "charity", "health"):
        complete_return(returns[name], rags=_rags(returns[name], rng), actor=leads[name], submit=True)
        assert_counts_agree(campaign, AREAS)
    complete_return(returns["council"], rags=_rags(returns["council"], rng), actor=leads["council"])
    assert_counts_agree(campaign, AREAS)
    assert _count_rows(ReturnTally, campaign.id) == 5 and _count_rows(CampaignRatingTally, campaign.id) > 0
    received = campaign_snapshot(campaign)["summary"]["received"]
    assert received == 5

    # Sent back, then resubmitted with other ratings: its old ratings are taken away, its new ones added
    police = returns["police"]
    services.return_to_organisation(police, reason="Please add the supervision audit.", actor=qa)
    _db.session.commit()
    assert_counts_agree(campaign, AREAS)
    assert campaign_snapshot(campaign)["summary"]["received"] == 4
    key = instrument_for(police).sections[0].questions[0].key
    services.challenge_answer(police, key, moderated_rag="red", comment="No board minutes.", actor=qa)
    _db.session.commit()  # a returned return's criterion challenged: still not counted
    assert_counts_agree(campaign, AREAS)
    _resubmit(police, {k: ("red" if v == "green" else "green") for k, v in _rags(police, rng).items()}, leads["police"])
    assert_counts_agree(campaign, AREAS)
    assert campaign_snapshot(campaign)["summary"]["received"] == 5

    # Accepted: counted as before
    services.accept_return(returns["school"], actor=qa)
    _db.session.commit()
    assert_counts_agree(campaign, AREAS)

    # Challenges, a challenge again, and an accepted return's criterion challenged
    school, health = returns["school"], returns["health"]
    school_key = instrument_for(school).sections_for("school")[-1].questions[0].key  # an education standard
    health_keys = [s.questions[1].key for s in instrument_for(health).sections_for("health_trust")[:3]]
    services.challenge_answer(school, school_key, moderated_rag="amber", comment="DSL hours not shown.", actor=qa)
    assert_counts_agree(campaign, AREAS)
    for n, key in enumerate(health_keys):
        services.challenge_answer(health, key, moderated_rag=RAGS[n + 1], comment="Not evidenced.", actor=qa)
        assert_counts_agree(campaign, AREAS)
    challenge, _unused = services.challenge_answer(
        health, health_keys[0], moderated_rag="red", comment="Still not evidenced.", actor=qa
    )
    _db.session.commit()
    assert _agreed(health, health_keys[0])[1] == "red"
    assert_counts_agree(campaign, AREAS)

    # Replies accepted: agreeing changes the agreed rating to the organisation's new one; disagreeing keeps QA's
    services.reply_to_challenge(
        health, challenge, kind="agree", reply_rag="amber", text="We agree; re-rated.", actor=leads["health"]
    )
    assert_counts_agree(campaign, AREAS)  # a reply alone changes no figure
    services.accept_reply(health, challenge, actor=qa)
    _db.session.commit()
    assert _agreed(health, health_keys[0])[1] == "amber"
    assert_counts_agree(campaign, AREAS)
    disputed = _db.session.execute(
        sa.select(Challenge)
        .join(ReturnAnswer, Challenge.return_answer_id == ReturnAnswer.id)
        .where(ReturnAnswer.return_id == school.id)
    ).scalar_one()
    services.reply_to_challenge(
        school,
        disputed,
        kind="disagree",
        reply_rag=None,
        text="The DSL's timetable shows the hours.",
        link="https://example.org/timetable",
        actor=leads["school"],
    )
    services.accept_reply(school, disputed, actor=qa)
    _db.session.commit()
    assert _agreed(school, school_key)[1] == "amber"
    assert_counts_agree(campaign, AREAS)

    # An accepted return sent back after all, and a challenged one sent back: their criteria leave the counts
    services.return_to_organisation(school, reason="The DSL section needs evidence.", actor=qa)
    services.return_to_organisation(health, reason="Please answer the challenges.", actor=qa)
    _db.session.commit()
    assert_counts_agree(campaign, AREAS)
    figures = campaign_snapshot(campaign)
    assert figures["summary"]["received"] == 3
    assert str(health.organisation_id) not in figures["heatmap"]["cells"]
    _resubmit(health, _rags(health, rng), leads["health"])  # its challenges still agree the ratings QA set
    assert_counts_agree(campaign, AREAS)

    # The counts are those of the criteria of the returns received, as rated and as agreed
    counted = Counter()
    for ret in (returns[name] for name in ("school2", "police", "charity", "health")):
        for question in instrument_for(ret).questions(ret.organisation.org_type):
            counted[(question.key, *_agreed(ret, question.key))] += 1
    assert tallies.rating_totals(campaign) == counted


INSTRUMENT = """\
key: tally-test-self-assessment
version: 1
kind: self_assessment
title: Tally test self-assessment
applies_to: [all]
scales:
  rag:
    - {value: green, label: Green, score: 2, meets_standard: true, rag: green}
    - {value: amber, label: Amber, score: 1, meets_standard: false, rag: amber}
    - {value: red, label: Red, score: 0, meets_standard: false, rag: red}
    - {value: na, label: Not applicable, excluded: true}
sections:
  - key: leadership
    title: Leadership
    questions:
      - key: lead_named
        type: scale
        scale: rag
        text: A named lead is responsible for safeguarding.
        themes: [leadership_and_accountability]
      - key: board_reports
        type: scale
        scale: rag
        required: false
        text: The board receives a safeguarding report each year.
        themes: [leadership_and_accountability, management_oversight]
      - key: lead_notes
        type: long_text
        required: false
        text: Anything else about leadership.
        themes: [voice_of_child]
  - key: workforce
    title: Workforce
    questions:
      - key: checks_done
        type: scale
        scale: rag
        text: Pre-employment checks are done.
        themes: [safer_workforce]
      - key: training_current
        type: scale
        scale: rag
        required: false
        text: Safeguarding training is up to date.
        themes: [training, safer_workforce]
  - key: schools
    title: Schools
    applies_to: [school]
    questions:
      - key: dsl_time
        type: scale
        scale: rag
        text: The designated safeguarding lead has time for the role.
        themes: [training]
"""


def test_criteria_not_applicable_or_left_unrated_count_as_their_answers_do(db, make, tmp_path):
    """An instrument with a "Not applicable" option, criteria that may be left unrated and a question that is not
    rated at all: excluded and unrated criteria are in no count, a standard whose criteria were none of them rated
    has no lowest rating, and both ways still agree."""
    path = tmp_path / "tally-test.yaml"
    path.write_text(INSTRUMENT)
    [version] = load_files([path])
    qa = make.make_user(roles=["qa"])
    given = {
        "school": {
            "lead_named": "green",
            "board_reports": "na",
            "lead_notes": "We report to the governors.",
            "checks_done": "amber",
            "training_current": None,
            "dsl_time": "red",
        },
        "police": {"lead_named": "na", "board_reports": None, "checks_done": "green", "training_current": "na"},
        "other police": {"lead_named": "red", "board_reports": "amber", "checks_done": "na", "training_current": None},
    }
    orgs = {name: make.make_org(org_type=name.split()[-1], name=f"Tally {name}", areas=["East"]) for name in given}
    campaign = services.create_campaign(
        title="Tally test",
        instrument_version_id=version.id,
        cycle="2025-26",
        due_date=today() + timedelta(days=30),
        org_types=["school", "police"],
    )
    services.open_campaign(campaign)
    _db.session.commit()
    rets = {name: return_for(campaign, org) for name, org in orgs.items()}
    for name, values in given.items():
        lead = _lead(make, orgs[name])
        for section in instrument_for(rets[name]).sections_for(orgs[name].org_type):
            fill_section(rets[name], section, rags=values, actor=lead)
        submit_with_signoff(rets[name], actor=lead)
        _db.session.commit()
        assert_counts_agree(campaign, ["East"])
    assert tallies.rating_totals(campaign) == Counter(
        {
            ("lead_named", "green", "green"): 1,
            ("lead_named", "red", "red"): 1,
            ("checks_done", "amber", "amber"): 1,
            ("checks_done", "green", "green"): 1,
            ("dsl_time", "red", "red"): 1,
            ("board_reports", "amber", "amber"): 1,
        }
    )
    figures = campaign_snapshot(campaign)
    police = str(orgs["police"].id)
    leadership = next(s for s in figures["standards"] if s["key"] == "leadership")
    assert leadership["by_org"][police] == {"self": None, "moderated": None}  # answered, none of it rated

    services.challenge_answer(rets["police"], "checks_done", moderated_rag="red", comment="No DBS log.", actor=qa)
    services.challenge_answer(rets["school"], "dsl_time", moderated_rag="amber", comment="Hours agreed.", actor=qa)
    _db.session.commit()
    assert_counts_agree(campaign, ["East"])
    services.return_to_organisation(rets["other police"], reason="Please rate the training.", actor=qa)
    _db.session.commit()
    assert_counts_agree(campaign, ["East"])
    assert ("board_reports", "amber", "amber") not in tallies.rating_totals(campaign)


# --- the practitioner survey ---------------------------------------------------------------------------------


def _survey_answers(rng: random.Random) -> dict[str, str]:
    """One practitioner's answers: every statement answered any way (or left blank), and the role sometimes."""
    answers = {key: rng.choice((*SURVEY_VALUES, "")) for key in survey_form()}
    answers["role_group"] = rng.choice(("frontline", "manager", "senior_leader", ""))
    return answers


def _respond(link, answers: dict[str, str]) -> None:
    [code] = response_codes(link, 1)
    survey_services.record_survey_response(link, {k: {"value": v} for k, v in answers.items()}, code=code)
    _db.session.commit()


def _kept_survey(campaign: Campaign) -> Counter:
    tally = CampaignSurveyTally
    rows = _db.session.execute(
        sa.select(tally.question_key, tally.value, tally.answers).where(tally.campaign_id == campaign.id)
    )
    return Counter({(key, value): n for key, value, n in rows if n})


def _answered(given: dict[int, list[dict]], minimum: int) -> Counter:
    """(question key, value) -> answers given, by the practitioners of the organisations with `minimum`
    responses or more: what the kept survey counts should be."""
    return Counter(
        (key, value)
        for responses in given.values()
        if len(responses) >= minimum
        for answers in responses
        for key, value in answers.items()
        if value
    )


def _agreement(given: dict[int, list[dict]], minimum: int) -> dict[str, tuple[int, int]]:
    """theme -> (answers agreeing, answers agreeing or not) of its statements, by the practitioners of the
    organisations with `minimum` responses or more: the partnership's exact agreement, worked out here."""
    answered = _answered(given, minimum)
    agreement: dict[str, list[int]] = {}
    for question in survey_version().parsed.questions():
        if not question.is_scored:
            continue
        for option in question.options:
            n = answered[question.key, option.value]
            for theme in question.themes:
                counts = agreement.setdefault(theme, [0, 0])
                counts[0] += n if option.meets_standard else 0
                counts[1] += n if option.meets_standard is not None and not option.excluded else 0
    return {theme: tuple(counts) for theme, counts in agreement.items()}


def assert_survey_figures(campaign: Campaign, given: dict[int, list[dict]], minimum: int) -> None:
    figures = partnership_survey_figures(campaign)
    assert figures["organisations"] == sum(1 for responses in given.values() if len(responses) >= minimum)
    assert {theme: (t["agreeing"], t["scored"]) for theme, t in figures["themes"].items()} == _agreement(given, minimum)


def assert_survey_counted(campaign: Campaign, given: dict[int, list[dict]], minimum: int) -> None:
    _db.session.refresh(campaign)
    assert campaign.survey_counted_from == minimum
    assert _kept_survey(campaign) == _answered(given, minimum)
    assert_counts_agree(campaign)
    assert_survey_figures(campaign, given, minimum)


def test_survey_answers_are_counted_from_an_organisations_minimum_and_each_response_after(app, db, make, monkeypatch):
    rng = random.Random(7)
    minimum = app.config["MIN_CELL_SIZE"]
    orgs = [make.make_org(org_type=t, name=f"Survey {t}") for t in ("school", "police", "charity")]
    campaign = make_campaign(org_types=["school", "police", "charity"])
    links = [survey_link(campaign, org) for org in orgs]
    given: dict[int, list[dict]] = {link.id: [] for link in links}
    assert campaign.survey_counted_from is None  # no response yet: nothing counted
    assert_counts_agree(campaign)

    def respond(link):
        answers = _survey_answers(rng)
        _respond(link, answers)
        given[link.id].append(answers)

    school, police, charity = links
    # One by one: nothing counted below the minimum, the school's answers counted whole at it, then each added
    for _ in range(minimum - 1):
        respond(school)
        respond(police)
        assert_survey_counted(campaign, given, minimum)
    assert _kept_survey(campaign) == Counter()
    respond(school)
    assert len(given[school.id]) == minimum and _kept_survey(campaign)
    assert_survey_counted(campaign, given, minimum)
    for link in (school, police, school, police, charity):
        respond(link)
        assert_survey_counted(campaign, given, minimum)
    assert [len(given[link.id]) for link in links] == [minimum + 2, minimum + 1, 1]
    assert partnership_survey_figures(campaign)["themes"]  # the partnership's agreement shown from the counts

    # MIN_CELL_SIZE raised: the police's survey no longer counts. Kept with the old minimum, the figures are worked
    # out from the answers until the next response counts the survey again whole with the new one.
    monkeypatch.setitem(app.config, "MIN_CELL_SIZE", minimum + 2)
    assert campaign.survey_counted_from == minimum
    assert tallies.check_campaign(campaign) == []
    kept, counted = _both_ways(campaign)
    assert kept == counted
    assert_survey_figures(campaign, given, minimum + 2)  # the police's answers left out
    assert partnership_survey_figures(campaign)["organisations"] == 1
    respond(charity)  # below either minimum: still it recounts the campaign's survey
    assert_survey_counted(campaign, given, minimum + 2)
    respond(police)  # the police now at the new minimum: counted whole
    assert_survey_counted(campaign, given, minimum + 2)

    # MIN_CELL_SIZE lowered: the charity's two responses count
    monkeypatch.setitem(app.config, "MIN_CELL_SIZE", 2)
    kept, counted = _both_ways(campaign)
    assert kept == counted
    assert_survey_figures(campaign, given, 2)
    assert partnership_survey_figures(campaign)["organisations"] == 3
    respond(school)
    assert_survey_counted(campaign, given, 2)


# --- campaigns from before the counts, and the command ----------------------------------------------------------


def _campaign_with_answers(app, make) -> tuple[Campaign, dict]:
    """Three organisations: two submitted (one with a challenged criterion), one in progress; and practitioners'
    answers, enough from two of them to count."""
    rng = random.Random(11)
    orgs = {t: make.make_org(org_type=t, name=f"Before {t}") for t in ("school", "police", "charity")}
    campaign = make_campaign(org_types=list(orgs))
    rets = {t: return_for(campaign, org) for t, org in orgs.items()}
    for t in ("school", "police"):
        complete_return(rets[t], rags=_rags(rets[t], rng), actor=_lead(make, orgs[t]), submit=True)
    complete_return(rets["charity"], rags=_rags(rets["charity"], rng), actor=_lead(make, orgs["charity"]))
    key = instrument_for(rets["police"]).sections[2].questions[0].key
    services.challenge_answer(rets["police"], key, moderated_rag="red", comment="Not evidenced.")
    for t, n in (("school", app.config["MIN_CELL_SIZE"]), ("police", app.config["MIN_CELL_SIZE"] + 1), ("charity", 2)):
        link = survey_link(campaign, orgs[t])
        for _ in range(n):
            _respond(link, _survey_answers(rng))
    _db.session.commit()
    return campaign, rets


def _as_before_the_counts(campaign: Campaign) -> None:
    """What the migration leaves a campaign that existed before it: no counts, not tallied, survey not counted."""
    for model in TALLY_TABLES:
        _db.session.execute(sa.delete(model).where(model.campaign_id == campaign.id))
    campaign.tallied, campaign.survey_counted_from = False, None
    _db.session.commit()


def test_a_campaign_from_before_the_counts_is_worked_out_from_its_answers_until_counted(app, db, make, runner):
    campaign, _rets = _campaign_with_answers(app, make)
    assert_counts_agree(campaign)
    expected = _figures(campaign)
    assert expected[0]["summary"]["received"] == 2 and expected[2]["organisations"] == 2
    _as_before_the_counts(campaign)
    assert _figures(campaign) == expected

    result = runner.invoke(args=["campaigns", "tally"])
    assert result.exit_code == 0, result.output
    assert "Counted 1 campaign." in result.output
    _db.session.expire_all()
    assert campaign.tallied and campaign.survey_counted_from == app.config["MIN_CELL_SIZE"]
    assert [_count_rows(model, campaign.id) > 0 for model in TALLY_TABLES] == [True, True, True]
    assert_counts_agree(campaign)
    assert _figures(campaign) == expected
    again = runner.invoke(args=["campaigns", "tally"])
    assert again.exit_code == 0 and "Counted 0 campaigns." in again.output


def test_a_submission_in_an_uncounted_campaign_counts_the_whole_campaign(app, db, make):
    campaign, rets = _campaign_with_answers(app, make)
    _as_before_the_counts(campaign)
    charity = rets["charity"]
    submit_with_signoff(charity, actor=_lead(make, charity.organisation))
    _db.session.commit()
    assert campaign.tallied
    assert _count_rows(ReturnTally, campaign.id) == 3  # every return received, not only the charity's
    assert campaign.survey_counted_from == app.config["MIN_CELL_SIZE"]  # its survey with it
    assert _count_rows(CampaignSurveyTally, campaign.id) > 0
    assert_counts_agree(campaign)
    assert campaign_snapshot(campaign)["summary"]["received"] == 3


def test_a_challenge_in_an_uncounted_campaign_counts_it_whole(app, db, make):
    campaign, rets = _campaign_with_answers(app, make)
    _as_before_the_counts(campaign)
    school = rets["school"]
    services.challenge_answer(
        school, instrument_for(school).sections[0].questions[1].key, moderated_rag="amber", comment="Not evidenced."
    )
    _db.session.commit()
    assert campaign.tallied and _count_rows(ReturnTally, campaign.id) == 2  # both returns received
    assert campaign.survey_counted_from == app.config["MIN_CELL_SIZE"]
    assert_counts_agree(campaign)


def test_a_response_in_an_uncounted_survey_counts_the_survey_whole(app, db, make, runner):
    campaign, rets = _campaign_with_answers(app, make)
    expected = _figures(campaign)
    _as_before_the_counts(campaign)
    police = rets["police"].organisation
    _respond(survey_link(campaign, police), _survey_answers(random.Random(1)))
    assert campaign.survey_counted_from == app.config["MIN_CELL_SIZE"] and not campaign.tallied
    assert _count_rows(CampaignSurveyTally, campaign.id) > 0 and _count_rows(ReturnTally, campaign.id) == 0
    assert survey_tally.check_survey(campaign) == []
    kept = plain(partnership_survey_figures(campaign))
    campaign.survey_counted_from = None
    assert plain(partnership_survey_figures(campaign)) == kept
    campaign.survey_counted_from = app.config["MIN_CELL_SIZE"]
    assert kept != expected[2]  # the new response counted: the school's and the police's answers, all of them
    _db.session.commit()

    assert runner.invoke(args=["campaigns", "tally"]).exit_code == 0  # and the returns counted by the command
    _db.session.expire_all()
    assert campaign.tallied
    assert_counts_agree(campaign)


def _tamper_return(campaign: Campaign, rets: dict) -> str:
    ret = rets["police"]
    packed = _db.session.execute(sa.select(ReturnTally.figures).where(ReturnTally.return_id == ret.id)).scalar_one()
    values = return_figures.unpack(packed)
    values[-1] += 1  # one more criterion rated Red and agreed Red
    _db.session.execute(
        sa.update(ReturnTally).where(ReturnTally.return_id == ret.id).values(figures=return_figures.pack(values))
    )
    return f"return {ret.id}"


def _tamper_ratings(campaign: Campaign, rets: dict) -> str:
    tally = CampaignRatingTally
    first, second = _db.session.execute(
        sa.select(tally.question_key, tally.rag, tally.agreed_rag)
        .where(tally.campaign_id == campaign.id)
        .order_by(tally.question_key, tally.rag, tally.agreed_rag)
        .limit(2)
    ).all()
    _db.session.execute(
        sa.update(tally)
        .where(
            tally.campaign_id == campaign.id,
            tally.question_key == first.question_key,
            tally.rag == first.rag,
            tally.agreed_rag == first.agreed_rag,
        )
        .values(criteria=tally.criteria + 1)
    )
    _db.session.execute(  # and one missing
        sa.delete(tally).where(
            tally.campaign_id == campaign.id,
            tally.question_key == second.question_key,
            tally.rag == second.rag,
            tally.agreed_rag == second.agreed_rag,
        )
    )
    return f"criteria ('{first.question_key}'"


def _tamper_survey(campaign: Campaign, rets: dict) -> str:
    tally = CampaignSurveyTally
    key, value = _db.session.execute(
        sa.select(tally.question_key, tally.value).where(tally.campaign_id == campaign.id).limit(1)
    ).one()
    _db.session.execute(
        sa.update(tally)
        .where(tally.campaign_id == campaign.id, tally.question_key == key, tally.value == value)
        .values(answers=tally.answers - 1)
    )
    return f"survey answers ('{key}', '{value}')"


def test_the_check_finds_counts_that_differ_from_the_answers_and_a_rebuild_mends_them(app, db, make, runner):
    campaign, rets = _campaign_with_answers(app, make)
    checked = runner.invoke(args=["campaigns", "tally", "--check"])
    assert checked.exit_code == 0, checked.output
    assert "1 counted campaign matches its answers." in checked.output
    for tamper in (_tamper_return, _tamper_ratings, _tamper_survey):
        found = tamper(campaign, rets)
        _db.session.commit()
        checked = runner.invoke(args=["campaigns", "tally", "--check"])
        assert checked.exit_code == 1, (tamper.__name__, checked.output)
        assert f"campaign {campaign.id} ({campaign.label}): {found}" in checked.output
        rebuilt = runner.invoke(args=["campaigns", "tally", "--rebuild"])
        assert rebuilt.exit_code == 0 and "Counted 1 campaign." in rebuilt.output
        assert runner.invoke(args=["campaigns", "tally", "--check"]).exit_code == 0
        _db.session.expire_all()
        assert_counts_agree(campaign)


def test_the_command_counts_again_a_survey_counted_with_another_minimum(app, db, make, runner, monkeypatch):
    campaign, _rets = _campaign_with_answers(app, make)
    monkeypatch.setitem(app.config, "MIN_CELL_SIZE", 2)
    result = runner.invoke(args=["campaigns", "tally"])
    assert result.exit_code == 0, result.output
    _db.session.expire_all()
    assert campaign.survey_counted_from == 2


def test_the_command_counts_again_figures_kept_in_an_earlier_form(app, db, make, runner):
    """Figures kept under another layout (written before a change in their form) are not read, so the campaign's
    findings would be worked out from its answers on every recompute: `flask campaigns tally` counts it again."""
    campaign, rets = _campaign_with_answers(app, make)
    ret = rets["police"]
    layout = _db.session.execute(sa.select(ReturnTally.layout).where(ReturnTally.return_id == ret.id)).scalar_one()
    _db.session.execute(sa.update(ReturnTally).where(ReturnTally.return_id == ret.id).values(layout="earlier"))
    _db.session.commit()
    result = runner.invoke(args=["campaigns", "tally"])
    assert result.exit_code == 0 and "Counted 1 campaign." in result.output, result.output
    _db.session.expire_all()
    kept = _db.session.execute(sa.select(ReturnTally.layout).where(ReturnTally.return_id == ret.id)).scalar_one()
    assert kept == layout
    assert_counts_agree(campaign)


def test_the_demo_campaigns_counts_match_their_answers(db, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    _db.session.expire_all()
    campaigns = list(_db.session.execute(sa.select(Campaign).order_by(Campaign.id)).scalars())
    assert len(campaigns) >= 2 and all(c.tallied for c in campaigns)
    assert tallies.check_campaigns() == (len(campaigns), [])
    for campaign in campaigns:
        assert _count_rows(ReturnTally, campaign.id) > 0
        assert_counts_agree(campaign, campaign_areas(campaign.id))
    assert any(_count_rows(CampaignSurveyTally, c.id) for c in campaigns)  # the demo's survey answers counted
