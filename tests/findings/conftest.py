"""A small round and campaign whose figures are worked out by hand in the tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.audits.models import ResponseState, RoundState
from app.selfassessment.models import ReturnState
from tests.findings import factories as f

INJECTION = '=HYPERLINK("http://example.invalid","x")'


@dataclass
class SmallRound:
    round: object
    police: object
    health: object
    cases: list


@pytest.fixture
def small_round(db, make) -> SmallRound:
    """Three cases audited by police and health.

    convened_promptly (timeliness):          yes, no, yes, partly          -> 2 of 4 met (50%)
    right_agencies_involved (multi-agency):  partly, yes, n/a, yes         -> 2 of 3 met (66.7%), 1 excluded
    overall_judgement:                       good, requires improvement, good, good
    Police: 2 of 3 criteria met (66.7%); health: 2 of 4 (50%). All criteria: 4 of 7 (57.1%).
    A draft response (police on the third case) is not counted.
    """
    police = make.make_org(name="Riverside Test Police", org_type="police", areas=["North"])
    health = make.make_org(name="Riverside Test Health", org_type="health_trust", areas=["South"])
    rnd = f.make_round(organisations=[police, health], state=RoundState.closed, title="Strategy discussions test")
    c1 = f.add_case(rnd, reference="CR-100001", age_band="5_9", gender="female", ethnicity="white", area="North")
    c2 = f.add_case(rnd, reference="CR-100002", age_band="5_9", gender="male", ethnicity="white", area="North")
    c3 = f.add_case(rnd, reference="CR-100003", age_band="10_15", gender="female", ethnicity="asian", area="South")
    f.add_response(
        c1,
        police,
        {
            "convened_promptly": "yes",
            "right_agencies_involved": "partly",
            "overall_judgement": "good",
            "agencies_invited": ["police", "gp"],
        },
        comments={"right_agencies_involved": INJECTION},
    )
    f.add_response(
        c1,
        health,
        {"convened_promptly": "no", "right_agencies_involved": "yes", "overall_judgement": "requires_improvement"},
    )
    f.add_response(
        c2, police, {"convened_promptly": "yes", "right_agencies_involved": "na", "overall_judgement": "good"}
    )
    f.add_response(
        c3, health, {"convened_promptly": "partly", "right_agencies_involved": "yes", "overall_judgement": "good"}
    )
    f.add_response(c3, police, {"convened_promptly": "no"}, state=ResponseState.draft)
    f.moderate(c1, grade="good", answers={"convened_promptly": "yes", "right_agencies_involved": "partly"})
    f.moderate(c2, grade="inadequate", answers={"convened_promptly": "no", "right_agencies_involved": "na"})
    db.session.commit()
    return SmallRound(rnd, police, health, [c1, c2, c3])


@dataclass
class SmallCampaign:
    campaign: object
    school: object
    charity: object
    college: object
    returns: dict


@pytest.fixture
def small_campaign(db, make) -> SmallCampaign:
    """Three organisations invited; two returns counted.

    school (submitted):  senior_lead green (challenged to amber), strategy green, policy_current green
    charity (accepted):  senior_lead red, strategy green, policy_current amber
    college:             return in progress (not counted)
    Practitioner survey: the school has 6 responses (shown), the charity 4 (hidden).
    """
    school = make.make_org(name="Test Oakfield School", org_type="school")
    charity = make.make_org(name="Test Youth Charity", org_type="charity")
    college = make.make_org(name="Test Northgate College", org_type="college")
    campaign = f.make_campaign(title="Self-assessment test", cycle="2025-26")
    returns = {
        "school": f.add_return(
            campaign,
            school,
            {"s11_1_senior_lead": "green", "s11_1_strategy_and_resources": "green", "s11_2_policy_current": "green"},
        ),
        "charity": f.add_return(
            campaign,
            charity,
            {"s11_1_senior_lead": "red", "s11_1_strategy_and_resources": "green", "s11_2_policy_current": "amber"},
            state=ReturnState.accepted,
        ),
        "college": f.add_return(campaign, college, {"s11_1_senior_lead": "green"}, state=ReturnState.in_progress),
    }
    f.challenge(returns["school"], "s11_1_senior_lead", "amber")
    f.add_survey_responses(
        campaign,
        school,
        [{"know_safeguarding_lead": "agree", "know_policy": "disagree"}] * 3
        + [{"know_safeguarding_lead": "strongly_agree", "know_policy": "disagree"}] * 3,
    )
    f.add_survey_responses(campaign, charity, [{"know_safeguarding_lead": "disagree"}] * 4)
    db.session.commit()
    return SmallCampaign(campaign, school, charity, college, returns)
