"""Two organisations' returns submitted in one campaign at the same moment, and two organisations' practitioners
answering its survey at the same moment, on PostgreSQL, where transactions run side by side: each change is
counted under the campaign's row lock, so a campaign (or its survey) not counted yet is counted whole by the first
and the second adds only its own (without the lock the second would count the campaign again without the first's
change, colliding with the rows the first wrote for what was there before). Both changes are flushed before either
counts.

Runs on a database of its own (committed data, two connections); once, on the SQLite pass, against the machine's
PostgreSQL."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db as _db
from app.selfassessment import services, survey_services, survey_tally, tallies
from app.selfassessment.models import Campaign
from app.selfassessment.tally_models import CampaignRatingTally, CampaignSurveyTally, ReturnTally
from tests.e2e.live import create_database, drop_database, reachable_postgres
from tests.parallel import at_once, meet_at

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

ORGS = (("police", "Eastshire Police", "green"), ("health_trust", "Eastshire Health", "red"))
EARLIER = ("local_authority", "Eastshire Council", "amber")  # submitted before the two, committed


@pytest.fixture
def own_database(tmp_path):
    url = create_database("test_campaign_tallies_concurrent", tmp_path, postgres_url=reachable_postgres())
    try:
        yield url
    finally:
        drop_database(url)


def _app(own_database, statement_signing_key):
    from flask_migrate import upgrade

    from app.questionnaire import load_files
    from app.questionnaire.store import default_instrument_files

    app = create_app("test", SQLALCHEMY_DATABASE_URI=own_database, STATEMENT_SIGNING_KEY=statement_signing_key)
    with app.app_context():
        upgrade()
        load_files(default_instrument_files())
        _db.session.commit()
    return app


def _uncount(campaign: Campaign) -> None:
    """As a campaign from before the counts were kept."""
    for model in (ReturnTally, CampaignRatingTally, CampaignSurveyTally):
        _db.session.execute(sa.delete(model).where(model.campaign_id == campaign.id))
    campaign.tallied, campaign.survey_counted_from = False, None


@pytest.mark.parametrize("counted", [True, False], ids=["counted", "not-counted-yet"])
def test_two_submissions_in_one_campaign_at_once_are_both_counted(
    own_database, statement_signing_key, monkeypatch, counted
):
    from tests.factories import PASSWORD, make_org, make_user
    from tests.selfassessment.factories import complete_return, make_campaign, return_for, signatory_of

    app = _app(own_database, statement_signing_key)
    with app.app_context():
        orgs = [make_org(org_type=org_type, name=name) for org_type, name, _rag in ORGS]
        earlier = make_org(org_type=EARLIER[0], name=EARLIER[1])
        campaign = make_campaign(org_types=[org_type for org_type, _name, _rag in (*ORGS, EARLIER)])
        complete_return(
            return_for(campaign, earlier),
            rag=EARLIER[2],
            actor=make_user(roles=["org_lead"], organisation=earlier),
            submit=True,
        )
        return_ids, signatory_ids = {}, {}
        for org, (_type, _name, rag) in zip(orgs, ORGS):
            ret = return_for(campaign, org)
            lead = make_user(roles=["org_lead"], organisation=org)
            complete_return(ret, rag=rag, actor=lead)
            signatory = signatory_of(org, "chief_executive")
            services.send_for_signoff(
                ret, confirmed=True, declaration_name="Morgan Lead", expected_version=ret.lock_version, actor=lead
            )
            return_ids[org.id], signatory_ids[org.id] = ret.id, signatory.id
        if not counted:
            _uncount(campaign)
        _db.session.commit()
        campaign_id = campaign.id
        _db.session.remove()

    meet_at(monkeypatch, tallies, "return_changed")  # both submissions flushed, neither committed, when one counts

    def sign_off(org_id):  # the chief executive's sign-off is the last the return needs: it submits it
        from app.accounts.models import User
        from app.selfassessment.models import Return

        with app.app_context():
            try:
                ret = _db.session.get(Return, return_ids[org_id])
                services.sign_off_return(ret, _db.session.get(User, signatory_ids[org_id]), password=PASSWORD)
                _db.session.commit()
            finally:
                _db.session.remove()

    assert at_once(sign_off, list(return_ids)) == []
    with app.app_context():
        campaign = _db.session.get(Campaign, campaign_id)
        assert campaign.tallied
        assert tallies.check_campaign(campaign) == []
        totals = tallies.rating_totals(campaign)
        assert {rag for _key, rag, _agreed in totals} == {"green", "red", "amber"}  # every return's criteria
        rows = _db.session.execute(sa.select(sa.func.count()).where(ReturnTally.campaign_id == campaign_id))
        assert rows.scalar_one() == 3
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.parametrize("counted", [True, False], ids=["counted", "not-counted-yet"])
def test_two_survey_responses_in_one_campaign_at_once_are_both_counted(
    own_database, statement_signing_key, monkeypatch, counted
):
    from tests.factories import make_org
    from tests.selfassessment.factories import make_campaign, survey_form, survey_link

    app = _app(own_database, statement_signing_key)
    with app.app_context():
        answers = {key: {"value": value} for key, value in survey_form("agree").items()}
        minimum = app.config["MIN_CELL_SIZE"]
        orgs = [make_org(org_type=org_type, name=name) for org_type, name, _rag in ORGS]
        campaign = make_campaign(org_types=[org_type for org_type, _name, _rag in ORGS])
        links = [survey_link(campaign, org) for org in orgs]
        codes = {}
        for link in links:  # each organisation with enough responses to count, and one more to come
            spare, *others = survey_services.create_response_codes(link, minimum + 1)
            for code in others:
                survey_services.record_survey_response(link, answers, code=code)
            codes[link.id] = spare
        if not counted:
            _uncount(campaign)
        _db.session.commit()
        campaign_id = campaign.id
        link_ids = [link.id for link in links]
        _db.session.remove()

    both_arrived = threading.Barrier(2, timeout=10)
    hold = survey_tally.hold
    waited = threading.local()

    def arrive_then_hold(campaign):
        if not getattr(waited, "done", False):  # both responses arrive before either takes the campaign's lock
            waited.done = True
            both_arrived.wait()
        hold(campaign)

    monkeypatch.setattr(survey_tally, "hold", arrive_then_hold)

    def respond(link_id):
        from app.selfassessment.models import SurveyLink

        with app.app_context():
            try:
                link = _db.session.get(SurveyLink, link_id)
                survey_services.record_survey_response(link, answers, code=codes[link_id])
                _db.session.commit()
            finally:
                _db.session.remove()

    assert at_once(respond, link_ids) == []
    with app.app_context():
        campaign = _db.session.get(Campaign, campaign_id)
        assert campaign.survey_counted_from == minimum
        assert tallies.check_campaign(campaign) == []
        kept = _db.session.execute(
            sa.select(CampaignSurveyTally.answers).where(
                CampaignSurveyTally.campaign_id == campaign_id,
                CampaignSurveyTally.question_key == "know_safeguarding_lead",
                CampaignSurveyTally.value == "agree",
            )
        ).scalar_one()
        assert kept == 2 * (minimum + 1)  # every response of both organisations, the last two too
        _db.session.remove()
        _db.engine.dispose()
