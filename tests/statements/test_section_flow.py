"""Saving a part of a draft statement: which page follows, and refusing a save that does not say what it changes."""

from __future__ import annotations

from app.statements import services
from tests.statements.factories import SECTIONS, draft_statement, make_people


def _draft(client, login_as, db):
    people = make_people()
    statement = draft_statement(people)
    db.session.commit()
    login_as(people.lead)
    return statement


def test_a_save_without_lock_version_is_refused_as_stale(client, login_as, db):
    statement = _draft(client, login_as, db)
    base = f"/statements/manage/{statement.id}/sections"
    for data in (
        {"nature_of_organisation": "Overwritten blindly.", "action": "continue"},
        {"nature_of_organisation": "Overwritten blindly.", "action": "later", "lock_version": ""},
        {"nature_of_organisation": "Overwritten blindly.", "action": "continue", "lock_version": "0" * 16},
        {"risks_and_mitigations": "Overwritten blindly.", "action": "refill"},
    ):
        key = "risks_and_mitigations" if data["action"] == "refill" else "nature_of_organisation"
        response = client.post(f"{base}/{key}", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 409, data
        assert "Your changes have not been saved" in page
        assert "Someone else changed this statement since you opened this page" in page
        db.session.refresh(statement)
        assert statement.sections["nature_of_organisation"] == SECTIONS["nature_of_organisation"]
        assert statement.sections["risks_and_mitigations"] == SECTIONS["risks_and_mitigations"]


def test_the_last_part_leads_to_the_preview_and_later_to_the_statement(client, login_as, db):
    statement = _draft(client, login_as, db)
    base = f"/statements/manage/{statement.id}/sections"
    response = client.post(
        f"{base}/commitment",
        data={
            "commitment": "We are committed.",
            "action": "continue",
            "lock_version": services.draft_version(statement),
        },
    )
    assert response.headers["Location"].endswith(f"{base}/measures_in_place")
    db.session.refresh(statement)
    response = client.post(
        f"{base}/risks_and_mitigations",
        data={
            "risks_and_mitigations": "Risks.",
            "action": "continue",
            "lock_version": services.draft_version(statement),
        },
    )
    assert response.headers["Location"].endswith(f"/statements/manage/{statement.id}/preview")
    db.session.refresh(statement)
    response = client.post(
        f"{base}/commitment",
        data={"commitment": "Later.", "action": "later", "lock_version": services.draft_version(statement)},
    )
    assert response.headers["Location"].endswith(f"/statements/manage/{statement.id}")
