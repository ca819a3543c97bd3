"""Every service that changes something findings figures are computed from says so (app.signals.figures_changed),
in its own transaction, so figures kept for a round or campaign are never served out of date; draft saves do not.
Each test computes (and so keeps) the figures first, makes one change through the service, commits, and finds the
figures renewed."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts import services as accounts
from app.audits import services as audits
from app.audits.models import AuditRound
from app.findings import figures
from app.questionnaire import latest_version
from app.questionnaire.store import load_files, publish_definition
from app.selfassessment import services as selfassessment
from app.selfassessment import survey_services
from app.selfassessment.models import Campaign, ReturnState
from app.utils import utcnow
from config import BASE_DIR
from tests.audits import factories as rounds
from tests.selfassessment import factories as campaigns
from tests.selfassessment.factories import no_noise


def _token(db, period) -> str:
    model = type(period)
    return db.session.execute(sa.select(model.figures_token).where(model.id == period.id)).scalar_one()


def _renews(db, period, change) -> bool:
    """Whether `change` (then a commit) replaces the token the period's kept figures were stamped with."""
    (figures.round_figures if isinstance(period, AuditRound) else figures.campaign_figures)(period)
    before = _token(db, period)
    change()
    db.session.commit()
    return _token(db, period) != before


# --- case audit rounds ---------------------------------------------------------------------------------------


@pytest.fixture
def open_round(db):
    setup = rounds.make_round(agencies=("police", "health"), references=("CR-000101", "CR-000102"))
    db.session.commit()
    return setup


def test_round_details_reach_the_figures_at_once(db, open_round):
    rnd = open_round.round
    assert figures.round_figures(rnd)["title"] == "Strategy discussions – test round"
    audits.update_round(
        rnd,
        title="Strategy discussions – spring",
        area=rnd.area,
        period_start=rnd.period_start,
        period_end=rnd.period_end,
        due_date=rnd.due_date,
        actor=open_round.qa,
    )
    db.session.commit()
    assert figures.round_figures(rnd)["title"] == "Strategy discussions – spring"


def test_cases_added_imported_and_removed_reach_the_figures_at_once(db, open_round):
    rnd = open_round.round
    assert figures.round_figures(rnd)["summary"]["cases"] == 2
    audits.add_case(rnd, reference="CR-000103", actor=open_round.qa)
    db.session.commit()
    assert figures.round_figures(rnd)["summary"]["cases"] == 3
    audits.import_cases(
        rnd, filename="cases.csv", content=b"Case reference\nCR-000104\nCR-000105\n", actor=open_round.qa
    )
    db.session.commit()
    assert figures.round_figures(rnd)["summary"]["cases"] == 5

    draft = rounds.make_round(agencies=("police",), references=("CR-000201", "CR-000202"), open_it=False)
    db.session.commit()
    assert figures.round_figures(draft.round)["summary"]["cases"] == 2
    audits.remove_case(draft.round.cases[1], actor=draft.qa)
    db.session.commit()
    assert figures.round_figures(draft.round)["summary"]["cases"] == 1


def test_assignments_reach_the_figures_at_once(db, open_round):
    rnd = open_round.round
    assert figures.round_figures(rnd)["summary"]["assigned"] == 4
    case = rnd.cases[0]
    audits.set_assignments(case, auditors={open_round.orgs["police"].id: None}, actor=open_round.qa)
    db.session.commit()
    assert figures.round_figures(rnd)["summary"]["assigned"] == 3


def test_submitting_and_returning_a_response_reach_the_figures_at_once(db, open_round):
    rnd = open_round.round
    police = open_round.assignment(0, "police")
    rounds.score(police, rounds.complete_answers(), actor=open_round.auditors["police"], submit=False)
    db.session.commit()
    assert figures.round_figures(rnd)["summary"]["submitted"] == 0
    audits.submit_response(police, lock_version=police.response.lock_version, actor=open_round.auditors["police"])
    db.session.commit()
    assert figures.round_figures(rnd)["summary"]["submitted"] == 1
    audits.return_response(police, reason="Please add the date of the discussion.", actor=open_round.qa)
    db.session.commit()
    assert figures.round_figures(rnd)["summary"]["submitted"] == 0


def test_draft_saves_keep_the_round_figures(db, open_round):
    police = open_round.assignment(0, "police")
    assert not _renews(
        db,
        open_round.round,
        lambda: rounds.score(police, rounds.complete_answers(), actor=open_round.auditors["police"], submit=False),
    )


def test_moderation_and_every_round_state_change_renew_the_figures(db, open_round):
    rnd, qa = open_round.round, open_round.qa
    rounds.score(open_round.assignment(0, "police"), rounds.complete_answers(), actor=open_round.auditors["police"])
    db.session.commit()
    assert _renews(db, rnd, lambda: audits.start_moderation(rnd, confirm_unsubmitted=True, actor=qa))
    assert figures.round_figures(rnd)["summary"]["moderated_cases"] == 0
    rounds.moderate(rnd.cases[0], actor=qa)
    db.session.commit()
    assert figures.round_figures(rnd)["summary"]["moderated_cases"] == 1
    assert _renews(db, rnd, lambda: audits.reopen_round(rnd, actor=qa))
    assert _renews(db, rnd, lambda: audits.start_moderation(rnd, confirm_unsubmitted=True, actor=qa))
    assert _renews(db, rnd, lambda: audits.close_round(rnd, reasons={rnd.cases[1].id: "Not discussed."}, actor=qa))

    draft = rounds.make_round(agencies=("police",), open_it=False)
    db.session.commit()
    assert _renews(db, draft.round, lambda: audits.open_round(draft.round, actor=draft.qa))


def test_the_retention_purge_renews_the_round_figures(db, open_round):
    rnd = open_round.round
    rounds.score(open_round.assignment(0, "police"), rounds.complete_answers(), actor=open_round.auditors["police"])
    audits.start_moderation(rnd, confirm_unsubmitted=True, actor=open_round.qa)
    audits.close_round(rnd, reasons={c.id: "Not discussed." for c in rnd.cases}, actor=open_round.qa)
    rnd.closed_at = utcnow() - timedelta(days=3 * 365)
    db.session.commit()
    assert _renews(db, rnd, lambda: audits.purge_case_data(closed_before=utcnow() - timedelta(days=365)))
    assert figures.round_figures(rnd)["summary"]["submitted"] == 1  # the snapshot taken before the purge


# --- self-assessment campaigns -------------------------------------------------------------------------------


@pytest.fixture
def campaign(db, make):
    school = make.make_org(name="Test Elmwood School", org_type="school")
    college = make.make_org(name="Test Riverside College", org_type="college")
    campaign = campaigns.make_campaign(org_types=["school", "college"], open_it=False)
    return campaign, school, college


def test_opening_and_closing_a_campaign_reach_the_figures_at_once(db, campaign):
    campaign, _school, _college = campaign
    assert figures.campaign_figures(campaign)["summary"]["invited"] == 0
    selfassessment.open_campaign(campaign)
    db.session.commit()
    assert figures.campaign_figures(campaign)["summary"]["invited"] == 2
    assert _renews(db, campaign, lambda: selfassessment.close_campaign(campaign))

    no_survey = campaigns.make_campaign(cycle="2026-27", org_types=["school"], survey=False)
    assert _renews(db, no_survey, lambda: selfassessment.close_campaign(no_survey))


def test_a_return_reaches_the_figures_when_it_starts_is_submitted_returned_and_accepted(db, campaign):
    campaign, school, _college = campaign
    selfassessment.open_campaign(campaign)
    db.session.commit()
    ret = campaigns.return_for(campaign, school)
    section = campaigns.instrument_for(ret).sections_for("school")[0]
    assert _renews(db, campaign, lambda: campaigns.fill_section(ret, section))  # not started -> in progress
    assert not _renews(db, campaign, lambda: campaigns.fill_section(ret, section, evidence="A later draft."))
    assert figures.campaign_figures(campaign)["summary"]["received"] == 0
    campaigns.complete_return(ret, submit=True)
    assert figures.campaign_figures(campaign)["summary"]["received"] == 1
    selfassessment.return_to_organisation(ret, reason="Please attach the training matrix.")
    db.session.commit()
    assert figures.campaign_figures(campaign)["summary"]["received"] == 0
    campaigns.complete_return(ret, submit=True)
    assert ret.state == ReturnState.submitted
    assert _renews(db, campaign, lambda: selfassessment.accept_return(ret))


def test_a_challenge_and_the_survey_reach_the_figures_at_once(db, campaign, monkeypatch):
    campaign, school, _college = campaign
    selfassessment.open_campaign(campaign)
    db.session.commit()
    ret = campaigns.complete_return(campaigns.return_for(campaign, school), submit=True)
    key = next(a.question_key for a in ret.answers if a.rag == "green")
    assert _renews(
        db,
        campaign,
        lambda: selfassessment.challenge_answer(ret, key, moderated_rag="red", comment="No evidence of training."),
    )
    link = campaigns.survey_link(campaign, school)
    [code] = campaigns.response_codes(link, 1)
    answers = {k: {"value": v} for k, v in campaigns.survey_form().items()}
    assert _renews(db, campaign, lambda: survey_services.record_survey_response(link, answers, code=code))
    no_noise(monkeypatch)
    campaigns.survey_responses(link, 5)
    assert _renews(db, campaign, lambda: survey_services.close_survey(link))


# --- every round and campaign --------------------------------------------------------------------------------


@pytest.fixture
def periods(db, open_round, campaign):
    return open_round.round, db.session.get(Campaign, campaign[0].id)


def _renews_both(db, periods, change) -> bool:
    rnd, camp = periods
    figures.round_figures(rnd), figures.campaign_figures(camp)
    before = (_token(db, rnd), _token(db, camp))
    change()
    db.session.commit()
    after = (_token(db, rnd), _token(db, camp))
    return before[0] != after[0] and before[1] != after[1]


def test_an_organisation_created_or_changed_renews_every_figure(db, open_round, periods):
    police = open_round.orgs["police"]
    assert _renews_both(
        db,
        periods,
        lambda: accounts.create_organisation(
            name="Test Hillside Academy", slug="test-hillside-academy", org_type="school"
        ),
    )
    assert _renews_both(
        db,
        periods,
        lambda: accounts.update_organisation(
            police,
            name="Test Riverside Constabulary",
            slug=police.slug,
            org_type=police.org_type,
            areas=police.areas,
            active=True,
        ),
    )
    assert any(a["name"] == "Test Riverside Constabulary" for a in figures.round_figures(periods[0])["agencies"])
    assert not _renews_both(
        db,
        periods,
        lambda: accounts.update_organisation(
            police, name=police.name, slug=police.slug, org_type=police.org_type, areas=police.areas, active=True
        ),
    )


def test_an_instrument_published_or_loaded_renews_every_figure(db, periods, tmp_path):
    definition = copy.deepcopy(latest_version("referral-quality").definition)
    definition["version"] += 1
    assert _renews_both(db, periods, lambda: publish_definition(definition))

    text = (BASE_DIR / "instruments" / "cp-conference.yaml").read_text()
    newer = tmp_path / "cp-conference.yaml"
    bumped = re.sub(r"^version: (\d+)$", lambda m: f"version: {int(m[1]) + 1}", text, count=1, flags=re.MULTILINE)
    newer.write_text(bumped)
    assert _renews_both(db, periods, lambda: load_files([newer]))
    assert not _renews_both(db, periods, lambda: load_files([newer]))  # already stored: nothing changed
