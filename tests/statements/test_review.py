"""Review cycle: material changes, the QA register and coverage statuses."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.statements.models import Statement, StatementState
from app.statements.queries import coverage
from app.utils import today
from tests.statements.factories import draft_statement, in_force_statement, make_people, sent_statement, set_qa_check


def test_material_change_marks_review_required_and_opens_a_draft(client, login_as, db):
    people = make_people(org_type="other")
    current = in_force_statement(people)
    db.session.commit()
    login_as(people.lead)
    response = client.post("/statements/manage/material-change", data={"reason": ""})
    assert "Describe the material change" in response.get_data(as_text=True)
    response = client.post(
        "/statements/manage/material-change", data={"reason": "We now run overnight residential trips."}
    )
    db.session.refresh(current)
    assert current.state == StatementState.review_required
    assert current.material_change_note == "We now run overnight residential trips."
    draft = db.session.execute(
        sa.select(Statement).where(Statement.organisation_id == people.org.id, Statement.state == StatementState.draft)
    ).scalar_one()
    assert draft.version_number == 2 and draft.sections == current.sections
    assert response.headers["Location"].endswith(f"/statements/manage/{draft.id}")
    assert coverage([people.org.id])[0].status == "review_required"
    # Still displayed, marked as under review, until the new version is signed.
    public = client.get(f"/statements/{people.org.slug}").get_data(as_text=True)
    assert "being reviewed" in public
    # Only a statement in force can be reviewed.
    assert client.get("/statements/manage/material-change").status_code == 302


def test_coverage_reports_every_status(db):
    def org_with(make_statement=None):
        people = make_people(org_type="other")
        statement = make_statement(people) if make_statement else None
        return people, statement

    none, _ = org_with()
    drafting, _ = org_with(draft_statement)
    waiting, _ = org_with(sent_statement)
    fine, _ = org_with(in_force_statement)
    soon, soon_statement = org_with(in_force_statement)
    soon_statement.review_due = today() + timedelta(days=90)
    late, late_statement = org_with(in_force_statement)
    late_statement.review_due = today() - timedelta(days=1)
    db.session.flush()

    rows = {row.organisation_id: row for row in coverage()}
    assert rows[none.org.id].status == "no_statement"
    assert rows[drafting.org.id].status == "draft"
    assert rows[waiting.org.id].status == "awaiting_signatures"
    assert rows[fine.org.id].status == "in_force" and rows[fine.org.id].public
    assert rows[soon.org.id].status == "review_due_soon"
    assert rows[late.org.id].status == "overdue"
    assert sorted(r.status for r in coverage([none.org.id, late.org.id])) == ["no_statement", "overdue"]


def test_qa_register_lists_every_active_organisation_with_its_status(client, login_as, db):
    drafting = make_people(org_type="school")
    draft_statement(drafting)
    fine = make_people(org_type="other")
    in_force_statement(fine)
    login_as("qa")
    html = client.get("/statements/admin/register").get_data(as_text=True)
    assert drafting.org.name in html and fine.org.name in html
    assert "Draft" in html and "In force" in html
    assert f'href="/statements/{fine.org.slug}"' in html
    filtered = client.get("/statements/admin/register?status=draft").get_data(as_text=True)
    assert drafting.org.name in filtered and fine.org.name not in filtered


def test_org_lead_sees_status_and_next_step(client, login_as, db):
    people = make_people()
    login_as(people.lead)
    tasks = client.get("/tasks").get_data(as_text=True)
    assert "Child Safeguarding Statement" in tasks and "No statement" in tasks
    assert "Submit your safeguarding self-assessment" in tasks
    manage = client.get("/statements/manage").get_data(as_text=True)
    assert "Risk assessment" in manage and "Next step" in manage

    statement = draft_statement(people)
    db.session.commit()
    tasks = client.get("/tasks").get_data(as_text=True)
    assert "Continue writing version 1 of your statement" in tasks
    assert f"/statements/manage/{statement.id}" in tasks


def test_drafts_signatures_changes_and_supersessions_are_in_the_activity_log(client, login_as, db):
    from app.activity.models import ActivityEvent

    set_qa_check(False)  # the check's own events: test_checks.py
    people = make_people(org_type="other")
    first = in_force_statement(people)
    db.session.commit()
    login_as(people.lead)
    client.post("/statements/manage/material-change", data={"reason": "New premises"})
    second = db.session.execute(
        sa.select(Statement).where(Statement.organisation_id == people.org.id, Statement.version_number == 2)
    ).scalar_one()
    client.post(f"/statements/manage/{second.id}/send")
    from app.statements import services
    from tests import factories

    services.sign_statement(
        second, people.signatory("chief_executive"), password=factories.PASSWORD, shown_hash=second.content_hash
    )
    events = db.session.execute(
        sa.select(ActivityEvent.object_id, ActivityEvent.verb, ActivityEvent.actor_id)
        .where(ActivityEvent.object_type == "statement")
        .order_by(ActivityEvent.id)
    ).all()
    by_statement = {}
    for object_id, verb, _actor in events:
        by_statement.setdefault(object_id, []).append(verb)
    assert by_statement[first.id] == [
        "drafted",
        "edited",
        "sent_for_signatures",
        "signed",
        "in_force",
        "material_change",
        "superseded",
    ]
    assert by_statement[second.id] == ["drafted", "sent_for_signatures", "signed", "in_force"]
    signer = people.signatory("chief_executive").id
    assert (second.id, "signed", signer) in events
