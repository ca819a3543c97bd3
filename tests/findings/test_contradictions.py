"""Assurance contradictions: each rule fires just past its threshold and not at it, small numbers raise nothing,
organisations see only their own lines, and QA raises a challenge or an action from a line."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.accounts.settings import save_settings
from app.actions.models import ActionItem
from app.extensions import db
from app.findings.contradictions import AUDIT_THRESHOLD_SETTING
from app.selfassessment.models import Challenge, ReturnAnswer
from app.selfassessment.survey_services import close_campaign_surveys
from tests.findings import factories as f
from tests.findings.test_round_findings import text_of
from tests.selfassessment.factories import no_noise

VIEW = "/findings/contradictions"
TIMELY = {"s11_7_meetings_and_reports": "green", "s11_8_secure_and_timely": "green"}
ESCALATES = {"s11_2_escalation_policy": "green", "s11_7_escalation_used": "green"}


def _audited(health, police, *, cases: int, met: int, rnd=None):
    """`cases` moderated cases in which health's strategy discussions were convened promptly in `met`; police
    answered every case "yes" (its figures must not count towards health's)."""
    rnd = rnd or f.make_round(organisations=[health, police], period_start=date(2025, 10, 1))
    for i in range(cases):
        case = f.add_case(rnd)
        f.add_response(case, health, {"convened_promptly": "yes" if i < met else "no"})
        f.add_response(case, police, {"convened_promptly": "yes"})
        f.moderate(case, grade="good")
    return rnd


@pytest.fixture
def world(db, make):
    health = make.make_org(name="Test Riverside Health", org_type="health_trust")
    police = make.make_org(name="Test Riverside Police", org_type="police")
    school = make.make_org(name="Test Oakfield School", org_type="school")
    campaign = f.make_campaign(title="Self-assessment test", cycle="2025-26")
    returns = {
        "health": f.add_return(campaign, health, TIMELY),
        "police": f.add_return(campaign, police, {"s11_7_meetings_and_reports": "amber"}),
        "school": f.add_return(campaign, school, ESCALATES),
    }
    db.session.commit()
    return {"health": health, "police": police, "school": school, "campaign": campaign, "returns": returns}


def _survey(world, monkeypatch, *, agree: int, disagree: int):
    no_noise(monkeypatch)
    answers = [{"know_how_to_escalate": "agree"}] * agree + [{"know_how_to_escalate": "disagree"}] * disagree
    f.add_survey_responses(world["campaign"], world["school"], answers)
    close_campaign_surveys(world["campaign"])
    db.session.commit()


def _page(client, query: str = "") -> str:
    response = client.get(VIEW + query)
    assert response.status_code == 200
    return text_of(response)


AUDIT_LINE = "Rated Green on ‘Timeliness’; its practice fell short of the standard in 3 of 10 audited cases"


def test_audit_rule_fires_below_the_threshold_and_not_at_it(client, login_as, world):
    _audited(world["health"], world["police"], cases=10, met=7)  # 70%
    db.session.commit()
    login_as("qa")
    assert "Test Riverside Health: Timeliness" not in _page(client)
    assert "70% of 10 answers met the standard, in 10 cases" in _page(client, "?show=all")

    save_settings({AUDIT_THRESHOLD_SETTING: 71})
    db.session.commit()
    page = _page(client)
    assert f"{AUDIT_LINE} (70% of 10 audit answers met it; threshold 71%)" in page
    assert "1 of " in page and "contradicts what audits or practitioners say" in page


def test_only_a_theme_rated_green_on_every_criterion_can_contradict(client, login_as, world):
    _audited(world["health"], world["police"], cases=6, met=0)
    db.session.commit()
    login_as("qa")
    page = _page(client)
    assert "Test Riverside Health: Timeliness" in page  # Green, 0% met
    assert "Test Riverside Police: Timeliness" not in page  # rated itself Amber, though its audits all met


def test_audits_outside_the_window_are_not_compared(client, login_as, world):
    _audited(world["health"], world["police"], cases=6, met=0, rnd=None)
    old = f.make_round(organisations=[world["health"]], period_start=date(2023, 1, 1))
    for _ in range(6):
        case = f.add_case(old)
        f.add_response(case, world["health"], {"convened_promptly": "yes"})
        f.moderate(case, grade="good")
    db.session.commit()
    login_as("qa")
    assert "fell short of the standard in 6 of 6 audited cases" in _page(client)


def test_audit_figures_from_too_few_cases_raise_nothing(client, login_as, world):
    """Four cases, none met: far below any threshold, yet fewer than MIN_CELL_SIZE (5) cases, so no line."""
    rnd = _audited(world["health"], world["police"], cases=4, met=0)
    db.session.commit()
    login_as("qa")
    assert "Test Riverside Health: Timeliness" not in _page(client)
    assert "Too few to compare (fewer than 5 cases)" in _page(client, "?show=all")

    _audited(world["health"], world["police"], cases=1, met=0, rnd=rnd)  # a fifth case
    db.session.commit()
    assert "fell short of the standard in 5 of 5 audited cases" in _page(client)


def test_survey_rule_fires_below_the_threshold_and_not_at_it(app, client, login_as, monkeypatch, world):
    _survey(world, monkeypatch, agree=7, disagree=3)  # 70%
    login_as("qa")
    assert "Test Oakfield School: Escalation" not in _page(client)
    assert "70% agree (10 responses)" in _page(client, "?show=all")

    monkeypatch.setitem(app.config, "TRIANGULATION_AGREEMENT_THRESHOLD", 71)
    assert (
        "Rated Green on ‘Escalation and professional challenge’; 70% of its 10 practitioners agree (threshold 71%)"
        in _page(client)
    )


def test_survey_figures_from_too_few_practitioners_raise_nothing(client, login_as, monkeypatch, world):
    _survey(world, monkeypatch, agree=0, disagree=4)  # 0% agree, but only four practitioners
    login_as("qa")
    assert "Test Oakfield School: Escalation" not in _page(client)
    assert "Too few to compare (fewer than 5 practitioners)" in _page(client, "?show=all")


def test_organisation_leads_see_only_their_own_lines(client, login_as, monkeypatch, world):
    _audited(world["health"], world["police"], cases=6, met=0)
    _survey(world, monkeypatch, agree=0, disagree=6)
    login_as("qa")
    page = _page(client)
    assert "Test Riverside Health: Timeliness" in page and "Test Oakfield School: Escalation" in page

    login_as("org_lead", organisation=world["school"])
    page = _page(client)
    assert "Test Oakfield School: Escalation" in page
    assert "Test Riverside Health" not in page
    assert "Raise a challenge" not in page
    query = f"?campaign={world['campaign'].id}&organisation={world['health'].id}&theme=timeliness"
    assert client.get(f"{VIEW}/challenge{query}").status_code == 403
    assert client.get(f"{VIEW}/action{query}").status_code == 403

    login_as("auditor", organisation=world["health"])
    assert client.get(VIEW).status_code == 403


def test_org_type_and_theme_filters(client, login_as, monkeypatch, world):
    _audited(world["health"], world["police"], cases=6, met=0)
    _survey(world, monkeypatch, agree=0, disagree=6)
    login_as("qa")
    page = _page(client, "?org_type=school")
    assert "Test Oakfield School: Escalation" in page and "Test Riverside Health" not in page
    page = _page(client, "?theme=timeliness")
    assert "Test Riverside Health: Timeliness" in page and "Test Oakfield School" not in page


def _line_query(world) -> str:
    return f"?campaign={world['campaign'].id}&organisation={world['health'].id}&theme=timeliness"


def test_qa_raises_a_challenge_from_a_line(client, login_as, world):
    _audited(world["health"], world["police"], cases=6, met=0)
    db.session.commit()
    login_as("qa")
    form = client.get(f"{VIEW}/challenge{_line_query(world)}")
    assert form.status_code == 200
    assert "its practice fell short of the standard in 6 of 6 audited cases" in text_of(form)
    response = client.post(
        f"{VIEW}/challenge{_line_query(world)}",
        data={"question_key": "s11_8_secure_and_timely", "moderated_rag": "red", "comment": "Audits show delays."},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(VIEW)
    challenge = db.session.execute(
        sa.select(Challenge)
        .join(ReturnAnswer, Challenge.return_answer_id == ReturnAnswer.id)
        .where(ReturnAnswer.return_id == world["returns"]["health"].id)
    ).scalar_one()
    assert (challenge.answer.question_key, challenge.moderated_rag) == ("s11_8_secure_and_timely", "red")
    assert "(agreed Red after challenge)" in _page(client)


def test_qa_raises_an_action_from_a_line(client, login_as, world):
    _audited(world["health"], world["police"], cases=6, met=0)
    db.session.commit()
    login_as("qa")
    form = text_of(client.get(f"{VIEW}/action{_line_query(world)}"))
    assert "Review the evidence for the rating of ‘Timeliness’" in form
    response = client.post(
        f"{VIEW}/action{_line_query(world)}",
        data={
            "question_key": "s11_7_meetings_and_reports",
            "description": "Audit conference report timeliness monthly.",
            "owner_organisation_id": str(world["health"].id),
            "owner_name": "Sam Patel, named nurse",
            "due_date": ["30", "6", "2027"],
            "priority": "high",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"].startswith(VIEW)
    action = db.session.execute(
        sa.select(ActionItem).where(ActionItem.description == "Audit conference report timeliness monthly.")
    ).scalar_one()
    answer = db.session.get(ReturnAnswer, action.return_answer_id)
    assert (answer.return_id, answer.question_key) == (world["returns"]["health"].id, "s11_7_meetings_and_reports")
    assert action.owner_organisation_id == world["health"].id


def test_a_line_that_does_not_exist_leads_back_to_the_view(client, login_as, world):
    login_as("qa")
    query = f"?campaign={world['campaign'].id}&organisation={world['health'].id}&theme=online_safety"
    response = client.get(f"{VIEW}/challenge{query}")
    assert response.status_code == 302 and response.headers["Location"].endswith(VIEW)


def _cards(client, query: str) -> list[str]:
    """The organisation: theme titles of the line cards on a page, in order."""
    html = client.get(VIEW + query).get_data(as_text=True)
    return re.findall(r'<div id="line-(\d+-\w+)">', html)


def test_every_theme_rated_is_shown_a_page_at_a_time(client, login_as, make, world):
    """At national scale "every theme rated" is thousands of lines: the view pages them, and every line is on
    exactly one page."""
    for i in range(30):
        f.add_return(world["campaign"], make.make_org(name=f"Test School {i:02}", org_type="school"), ESCALATES)
    db.session.commit()
    login_as("qa")
    first = _cards(client, f"?campaign={world['campaign'].id}&show=all")
    count = re.search(r"Showing 1 to 50 of (\d+) \(page 1 of 2\)", _page(client, "?show=all"))
    assert count and len(first) == 50, _page(client, "?show=all")[:2000]
    second = _cards(client, f"?campaign={world['campaign'].id}&show=all&page=2")
    assert len(first) + len(second) == int(count.group(1)) and not set(first) & set(second)
    html = client.get(VIEW + "?show=all").get_data(as_text=True)
    assert 'href="/findings/contradictions?show=all&amp;page=2"' in html  # the next page keeps the filter
    assert _cards(client, "?show=all&page=9") == second  # a page past the end shows the last


def test_after_a_challenge_qa_is_taken_back_to_the_organisations_lines(client, login_as, world):
    _audited(world["health"], world["police"], cases=6, met=0)
    db.session.commit()
    login_as("qa")
    response = client.post(
        f"{VIEW}/challenge{_line_query(world)}",
        data={"question_key": "s11_8_secure_and_timely", "moderated_rag": "red", "comment": "Audits show delays."},
    )
    back = response.headers["Location"]
    assert back.endswith(f"#line-{world['health'].id}-timeliness")
    page = client.get(back.split("#")[0])
    assert f'id="line-{world["health"].id}-timeliness"' in page.get_data(as_text=True)
    assert {card.split("-")[0] for card in _cards(client, back.split(VIEW)[1].split("#")[0])} == {
        str(world["health"].id)
    }
    assert "The lines of Test Riverside Health only." in text_of(page)


def test_an_organisation_lead_cannot_look_at_another_organisations_lines(client, login_as, world):
    login_as("org_lead", organisation=world["school"])
    cards = _cards(client, f"?campaign={world['campaign'].id}&show=all&organisation={world['health'].id}")
    assert cards and {card.split("-")[0] for card in cards} == {str(world["school"].id)}
