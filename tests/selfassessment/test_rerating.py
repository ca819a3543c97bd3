"""A criterion re-rated during the year once all its actions are closed: kept as history, shown beside the rating at
submission, which stays the campaign's figure."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.actions.models import ActionItem
from app.accounts.models import User
from app.actions.verification import complete_action, verify_action
from app.activity.models import ActivityEvent
from app.errors import DomainError, InvalidTransition
from app.selfassessment import queries, services, tallies
from app.selfassessment.models import CriterionRating
from tests.selfassessment.factories import (
    complete_return,
    instrument_for,
    make_campaign,
    return_for,
    submit_with_signoff,
)


@pytest.fixture
def amber_return(make, db):
    """A submitted return of Ashgrove School with one criterion rated Amber and its action."""
    org = make.make_org(org_type="school", name="Ashgrove School")
    lead = make.make_user(roles=["org_lead"], organisation=org, email="lead@ashgrove.example")
    campaign = make_campaign(org_types=["school"])
    ret = return_for(campaign, org)
    key = instrument_for(ret).sections_for("school")[0].questions[0].key
    complete_return(ret, rags={key: "amber"}, submit=True, actor=lead)
    return ret, key, lead


def _close_actions(db, actor):
    """The owner completes every action and QA verifies it: only a verified action counts as closed."""
    qa = User(email="qa.verifier@example.org", name="Quinn Verifier", active=True)
    qa.set_roles(["qa"])
    db.session.add(qa)
    db.session.flush()
    for action in db.session.execute(sa.select(ActionItem)).scalars():
        complete_action(action, note="Training delivered to every member of staff.", actor=actor)
        verify_action(action, outcome="verified", actor=qa)
    db.session.commit()


def test_lead_rerates_once_the_actions_are_closed(client, login_as, amber_return, db):
    ret, key, lead = amber_return
    login_as(lead)
    url = f"/self-assessment/returns/{ret.id}/criteria/{key}/rerate"
    page = client.get(url).get_data(as_text=True)
    assert "1 of its 1 actions is not closed yet" in page and "Save current rating" not in page
    client.post(url, data={"rag": "green", "reason": "Too early."})
    assert db.session.execute(sa.select(sa.func.count(CriterionRating.id))).scalar_one() == 0

    _close_actions(db, lead)
    ratings = client.get(f"/self-assessment/returns/{ret.id}/ratings").get_data(as_text=True)
    assert f'href="/self-assessment/returns/{ret.id}/criteria/{key}/rerate"' in ratings
    response = client.post(url, data={"rag": "green", "reason": "All staff trained; audit in May found no gaps."})
    assert response.status_code == 302
    rating = db.session.execute(sa.select(CriterionRating)).scalar_one()
    assert (rating.rag, rating.rated_by_id) == ("green", lead.id)
    db.session.expire_all()
    view = queries.return_view(ret)
    criterion = view.criterion(key)
    assert criterion.rag == "amber" and criterion.current_rating.rag == "green"
    assert db.session.execute(sa.select(ActivityEvent.summary).where(ActivityEvent.verb == "rerated")).scalar_one()

    ratings = client.get(f"/self-assessment/returns/{ret.id}/ratings").get_data(as_text=True)
    assert "At submission" in ratings and "Current" in ratings
    # The campaign's figures keep the rating at submission.
    assert queries.rag_by_criterion(ret.campaign_id)


def test_staff_see_both_ratings_on_the_review_and_the_campaign(client, login_as, amber_return, db):
    ret, key, lead = amber_return
    _close_actions(db, lead)
    services.rerate_criterion(ret, key, rag="green", reason="Verified at the spring visit.", actor=lead)
    db.session.commit()
    login_as("qa")
    review = client.get(f"/self-assessment/returns/{ret.id}/review").get_data(as_text=True)
    assert "At submission" in review and "Verified at the spring visit." in review
    board = client.get(f"/self-assessment/campaigns/{ret.campaign_id}").get_data(as_text=True)
    assert "Criteria re-rated during the year" in board and "Ashgrove School" in board


def test_rerating_is_history_and_validated(amber_return, db):
    ret, key, lead = amber_return
    _close_actions(db, lead)
    with pytest.raises(DomainError) as refused:
        services.rerate_criterion(ret, key, rag="purple", reason="x", actor=lead)
    assert refused.value.field == "rag"
    with pytest.raises(DomainError) as refused:
        services.rerate_criterion(ret, key, rag="green", reason="  ", actor=lead)
    assert refused.value.field == "reason"
    services.rerate_criterion(ret, key, rag="green", reason="Better.", actor=lead)
    services.rerate_criterion(ret, key, rag="amber", reason="A new gap found.", actor=lead)
    db.session.commit()
    assert [r.rag for r in db.session.execute(sa.select(CriterionRating).order_by(CriterionRating.id)).scalars()] == [
        "green",
        "amber",
    ]
    assert queries.return_view(ret).criterion(key).current_rating.rag == "amber"


def test_a_criterion_without_actions_or_an_unsubmitted_return_cannot_be_rerated(make, db):
    org = make.make_org(org_type="school", name="Beacon School")
    campaign = make_campaign(org_types=["school"])
    ret = return_for(campaign, org)
    key = instrument_for(ret).sections_for("school")[0].questions[0].key
    complete_return(ret, rag="green")
    with pytest.raises(InvalidTransition, match="once its return has been submitted"):
        services.rerate_criterion(ret, key, rag="amber", reason="x")
    submit_with_signoff(ret)
    db.session.commit()
    with pytest.raises(InvalidTransition, match="has none"):
        services.rerate_criterion(ret, key, rag="amber", reason="x")


def test_another_organisations_lead_cannot_rerate(client, login_as, amber_return, make, db):
    ret, key, lead = amber_return
    _close_actions(db, lead)
    other = make.make_org(org_type="school", name="Other School")
    login_as("org_lead", organisation=other)
    assert client.get(f"/self-assessment/returns/{ret.id}/ratings").status_code in (403, 404)
    response = client.post(
        f"/self-assessment/returns/{ret.id}/criteria/{key}/rerate", data={"rag": "green", "reason": "Not ours."}
    )
    assert response.status_code in (403, 404)
    assert db.session.execute(sa.select(sa.func.count(CriterionRating.id))).scalar_one() == 0


def test_findings_keep_the_rating_at_submission_and_show_the_current_beside_it(client, login_as, amber_return, db):
    from app.findings.figures.campaigns import campaign_figures

    ret, key, lead = amber_return
    _close_actions(db, lead)
    before = campaign_figures(ret.campaign)
    submitted_tally = next(c for c in before["criteria"] if c["key"] == key)["self"]
    assert before["rerated"] == [] and before["summary"]["rerated"] == 0
    services.rerate_criterion(ret, key, rag="green", reason="Verified at the spring visit.", actor=lead)
    db.session.commit()
    after = campaign_figures(ret.campaign)  # renewed: re-rating sends figures_changed
    assert next(c for c in after["criteria"] if c["key"] == key)["self"] == submitted_tally
    [entry] = after["rerated"]
    assert entry["key"] == key and entry["n"] == 1
    assert (entry["submitted"]["amber"], entry["current"]["green"]) == (1, 1)
    assert tallies.check_campaign(ret.campaign) == []  # kept with the return's figures, as its answers say
    services.rerate_criterion(ret, key, rag="red", reason="The new DSL has not been trained yet.", actor=lead)
    db.session.commit()
    [entry] = campaign_figures(ret.campaign)["rerated"]  # the latest re-rating is the current rating
    assert (entry["n"], entry["current"]["red"], entry["current"]["green"]) == (1, 1, 0)
    assert tallies.check_campaign(ret.campaign) == []
    login_as("qa")
    page = client.get(f"/findings/campaigns/{ret.campaign_id}").get_data(as_text=True)
    assert "Re-rated during the year" in page and "At submission (campaign figure)" in page
    assert "1 criterion has been re-rated" in " ".join(page.split())
