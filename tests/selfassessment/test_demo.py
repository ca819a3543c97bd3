"""The demo campaign shows every capability: returns in every state, challenges, actions, survey responses."""

from __future__ import annotations

import sqlalchemy as sa

from app import demo as demo_module
from app.actions.models import ActionItem, ActionUpdate
from app.selfassessment import queries
from app.selfassessment.models import (
    Campaign,
    CampaignState,
    Challenge,
    Return,
    ReturnAnswer,
    ReturnState,
    SurveyCode,
    SurveyLink,
)


def test_demo_campaigns(app, db, monkeypatch):
    monkeypatch.setattr(demo_module, "DEMO_FEATURES", ("selfassessment",))
    demo = demo_module.load_demo()
    campaigns = {c.cycle: c for c in db.session.execute(sa.select(Campaign)).scalars()}
    assert campaigns["2024-25"].state == CampaignState.closed
    current = campaigns["2025-26"]
    assert current.state == CampaignState.open and current.previous_campaign_id == campaigns["2024-25"].id

    states = {
        r.organisation.slug: r.state
        for r in db.session.execute(sa.select(Return).where(Return.campaign_id == current.id)).scalars()
    }
    assert set(states.values()) == set(ReturnState)
    assert states["oakfield-school"] == ReturnState.submitted
    assert states["youth-trust"] == ReturnState.accepted
    oakfield = db.session.execute(
        sa.select(Return).where(
            Return.campaign_id == current.id, Return.organisation_id == demo.org("oakfield-school").id
        )
    ).scalar_one()
    keys = set(
        db.session.execute(sa.select(ReturnAnswer.question_key).where(ReturnAnswer.return_id == oakfield.id)).scalars()
    )
    assert "edu_dsl_appointed" in keys and "com_policy_in_place" not in keys
    homes = queries.return_view(
        db.session.execute(
            sa.select(Return).where(
                Return.campaign_id == current.id, Return.organisation_id == demo.org("riverside-homes").id
            )
        ).scalar_one()
    )
    assert homes.carried_pending > 0
    police = db.session.execute(
        sa.select(Return).where(
            Return.campaign_id == current.id, Return.organisation_id == demo.org("riverside-police").id
        )
    ).scalar_one()
    assert police.returned_reason

    assert db.session.execute(sa.select(sa.func.count(Challenge.id))).scalar_one() >= 4
    assert db.session.execute(sa.select(sa.func.count(ActionItem.id))).scalar_one() > 5
    assert db.session.execute(sa.select(sa.func.count(ActionUpdate.id))).scalar_one() > 0

    links = {
        link.organisation_id: link
        for link in db.session.execute(sa.select(SurveyLink).where(SurveyLink.campaign_id == current.id)).scalars()
    }
    respondents = {org_id: queries.survey_respondent_count(link) for org_id, link in links.items()}
    assert respondents[demo.org("oakfield-school").id] >= 8
    assert respondents[demo.org("youth-trust").id] >= 6
    assert respondents[demo.org("riverside-police").id] == 3
    # every response spent one of its organisation's codes; those with enough responses closed their surveys
    spent = db.session.execute(sa.select(sa.func.count(SurveyCode.id)).where(SurveyCode.spent.is_(True))).scalar_one()
    assert spent == sum(respondents.values())
    assert links[demo.org("oakfield-school").id].is_closed and links[demo.org("youth-trust").id].is_closed
    assert not links[demo.org("riverside-police").id].is_closed
    oakfield_results = queries.survey_results(current, demo.org("oakfield-school").id)
    assert oakfield_results.shown and oakfield_results.statements
    rows = queries.triangulation(current.id)
    assert any(r.mismatch and r.organisation_name == "Oakfield School" for r in rows)
    assert any(not r.suppressed for r in rows if r.organisation_name == "Riverside Youth Trust")
    assert all(r.suppressed for r in rows if r.organisation_name == "Riverside Police")
    assert queries.has_submitted_return(demo.org("youth-trust").id)
    from app.actions.reminders import overdue_action_reminders

    assert any(r.kind == "action_overdue" for r in overdue_action_reminders(demo.today))

    before = db.session.execute(sa.select(sa.func.count(ReturnAnswer.id))).scalar_one()
    demo_module.load_demo()
    assert db.session.execute(sa.select(sa.func.count(ReturnAnswer.id))).scalar_one() == before
    assert db.session.execute(sa.select(sa.func.count(Campaign.id))).scalar_one() == 2


def test_demo_pages_render(app, db, client, login_as, monkeypatch):
    monkeypatch.setattr(demo_module, "DEMO_FEATURES", ("selfassessment",))
    demo = demo_module.load_demo()
    db.session.commit()
    current = db.session.execute(sa.select(Campaign).where(Campaign.cycle == "2025-26")).scalar_one()
    login_as(demo.user("qa@riverside.example"))
    for url in (
        "/self-assessment/campaigns",
        f"/self-assessment/campaigns/{current.id}",
        f"/self-assessment/campaigns/{current.id}/triangulation",
    ):
        assert client.get(url).status_code == 200, url
    for ret in db.session.execute(sa.select(Return).where(Return.campaign_id == current.id)).scalars():
        for suffix in ("", "/review", "/check", "/changes", "/survey"):
            assert client.get(f"/self-assessment/returns/{ret.id}{suffix}").status_code == 200, (ret.id, suffix)
    login_as(demo.user("lead@oakfield-school.riverside.example"))
    page = client.get("/self-assessment/my-returns").get_data(as_text=True)
    assert "2025-26" in page and "2024-25" in page


def test_demo_shows_the_campaign_year(app, db, monkeypatch):
    """A moved due date, an extension with its reason, and a criterion re-rated beside its rating at submission."""
    from app.activity.models import ActivityEvent
    from app.selfassessment.models import CriterionRating

    monkeypatch.setattr(demo_module, "DEMO_FEATURES", ("selfassessment",))
    demo = demo_module.load_demo()
    current = db.session.execute(sa.select(Campaign).where(Campaign.cycle == "2025-26")).scalar_one()
    assert db.session.execute(sa.select(ActivityEvent.id).where(ActivityEvent.verb == "due_date_changed")).first()
    extended = db.session.execute(
        sa.select(Return).where(Return.campaign_id == current.id, Return.organisation_id == demo.org("st-columbas").id)
    ).scalar_one()
    assert extended.due_date > current.due_date and extended.extension_reason
    rating = db.session.execute(sa.select(CriterionRating)).scalar_one()
    assert rating.answer.return_.organisation.slug == "youth-trust"
    assert (rating.answer.rag, rating.rag) == ("amber", "green")
