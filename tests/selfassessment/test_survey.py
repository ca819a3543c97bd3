"""The anonymous practitioner survey: link-only access, anonymous storage, response codes, closed campaigns,
results only once closed, small-number suppression, triangulation, CSRF and rate limiting. The attacks on anonymity
are in test_survey_anonymity.py."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.selfassessment import queries, services
from app.selfassessment.models import SurveyAnswer, SurveyCode, SurveyLink, SurveyResponse
from app.utils import today
from tests.selfassessment.factories import (
    complete_return,
    make_campaign,
    no_noise,
    response_codes,
    return_for,
    survey_form,
    survey_responses,
)


def _link(db, campaign, org) -> SurveyLink:
    from tests.selfassessment.factories import survey_link

    return survey_link(campaign, org)


def _survey_answers(value="agree", overrides=None, code=None) -> dict[str, str]:
    return survey_form(value, overrides, code)


def _responses(link, n, value="agree", overrides=None):
    survey_responses(link, n, value, overrides)


def _count(db, model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_anonymous_response_is_stored_with_answers_and_date_only(client, make, db):
    org = make.make_org(org_type="school", name="Larch School")
    link = _link(db, make_campaign(), org)
    page = client.get(f"/survey/{link.token}").get_data(as_text=True)
    assert "Practitioner safeguarding survey" in page and "Larch School" in page
    assert "I know who the safeguarding lead is" in page
    [code] = response_codes(link, 1)
    events_before = _count(db, ActivityEvent)
    response = client.post(
        f"/survey/{link.token}",
        data=_survey_answers(code=code),
        headers={"User-Agent": "Practitioner Browser 1.0"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/survey/{link.token}/thanks")
    assert "Your answers have been sent" in client.get(response.headers["Location"]).get_data(as_text=True)

    # the tables have no place for identity, and nothing else recorded the response
    assert {c.name for c in SurveyResponse.__table__.columns} == {
        "id",
        "survey_link_id",
        "instrument_version_id",
        "submitted_on",
    }
    assert {c.name for c in SurveyAnswer.__table__.columns} == {
        "id",
        "survey_response_id",
        "question_key",
        "value",
        "score",
        "meets_standard",
        "excluded",
    }
    assert _count(db, ActivityEvent) == events_before
    stored = db.session.execute(sa.select(SurveyResponse)).scalar_one()
    assert stored.submitted_on == today() and stored.survey_link_id == link.id
    values = dict(db.session.execute(sa.select(SurveyAnswer.question_key, SurveyAnswer.value)).all())
    assert values["know_safeguarding_lead"] == "agree" and values["role_group"] == "frontline"
    text = " ".join(
        str(v) for row in db.session.execute(sa.select(SurveyAnswer)).scalars() for v in (row.value, row.question_key)
    )
    assert "10.1.2.3" not in text and "Practitioner Browser" not in text
    # the code is spent, and nothing ties it to the response: no code on the response, no time on the code
    assert {c.name for c in SurveyCode.__table__.columns} == {"id", "survey_link_id", "code_hash", "spent"}
    stored_code = db.session.execute(sa.select(SurveyCode)).scalar_one()
    assert stored_code.spent and code.replace("-", "") not in stored_code.code_hash
    meets = db.session.execute(
        sa.select(SurveyAnswer.meets_standard).where(SurveyAnswer.question_key == "know_safeguarding_lead")
    ).scalar_one()
    assert meets is True


def test_missing_answers_are_listed_and_nothing_is_stored(client, make, db):
    org = make.make_org(org_type="charity", name="Finch Trust")
    link = _link(db, make_campaign(), org)
    data = _survey_answers(code=response_codes(link, 1)[0])
    del data["know_policy"], data["know_early_help"]
    response = client.post(f"/survey/{link.token}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="#know_policy"' in page and 'href="#know_early_help"' in page
    assert 'value="agree" checked' in page.replace("\n", "") or "checked" in page
    assert _count(db, SurveyResponse) == 0


def test_closed_campaign_shows_a_clear_page_and_stores_nothing(client, make, db):
    org = make.make_org(org_type="school", name="Poplar School")
    campaign = make_campaign()
    link = _link(db, campaign, org)
    services.close_campaign(campaign)
    db.session.commit()
    response = client.get(f"/survey/{link.token}")
    assert response.status_code == 410 and "This survey has closed" in response.get_data(as_text=True)
    response = client.post(f"/survey/{link.token}", data=_survey_answers())
    assert response.status_code == 410 and "nothing you send here is saved" in response.get_data(as_text=True)
    assert _count(db, SurveyResponse) == 0


def test_unknown_token_is_not_found(client):
    assert client.get("/survey/not-a-real-token").status_code == 404
    assert client.post("/survey/not-a-real-token", data={}).status_code == 404
    assert client.get("/survey/" + "x" * 80).status_code == 404


def test_results_shown_once_closed_from_min_cell_size_and_suppressed_below(client, make, login_as, db, monkeypatch):
    no_noise(monkeypatch)
    six = make.make_org(org_type="school", name="Six Responses School")
    four = make.make_org(org_type="school", name="Four Responses School")
    campaign = make_campaign()
    _responses(_link(db, campaign, six), 5, "agree")
    _responses(_link(db, campaign, six), 1, "disagree")
    _responses(_link(db, campaign, four), 4, "agree")
    login_as("qa")
    six_url = f"/self-assessment/returns/{return_for(campaign, six).id}/survey"
    four_url = f"/self-assessment/returns/{return_for(campaign, four).id}/survey"
    page = client.get(six_url).get_data(as_text=True)
    assert "The survey is still open" in page and "%" not in page and "Close the survey and see the results" in page
    page = client.get(four_url).get_data(as_text=True)
    assert "Fewer than 5 people have answered so far" in page and "Close the survey" not in page
    # too few to close by hand
    assert client.post(f"{four_url}/close").status_code == 200
    assert not _link(db, campaign, four).is_closed

    response = client.post(f"{six_url}/close")
    assert response.status_code == 302 and response.headers["Location"].endswith(six_url)
    page = client.get(six_url).get_data(as_text=True)
    assert "About 6 people answered" in page and "83.3%" in page

    services.close_campaign(campaign)
    db.session.commit()
    page = client.get(four_url).get_data(as_text=True)
    assert "Fewer than 5 people answered" in page and "%" not in page.split("Practitioner survey results")[1]
    results = queries.survey_results(campaign, four.id)
    assert results.closed and not results.shown and results.statements == []


def test_triangulation_flags_green_self_rating_with_low_agreement(client, make, login_as, db, monkeypatch):
    confident = make.make_org(org_type="school", name="Confident School")
    small = make.make_org(org_type="school", name="Small Sample School")
    campaign = make_campaign()
    for org in (confident, small):
        complete_return(return_for(campaign, org), rag="green", submit=True)
    leadership = {
        "know_safeguarding_lead": "disagree",
        "leaders_prioritise_safeguarding": "strongly_disagree",
        "safe_to_raise_concerns": "disagree",
    }
    _responses(_link(db, campaign, confident), 6, "agree", overrides=leadership)
    _responses(_link(db, campaign, small), 4, "disagree")
    rows = {(r.organisation_name, r.theme): r for r in queries.triangulation(campaign.id)}
    assert all(r.status == "open" and r.agree_percent is None for r in rows.values())

    no_noise(monkeypatch)
    services.close_campaign(campaign)
    db.session.commit()
    rows = {(r.organisation_name, r.theme): r for r in queries.triangulation(campaign.id)}
    leading = rows[("Confident School", "leadership_and_accountability")]
    assert leading.self_rag.worst_self == "green" and leading.agree_percent == 0.0 and leading.mismatch
    training = rows[("Confident School", "training")]
    assert training.agree_percent == 100.0 and not training.mismatch
    suppressed = rows[("Small Sample School", "leadership_and_accountability")]
    assert suppressed.suppressed and suppressed.agree_percent is None and not suppressed.mismatch

    login_as("qa")
    page = client.get(f"/self-assessment/campaigns/{campaign.id}/triangulation").get_data(as_text=True)
    assert "Mismatch" in page and "Fewer than 5" in page
    assert len(re.findall(r">\s*Mismatch\s*<", page)) == sum(1 for r in rows.values() if r.mismatch)


def test_csrf_is_required(app, client, make, db, monkeypatch):
    org = make.make_org(org_type="school", name="Token School")
    link = _link(db, make_campaign(), org)
    [code] = response_codes(link, 1)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(f"/survey/{link.token}", data=_survey_answers(code=code))
    assert response.status_code == 400
    assert _count(db, SurveyResponse) == 0
    page = client.get(f"/survey/{link.token}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"/survey/{link.token}", data=dict(_survey_answers(code=code), csrf_token=token))
    assert response.status_code == 302
    assert _count(db, SurveyResponse) == 1


def test_posts_are_rate_limited(app, client, make, db, monkeypatch):
    org = make.make_org(org_type="school", name="Busy School")
    link = _link(db, make_campaign(), org)
    codes = response_codes(link, 3)
    monkeypatch.setitem(app.config, "SURVEY_RATE_LIMIT", "2 per minute")
    statuses = [client.post(f"/survey/{link.token}", data=_survey_answers(code=code)).status_code for code in codes]
    assert statuses == [302, 302, 429]
    assert _count(db, SurveyResponse) == 2
    assert client.get(f"/survey/{link.token}").status_code == 200


def test_org_lead_sees_the_link_to_share(client, make, login_as, db):
    org = make.make_org(org_type="school", name="Sharing School")
    login_as(make.make_user(roles=["org_lead"], organisation=org))
    campaign = make_campaign()
    link = _link(db, campaign, org)
    page = client.get(f"/self-assessment/returns/{return_for(campaign, org).id}").get_data(as_text=True)
    assert f"/survey/{link.token}" in page
