"""“Replace with my risk assessment” asks first: it shows what will be replaced, and only a confirmation replaces it.
What the lead typed before choosing it is kept."""

from __future__ import annotations

from app.statements import services
from tests.statements.factories import SECTIONS, draft_statement, make_people


def _draft(client, login_as, db):
    people = make_people()
    statement = draft_statement(people)
    db.session.commit()
    login_as(people.lead)
    return statement


def test_choosing_replace_keeps_the_typed_text_and_asks_first(client, login_as, db):
    statement = _draft(client, login_as, db)
    response = client.post(
        f"/statements/manage/{statement.id}/sections/risks_and_mitigations",
        data={
            "risks_and_mitigations": "Text I just typed.",
            "action": "refill",
            "lock_version": services.draft_version(statement),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/statements/manage/{statement.id}/replace-risks")
    db.session.refresh(statement)
    assert statement.sections["risks_and_mitigations"] == "Text I just typed."

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Replace the risks part with your risk assessment?" in page
    assert "Text I just typed." in page.split('id="current-text"', 1)[1].split("</div>", 1)[0]
    assert "Harm during one-to-one tuition" in page.split('id="replacement-text"', 1)[1]
    assert "Keep what is written" in page


def test_only_the_confirmation_replaces_the_text(client, login_as, db):
    statement = _draft(client, login_as, db)
    url = f"/statements/manage/{statement.id}/replace-risks"
    stale = client.post(url, data={})  # no lock version: not a confirmation of what was shown
    assert stale.status_code == 200 and "Someone else changed this statement" in stale.get_data(as_text=True)
    db.session.refresh(statement)
    assert statement.sections["risks_and_mitigations"] == SECTIONS["risks_and_mitigations"]

    response = client.post(url, data={"lock_version": services.draft_version(statement)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/statements/manage/{statement.id}/sections/risks_and_mitigations")
    db.session.refresh(statement)
    assert "Harm during one-to-one tuition" in statement.sections["risks_and_mitigations"]


def test_the_section_page_says_it_will_ask_before_replacing(client, login_as, db):
    statement = _draft(client, login_as, db)
    page = client.get(f"/statements/manage/{statement.id}/sections/risks_and_mitigations").get_data(as_text=True)
    assert "be asked to confirm before anything is replaced" in page


def test_another_organisation_cannot_replace(client, login_as, db):
    statement = _draft(client, login_as, db)
    other = make_people()
    login_as(other.lead)
    url = f"/statements/manage/{statement.id}/replace-risks"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"lock_version": services.draft_version(statement)}).status_code == 403
    db.session.refresh(statement)
    assert statement.sections["risks_and_mitigations"] == SECTIONS["risks_and_mitigations"]
