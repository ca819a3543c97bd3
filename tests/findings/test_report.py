"""QA writes the report under the partnership's headings and adds actions; snapshots survive the purge."""

from __future__ import annotations

import sqlalchemy as sa

from app.findings import services
from app.actions.models import ActionItem
from app.findings.models import Finding
from app.utils import utcnow
from tests.findings.test_round_findings import text_of


def test_qa_adds_changes_and_deletes_findings(client, login_as, db, small_round):
    login_as("qa")
    url = f"/findings/rounds/{small_round.round.id}/findings/new?heading=strength&theme=timeliness&text=Prefilled"
    form = text_of(client.get(url))
    assert "Prefilled" in form
    response = client.post(
        f"/findings/rounds/{small_round.round.id}/findings/new",
        data={"heading": "strength", "text": "Discussions were held the same day.", "themes": ["timeliness"]},
    )
    assert response.status_code == 302
    finding = db.session.execute(sa.select(Finding).where(Finding.round_id == small_round.round.id)).scalar_one()
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    assert "Strengths Strengths 1" in page and "Discussions were held the same day." in page

    response = client.post(
        f"/findings/items/{finding.id}/edit",
        data={"heading": "learning", "text": "Same-day discussions need a duty manager."},
    )
    assert response.status_code == 302
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    assert "Learning Learning 1" in page and "Nothing recorded under strengths yet." in page

    assert "Are you sure" in text_of(client.get(f"/findings/items/{finding.id}/delete"))
    assert client.post(f"/findings/items/{finding.id}/delete").status_code == 302
    assert db.session.get(Finding, finding.id) is None


def test_finding_form_errors(client, login_as, small_round):
    login_as("qa")
    response = client.post(f"/findings/rounds/{small_round.round.id}/findings/new", data={"text": ""})
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and "Select a heading" in page and "Enter the finding" in page


def test_qa_adds_an_action_to_a_finding(client, login_as, db, small_round):
    login_as("qa")
    finding = services.add_finding(
        heading="area_for_improvement", text="Schools not invited.", round_id=small_round.round.id
    )
    db.session.commit()
    bad = client.post(
        f"/findings/items/{finding.id}/actions/new",
        data={
            "description": "Invite schools",
            "owner_organisation_id": "",
            "owner_name": "",
            "due_date": ["31", "2", "2027"],
        },
    )
    page = text_of(bad)
    assert bad.status_code == 200
    assert "Select the organisation responsible" in page and "Enter the name of the person responsible" in page
    assert "Enter a real date" in page
    assert "Invite schools" in page  # what was typed is kept
    response = client.post(
        f"/findings/items/{finding.id}/actions/new",
        data={
            "description": "Invite schools",
            "owner_organisation_id": str(small_round.police.id),
            "owner_name": "MASH manager",
            "due_date": ["28", "2", "2027"],
        },
    )
    assert response.status_code == 302
    action = db.session.execute(sa.select(ActionItem).where(ActionItem.finding_id == finding.id)).scalar_one()
    assert action.due_date.isoformat() == "2027-02-28"
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    assert "Invite schools" in page and "MASH manager, Riverside Test Police" in page and "28 February 2027" in page


def test_only_staff_edit_the_report(client, login_as, make, small_round):
    finding = services.add_finding(heading="evidence", text="Six cases.", round_id=small_round.round.id)
    login_as(make.make_user(roles=["org_lead"], organisation=small_round.police))
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    assert "Six cases." in page and "Add a finding" not in page and "Change" not in page
    assert (
        client.post(f"/findings/items/{finding.id}/edit", data={"heading": "evidence", "text": "x"}).status_code == 403
    )


def test_purged_round_renders_from_its_snapshot(client, login_as, db, small_round):
    services.snapshot_round_figures(small_round.round)
    # what the purge removes: every answer, and the cases' details
    for case in small_round.cases:
        for assignment in case.assignments:
            if assignment.response:
                assignment.response.answers.clear()
        case.age_band = case.gender = case.ethnicity = case.area = None
    small_round.round.purged_at = utcnow()
    db.session.commit()
    login_as("qa")
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    assert "removed on" in page
    assert "57.1% (4 of 7 criteria answered" in page
    assert "Riverside Test Police 66.7% (2 of 3)" in page
