"""Actions: the service contract other features use, the tracker, action pages and updates."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.actions import queries, services, verification
from app.actions.models import ActionStatus
from app.activity.models import ActivityEvent
from app.errors import DomainError, InvalidTransition
from app.findings import services as findings_services
from app.utils import today
from tests.findings import factories as f
from tests.findings.test_round_findings import text_of


@pytest.fixture
def finding(db, small_round):
    return findings_services.add_finding(
        heading="area_for_improvement",
        text="Schools were not invited.",
        themes=["multi_agency_engagement"],
        round_id=small_round.round.id,
    )


def new_action(finding, organisation, *, due=30, description="Invite schools to every strategy discussion."):
    return services.create_action(
        description=description,
        owner_organisation_id=organisation.id,
        owner_name="MASH manager",
        due_date=today() + timedelta(days=due),
        finding_id=finding.id,
    )


def test_create_action_validates_and_records_activity(db, small_round, finding):
    action = new_action(finding, small_round.police)
    assert action.status == ActionStatus.not_started
    events = (
        db.session.execute(
            sa.select(ActivityEvent).where(
                ActivityEvent.object_type == "action_item", ActivityEvent.object_id == action.id
            )
        )
        .scalars()
        .all()
    )
    assert [e.verb for e in events] == ["created"]
    with pytest.raises(DomainError, match="exactly one"):
        services.create_action(
            description="x",
            owner_organisation_id=small_round.police.id,
            owner_name="A",
            due_date=date(2030, 1, 1),
            finding_id=finding.id,
            risk_id=1,
        )
    with pytest.raises(DomainError, match="exactly one"):
        services.create_action(
            description="x", owner_organisation_id=small_round.police.id, owner_name="A", due_date=date(2030, 1, 1)
        )
    with pytest.raises(DomainError) as blank:
        services.create_action(
            description="  ",
            owner_organisation_id=small_round.police.id,
            owner_name="A",
            due_date=date(2030, 1, 1),
            finding_id=finding.id,
        )
    assert blank.value.field == "description"
    with pytest.raises(DomainError) as no_org:
        services.create_action(
            description="x",
            owner_organisation_id=999999,
            owner_name="A",
            due_date=date(2030, 1, 1),
            finding_id=finding.id,
        )
    assert no_org.value.field == "owner_organisation_id"


def test_update_action_moves_status_and_keeps_dated_notes(db, make, small_round, finding):
    action = new_action(finding, small_round.police)
    services.update_action(action, note="Checklist drafted.", status="in_progress")
    services.update_action(action, note="Still drafting.", status=ActionStatus.in_progress)
    with pytest.raises(DomainError, match="Mark as complete") as direct:
        services.update_action(action, note="Checklist in use.", status="complete")
    assert direct.value.field == "status"
    lead = make.make_user(roles=["org_lead"], organisation=small_round.police)
    verification.complete_action(action, note="Checklist in use.", actor=lead)
    assert action.status == ActionStatus.complete and action.completed_at is not None
    assert action.updates[-1].status_after == "complete"
    assert [u.note for u in action.updates] == ["Checklist drafted.", "Still drafting.", "Checklist in use."]
    with pytest.raises(DomainError, match="awaiting verification"):
        services.update_action(action, note="Oops", status="in_progress")
    services.update_action(action, note="A note while it awaits verification.", status="complete")
    assert action.status == ActionStatus.complete and action.completed_at is not None
    other = new_action(finding, small_round.police)
    services.update_action(other, note="Not needed after all.", status="cancelled")
    with pytest.raises(InvalidTransition):
        services.update_action(other, note="Oops", status="not_started")
    services.update_action(other, note="Reopened: it is needed.", status="in_progress")
    with pytest.raises(DomainError):
        services.update_action(action, note="", status="in_progress")


def test_actions_for_and_overdue(db, make, small_round, finding):
    late = new_action(finding, small_round.police, due=-1)
    later = new_action(finding, small_round.health, due=10)
    assert [a.id for a in queries.actions_for(finding_ids=[finding.id])] == [late.id, later.id]
    assert queries.actions_for() == []
    assert queries.is_overdue(late, today()) and not queries.is_overdue(later, today())
    lead = make.make_user(roles=["org_lead"], organisation=small_round.police)
    verification.complete_action(late, note="Done.", actor=lead)
    assert not queries.is_overdue(late, today())  # awaiting verification: the owner has done their part


def test_tracker_for_partnership_staff_filters(client, login_as, db, small_round, finding):
    new_action(finding, small_round.police, due=-3, description="Police action overdue")
    new_action(finding, small_round.health, due=20, description="Health action on track")
    db.session.commit()
    login_as("qa")
    page = text_of(client.get("/findings/actions"))
    assert "Police action overdue" in page and "Health action on track" in page
    assert "2 actions, 1 overdue." in page
    page = text_of(client.get("/findings/actions?overdue=y"))
    assert "Police action overdue" in page and "Health action on track" not in page
    page = text_of(client.get(f"/findings/actions?organisation={small_round.health.id}"))
    assert "Police action overdue" not in page and "Health action on track" in page
    page = text_of(client.get("/findings/actions?org_type=police&status=not_started&source=case_audit"))
    assert "Police action overdue" in page and "Health action on track" not in page
    page = text_of(client.get("/findings/actions?source=statement"))
    assert "There are no actions" not in page and "No actions match these filters." in page
    assert client.get("/findings/actions?status=bogus&organisation=abc").status_code == 200


def test_organisation_lead_sees_and_updates_only_own_actions(client, login_as, make, db, small_round, finding):
    own = new_action(finding, small_round.police, description="Police action")
    other = new_action(finding, small_round.health, description="Health action")
    db.session.commit()
    lead = make.make_user(roles=["org_lead"], organisation=small_round.police)
    login_as(lead)
    page = text_of(client.get("/findings/actions"))
    assert "Your action plan" in page and "Police action" in page and "Health action" not in page
    # filters cannot widen an organisation lead's view
    assert "Health action" not in text_of(client.get(f"/findings/actions?organisation={small_round.health.id}"))
    assert client.get(f"/findings/actions/{other.id}").status_code == 403
    assert client.post(f"/findings/actions/{other.id}", data={"note": "x", "status": "complete"}).status_code == 403
    response = client.post(
        f"/findings/actions/{own.id}", data={"note": "Checklist agreed with the MASH.", "status": "in_progress"}
    )
    assert response.status_code == 302
    page = text_of(client.get(f"/findings/actions/{own.id}"))
    assert "Checklist agreed with the MASH." in page and "In progress" in page


def test_bad_updates_are_explained_and_nothing_is_lost(client, login_as, make, db, small_round, finding):
    action = new_action(finding, small_round.police)
    verification.complete_action(
        action, note="Done.", actor=make.make_user(roles=["org_lead"], organisation=small_round.police)
    )
    db.session.commit()
    login_as("qa")
    response = client.post(f"/findings/actions/{action.id}", data={"note": "Typed text kept", "status": "not_started"})
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page and "Not a valid choice" in page  # awaiting verification: a note only
    assert "Typed text kept" in page
    response = client.post(f"/findings/actions/{action.id}", data={"note": "", "status": "complete"})
    assert "Enter a progress update" in text_of(response)


def test_query_count_of_list_pages_does_not_grow_with_rows(app, client, login_as, make, db, small_round, finding):
    def statements_for(url: str) -> int:
        seen = []

        def count(*args, **kwargs):
            seen.append(1)

        client.get(url)  # warm: per-process caches (parsed instrument versions) are filled on first use
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    login_as("qa")
    for n in range(2):
        services.update_action(
            new_action(finding, small_round.police, due=n - 1), note="Started.", status="in_progress"
        )
    db.session.commit()
    few_actions, few_index = statements_for("/findings/actions"), statements_for("/findings/")
    for n in range(8):
        action = new_action(finding, make.make_org(org_type="school"), due=n - 4)
        services.update_action(action, note="Started.", status="in_progress")
    for n in range(4):
        f.make_round(organisations=[small_round.police], title=f"Extra round {n}")
        f.make_campaign(cycle=f"20{30 + n}-{31 + n}")
    db.session.commit()
    assert statements_for("/findings/actions") == few_actions
    assert statements_for("/findings/") == few_index


def test_your_tasks_shows_open_and_overdue_actions(client, login_as, make, db, small_round, finding):
    new_action(finding, small_round.police, due=-2)
    new_action(finding, small_round.police, due=5)
    new_action(finding, small_round.health, due=-2)
    db.session.commit()
    login_as(make.make_user(roles=["org_lead"], organisation=small_round.police))
    page = text_of(client.get("/tasks"))
    assert "Your action plan" in page and "1 action is overdue." in page
    assert "2 open actions for your organisation." in page
    login_as("qa")
    page = text_of(client.get("/tasks"))
    assert "Action tracker" in page and "2 actions are overdue." in page and "3 open actions." in page


def test_tracker_gathers_actions_from_every_source(client, login_as, make, db, small_campaign):
    from app.statements.models import Risk, RiskAssessment

    answer = next(a for a in small_campaign.returns["school"].answers if a.question_key == "s11_2_policy_current")
    school = small_campaign.school.id
    services.create_action(
        description="Review the policy with governors",
        owner_organisation_id=school,
        owner_name="Headteacher",
        due_date=today() + timedelta(days=30),
        return_answer_id=answer.id,
    )
    assessment = RiskAssessment(organisation_id=small_campaign.school.id)
    risk = Risk(
        assessment=assessment,
        description="Lone working with pupils on trips",
        where_when="Residential trips",
        measures_in_place="Two adults on every trip",
        owner="Deputy head",
        review_date=date(2027, 1, 1),
    )
    db.session.add_all([assessment, risk])
    db.session.flush()
    services.create_action(
        description="Write a trips safeguarding plan",
        owner_organisation_id=school,
        owner_name="Deputy head",
        due_date=today() + timedelta(days=60),
        risk_id=risk.id,
    )
    db.session.commit()
    login_as(make.make_user(roles=["org_lead"], organisation=small_campaign.school))
    page = text_of(client.get("/findings/actions"))
    assert re.search(r"Self-assessment return, Self-assessment test ?: The safeguarding policy and procedures", page)
    assert re.search(r"Statement risk assessment ?: Lone working with pupils on trips", page)
    page = text_of(client.get("/findings/actions?source=statement"))
    assert "Write a trips safeguarding plan" in page and "Review the policy with governors" not in page
    page = text_of(client.get("/findings/actions?source=self_assessment"))
    assert "Review the policy with governors" in page and "Write a trips safeguarding plan" not in page
