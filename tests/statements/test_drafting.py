"""Starting and writing a statement: preconditions, sections from the instrument, preview as the public sees it."""

from __future__ import annotations

import sqlalchemy as sa

from app.statements import services
from app.statements.models import Statement, StatementState
from tests.statements.factories import (
    set_qa_check,
    SECTIONS,
    add_risk,
    draft_statement,
    make_people,
    make_submitted_return,
    ready_to_start,
)


def test_start_page_names_each_missing_precondition_and_links_to_it(client, login_as, db):
    people = make_people()
    login_as(people.lead)
    html = client.get("/statements/manage/start").get_data(as_text=True)
    assert "You cannot start your statement yet" in html
    assert "You need to submit your safeguarding self-assessment return" in html
    assert "You need to complete your risk assessment" in html
    assert 'href="/statements/manage/risk-assessment"' in html
    assert "Start now" not in html
    assert client.post("/statements/manage/start").status_code == 200
    assert db.session.execute(sa.select(Statement).where(Statement.organisation_id == people.org.id)).first() is None


def test_only_the_self_assessment_missing(client, login_as, db):
    people = make_people()
    add_risk(people)
    login_as(people.lead)
    html = client.get("/statements/manage/start").get_data(as_text=True)
    assert "You need to submit your safeguarding self-assessment return" in html
    assert "You need to complete your risk assessment" not in html
    response = client.post("/statements/manage/start")
    assert "You need to submit your safeguarding self-assessment return" in response.get_data(as_text=True)


def test_only_the_risk_assessment_missing(client, login_as, db):
    people = make_people()
    make_submitted_return(people.org)
    login_as(people.lead)
    html = client.get("/statements/manage/start").get_data(as_text=True)
    assert "You need to submit your safeguarding self-assessment return" not in html
    assert "You need to complete your risk assessment" in html


def test_starting_prefills_the_risks_from_the_risk_assessment(client, login_as, db):
    people = make_people()
    ready_to_start(people)
    login_as(people.lead)
    assert "Start now" in client.get("/statements/manage/start").get_data(as_text=True)
    response = client.post("/statements/manage/start")
    statement = db.session.execute(sa.select(Statement).where(Statement.organisation_id == people.org.id)).scalar_one()
    assert response.headers["Location"].endswith(f"/statements/manage/{statement.id}")
    assert statement.state == StatementState.draft and statement.version_number == 1
    assert statement.required_capacities == ["headteacher", "chair_of_governors"]
    assert set(statement.sections) == set(SECTIONS)
    risks = statement.sections["risks_and_mitigations"]
    assert "Harm during one-to-one tuition" in risks and "Doors stay open" in risks
    # Starting again goes to the open draft rather than making another.
    assert client.post("/statements/manage/start").headers["Location"].endswith(f"/{statement.id}")

    page = client.get(f"/statements/manage/{statement.id}/sections/risks_and_mitigations").get_data(as_text=True)
    assert "Harm during one-to-one tuition" in page and "Replace with my risk assessment" in page
    overview = client.get(f"/statements/manage/{statement.id}").get_data(as_text=True)
    for title in (
        "Our organisation and services",
        "Our commitment to safeguarding",
        "Measures in place to keep children safe",
        "Risks identified and how we manage them",
    ):
        assert title in overview
    assert "Headteacher" in overview and "Chair of governors" in overview


def test_sections_save_and_continue_or_come_back_later(client, login_as, db):
    people = make_people()
    ready_to_start(people)
    login_as(people.lead)
    client.post("/statements/manage/start")
    statement = db.session.execute(sa.select(Statement).where(Statement.organisation_id == people.org.id)).scalar_one()
    base = f"/statements/manage/{statement.id}/sections"

    def lock() -> str:
        db.session.refresh(statement)
        return services.draft_version(statement)

    response = client.post(
        f"{base}/nature_of_organisation",
        data={"nature_of_organisation": "", "action": "continue", "lock_version": lock()},
    )
    assert response.status_code == 200 and "There is a problem" in response.get_data(as_text=True)

    response = client.post(
        f"{base}/nature_of_organisation",
        data={"nature_of_organisation": "We run a primary school.", "action": "continue", "lock_version": lock()},
    )
    assert response.headers["Location"].endswith(f"{base}/commitment")
    response = client.post(f"{base}/commitment", data={"commitment": "", "action": "later", "lock_version": lock()})
    assert response.headers["Location"].endswith(f"/statements/manage/{statement.id}")
    db.session.refresh(statement)
    assert statement.sections["nature_of_organisation"] == "We run a primary school."

    response = client.post(
        f"{base}/risks_and_mitigations",
        data={"risks_and_mitigations": "Edited risks", "action": "continue", "lock_version": lock()},
    )
    assert response.headers["Location"].endswith(f"/statements/manage/{statement.id}/preview")
    db.session.refresh(statement)
    assert statement.sections["risks_and_mitigations"] == "Edited risks"
    # "Replace with my risk assessment" keeps what was typed and asks first (test_replace_risks.py).
    response = client.post(
        f"{base}/risks_and_mitigations",
        data={"risks_and_mitigations": "Edited risks", "action": "refill", "lock_version": lock()},
    )
    assert response.headers["Location"].endswith(f"/statements/manage/{statement.id}/replace-risks")
    client.post(f"/statements/manage/{statement.id}/replace-risks", data={"lock_version": lock()})
    db.session.refresh(statement)
    assert "Harm during one-to-one tuition" in statement.sections["risks_and_mitigations"]

    assert client.get(f"{base}/no_such_section").status_code == 404


def test_preview_matches_the_public_page_and_links_are_safe(client, login_as, db):
    people = make_people()
    statement = draft_statement(
        people,
        dict(
            SECTIONS,
            measures_in_place=(
                "See https://school.example/policy?a=1&b=2. <script>alert(1)</script>\n\nSecond paragraph "
                "javascript:alert(1)"
            ),
        ),
    )
    login_as(people.lead)
    html = client.get(f"/statements/manage/{statement.id}/preview").get_data(as_text=True)
    assert (
        '<a class="govuk-link" href="https://school.example/policy?a=1&amp;b=2" rel="noopener noreferrer">'
        "https://school.example/policy?a=1&amp;b=2</a>."
    ) in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert "Second paragraph" in html and "Send to be checked" in html
    assert "Not signed yet" in html


def test_sending_needs_every_part_written(client, login_as, db):
    set_qa_check(False)  # straight to the signatories (the QA check: test_checks.py)
    people = make_people()
    statement = draft_statement(people, dict(SECTIONS, commitment=""))
    login_as(people.lead)
    preview = client.get(f"/statements/manage/{statement.id}/preview").get_data(as_text=True)
    assert "Finish these parts before sending for signatures" in preview
    response = client.post(f"/statements/manage/{statement.id}/send")
    assert response.status_code == 302
    db.session.refresh(statement)
    assert statement.state == StatementState.draft and statement.content_hash is None

    client.post(
        f"/statements/manage/{statement.id}/sections/commitment",
        data={
            "commitment": "Children come first.",
            "action": "later",
            "lock_version": services.draft_version(statement),
        },
    )
    client.post(f"/statements/manage/{statement.id}/send")
    db.session.refresh(statement)
    assert statement.state == StatementState.awaiting_signatures
    assert statement.content_hash and statement.sent_for_signatures_at is not None
    # Publishing is never possible without the signatures.
    assert client.get(f"/statements/{people.org.slug}").status_code == 404


def test_other_organisations_cannot_see_or_change_a_draft(client, login_as, db):
    people = make_people()
    statement = draft_statement(people)
    other = make_people()
    db.session.commit()
    login_as(other.lead)
    assert client.get(f"/statements/manage/{statement.id}").status_code == 403
    assert client.get(f"/statements/manage/{statement.id}/preview").status_code == 403
    assert (
        client.post(
            f"/statements/manage/{statement.id}/sections/commitment", data={"commitment": "x", "action": "later"}
        ).status_code
        == 403
    )
    assert client.post(f"/statements/manage/{statement.id}/send").status_code == 403
    login_as(people.signatory("headteacher"))
    assert (
        client.post(
            f"/statements/manage/{statement.id}/sections/commitment", data={"commitment": "x", "action": "later"}
        ).status_code
        == 403
    )
    assert client.get(f"/statements/manage/{statement.id}/preview").status_code == 200
