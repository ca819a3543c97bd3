"""Form POSTs with real demo objects:

- a PermissionDenied or NotFound raised by a service while a form is being saved answers 403 / 404 in every
  feature, never a form page with an error summary (they are not DomainErrors, so `except DomainError` cannot
  swallow them);
- a section save that does not say which version it was made from (no `lock_version`, or a malformed one) is
  treated as stale in every feature that has sections: the conflict page, and nothing saved is overwritten.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import g
from werkzeug.datastructures import MultiDict

from app.errors import DomainError, NotFound, PermissionDenied
from app.extensions import db, limiter
from tests.demo_world import shared_demo


@pytest.fixture(scope="module")
def world(app):
    with shared_demo(app) as world:
        yield world


@pytest.fixture
def client(app, world):
    limiter.reset()
    with world.savepoint():
        yield app.test_client()


def _sign_in(client, world, role: str, organisation: str | None = None) -> None:
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = world.login_id(role, organisation)
        session["_fresh"] = True
    g.pop("_login_user", None)


def _id(world, sample: str) -> int:
    return world.samples[sample].value


# --- refusals raised inside a form POST --------------------------------------------------------------------------


def _refusing(exception):
    def refuse(*args, **kwargs):
        raise exception("Refused by the service")

    return refuse


def _assert_refused(response, status: int) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, response.headers.get("Location"))
    assert "There is a problem" not in body and "Refused by the service" not in body


def test_accounts_organisation_form(world, client, monkeypatch):
    from app.accounts import services

    monkeypatch.setattr(services, "update_organisation", _refusing(PermissionDenied))
    _sign_in(client, world, "admin")
    response = client.post(
        f"/admin/organisations/{_id(world, 'org_id')}",
        data={
            "name": "Riverside Youth Trust",
            "slug": "youth-trust",
            "org_type": "charity",
            "areas": "South",
            "active": "y",
        },
    )
    _assert_refused(response, 403)


@pytest.mark.parametrize("exception,status", [(PermissionDenied, 403), (NotFound, 404)])
def test_audits_return_form(world, client, monkeypatch, exception, status):
    from app.audits import services

    monkeypatch.setattr(services, "return_response", _refusing(exception))
    _sign_in(client, world, "qa")
    response = client.post(
        f"/audits/responses/{_id(world, 'assignment_id')}/return", data={"reason": "Please add the chronology."}
    )
    _assert_refused(response, status)


def test_audits_section_save(world, client, monkeypatch):
    from app.audits import services

    monkeypatch.setattr(services, "save_section", _refusing(PermissionDenied))
    _sign_in(client, world, "auditor", "riverside-police")
    assignment, section = _id(world, "open_assignment"), world.samples["audit_section"].value
    page = client.get(f"/audits/tasks/{assignment}/sections/{section}").get_data(as_text=True)
    lock = re.search(r'name="lock_version" value="(\d+)"', page).group(1)
    response = client.post(
        f"/audits/tasks/{assignment}/sections/{section}", data={"lock_version": lock, "action": "later"}
    )
    _assert_refused(response, 403)


def test_action_update(world, client, monkeypatch):
    from app.actions import services

    monkeypatch.setattr(services, "update_action", _refusing(PermissionDenied))
    _sign_in(client, world, "org_lead", "youth-trust")
    response = client.post(
        f"/findings/actions/{_id(world, 'action_id')}",
        data={"note": "Checks done for half of the volunteers.", "status": "in_progress"},
    )
    _assert_refused(response, 403)


def test_selfassessment_removing_another_organisations_file(world, client):
    """Real objects, no stand-in: Brookside's lead asks to remove Oakfield's evidence file while saving their own
    return. The service refuses with PermissionDenied; that is a 403, not a flash message on a redirect."""
    from app.selfassessment.models import EvidenceFile, Return
    from app.selfassessment.queries import return_view

    ret = db.session.get(Return, _id(world, "open_return"))
    section = return_view(ret).sections[0].section.key
    oakfield_file = _id(world, "file_id")
    _sign_in(client, world, "org_lead", "brookside-primary")
    response = client.post(
        f"/self-assessment/returns/{ret.id}/sections/{section}",
        data={"command": f"remove-file:{oakfield_file}", "lock_version": str(ret.lock_version)},
    )
    _assert_refused(response, 403)
    assert db.session.get(EvidenceFile, oakfield_file) is not None


def test_selfassessment_challenge_form(world, client, monkeypatch):
    from app.selfassessment import services

    monkeypatch.setattr(services, "challenge_answer", _refusing(PermissionDenied))
    _sign_in(client, world, "qa")
    response = client.post(
        f"/self-assessment/returns/{_id(world, 'return_id')}/criteria/{world.samples['question_key'].value}/challenge",
        data={"moderated_rag": "amber", "comment": "The evidence is a year old."},
    )
    _assert_refused(response, 403)


def test_statements_signing_form(world, client, monkeypatch):
    from app.statements import services
    from app.statements.models import Statement

    statement = db.session.get(Statement, _id(world, "awaiting_statement"))
    monkeypatch.setattr(services, "sign_statement", _refusing(PermissionDenied))
    _sign_in(client, world, "signatory", "youth-trust")
    response = client.post(
        f"/statements/manage/{statement.id}/sign",
        data={"password": "demo-password", "content_hash": statement.content_hash},
    )
    _assert_refused(response, 403)


def test_statements_risk_form(world, client, monkeypatch):
    from app.statements import services

    monkeypatch.setattr(services, "update_risk", _refusing(NotFound))
    _sign_in(client, world, "org_lead", "youth-trust")
    response = client.post(
        f"/statements/manage/risk-assessment/risks/{_id(world, 'risk_id')}",
        data=MultiDict(
            [
                ("description", "Harm during mentoring"),
                ("where_when", "Mentoring"),
                ("measures_in_place", "Glass-panelled rooms"),
                ("owner", "DSL"),
                ("review_date", "1"),
                ("review_date", "6"),
                ("review_date", "2027"),
            ]
        ),
    )
    _assert_refused(response, 404)


# --- app.web: run a service, commit, or show why -------------------------------------------------------------------

ORGANISATION_FORM = {
    "name": "Riverside Youth Trust",
    "slug": "youth-trust",
    "org_type": "charity",
    "areas": "South",
    "active": "y",
}


def _renaming_then_raising(exception):
    """A service that changes the organisation, then refuses: whatever it changed must not be committed."""

    def service(org, **kwargs):
        org.name = "Renamed by a refused service"
        db.session.flush()
        raise exception

    return service


def _organisation_row(world) -> tuple:
    db.session.expire_all()
    return world.digest(["organisation"], [("organisation", _id(world, "org_id"))])


@pytest.mark.parametrize("exception,status", [(PermissionDenied("Not yours"), 403), (NotFound("No such thing"), 404)])
def test_refusal_inside_a_service_answers_its_status_with_nothing_committed(
    world, client, monkeypatch, exception, status
):
    from app.accounts import services

    before = _organisation_row(world)
    monkeypatch.setattr(services, "update_organisation", _renaming_then_raising(exception))
    _sign_in(client, world, "admin")
    response = client.post(f"/admin/organisations/{_id(world, 'org_id')}", data=ORGANISATION_FORM)
    assert response.status_code == status
    assert exception.message not in response.get_data(as_text=True)
    assert _organisation_row(world) == before


def test_broken_rule_is_shown_on_its_field_with_nothing_committed(world, client, monkeypatch):
    from app.accounts import services

    before = _organisation_row(world)
    monkeypatch.setattr(
        services, "update_organisation", _renaming_then_raising(DomainError("That short name is taken", field="slug"))
    )
    _sign_in(client, world, "admin")
    response = client.post(f"/admin/organisations/{_id(world, 'org_id')}", data=ORGANISATION_FORM)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body
    assert re.search(r'href="#slug"[^>]*>\s*That short name is taken', body), "the summary links to the field"
    assert re.search(r'id="slug-error"[^>]*>.*?That short name is taken', body, re.S), "the field shows it"
    assert _organisation_row(world) == before


def test_broken_rule_for_no_field_is_shown_in_the_summary(world, client, monkeypatch):
    from app.selfassessment import services

    monkeypatch.setattr(services, "return_to_organisation", _refusing(DomainError))
    _sign_in(client, world, "qa")
    response = client.post(
        f"/self-assessment/returns/{_id(world, 'return_id')}/return-to-organisation",
        data={"reason": "Please add the training matrix."},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body and "Refused by the service" in body


def test_broken_rule_on_a_page_without_a_form_is_flashed(world, client, monkeypatch):
    from app.audits import services

    monkeypatch.setattr(services, "remove_case", _refusing(DomainError))
    _sign_in(client, world, "qa")
    case_id = _id(world, "case_id")
    response = client.post(f"/audits/cases/{case_id}/remove", data={})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/audits/cases/{case_id}")
    assert "Refused by the service" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_several_field_problems_are_all_shown(world, client, monkeypatch):
    from app.audits import services

    def refuse(*args, **kwargs):
        raise services.FieldProblems(
            [("reason_1", "Say why case A was not moderated"), ("reason_2", "Say why case B was not moderated")]
        )

    monkeypatch.setattr(services, "close_round", refuse)
    _sign_in(client, world, "qa")
    response = client.post(f"/audits/{_id(world, 'round_id')}/close", data={})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="#reason_1"' in body and 'href="#reason_2"' in body
    assert "Say why case A was not moderated" in body and "Say why case B was not moderated" in body


# --- a save without lock_version is stale ---------------------------------------------------------------------

MISSING_OR_MALFORMED = [None, "", "not-a-number", "1.5"]


def _with_lock(data: dict, lock) -> dict:
    return data if lock is None else {**data, "lock_version": lock}


@pytest.mark.parametrize("lock", MISSING_OR_MALFORMED)
def test_selfassessment_section_save_without_version_is_stale(world, client, lock):
    from app.selfassessment.models import Return, ReturnAnswer
    from app.selfassessment.queries import return_view

    ret = db.session.get(Return, _id(world, "open_return"))
    section = return_view(ret).sections[0].section
    before = world.digest(["return_answer", "evidence_file", "action_item"], [("sa_return", ret.id)])
    saved = {
        r.question_key: (r.value, r.evidence)
        for r in db.session.execute(sa.select(ReturnAnswer).where(ReturnAnswer.return_id == ret.id)).scalars()
    }
    data = {"command": "later"}
    for question in section.questions:
        data[question.key] = "red"
        data[f"{question.key}__evidence"] = "Overwritten by a page that did not say which version it was."
    _sign_in(client, world, "org_lead", "brookside-primary")
    response = client.post(f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=_with_lock(data, lock))
    assert response.status_code == 409
    assert "Overwritten by a page" in response.get_data(as_text=True), "what they typed is kept on the page"
    db.session.expire_all()
    assert world.digest(["return_answer", "evidence_file", "action_item"], [("sa_return", ret.id)]) == before
    assert {
        r.question_key: (r.value, r.evidence)
        for r in db.session.execute(sa.select(ReturnAnswer).where(ReturnAnswer.return_id == ret.id)).scalars()
    } == saved


@pytest.mark.parametrize("lock", MISSING_OR_MALFORMED)
def test_selfassessment_submission_without_version_is_stale(world, client, lock):
    ret_id = _id(world, "open_return")
    before = world.digest(["return_answer"], [("sa_return", ret_id)])
    _sign_in(client, world, "org_lead", "brookside-primary")
    response = client.post(
        f"/self-assessment/returns/{ret_id}/check",
        data=_with_lock({"confirmed": "y", "declaration_name": "Avery Brookside-Lead"}, lock),
    )
    assert response.status_code == 409
    assert world.digest(["return_answer"], [("sa_return", ret_id)]) == before


def test_selfassessment_section_save_with_the_current_version_is_saved(world, client):
    from app.selfassessment.models import Return
    from app.selfassessment.queries import return_view

    ret = db.session.get(Return, _id(world, "open_return"))
    section = return_view(ret).sections[0].section
    data = {"command": "later", "lock_version": str(ret.lock_version)}
    for question in section.questions:
        data[question.key] = "green"
        data[f"{question.key}__evidence"] = "Policy reviewed by the board in March."
    _sign_in(client, world, "org_lead", "brookside-primary")
    assert client.post(f"/self-assessment/returns/{ret.id}/sections/{section.key}", data=data).status_code == 302


@pytest.mark.parametrize("lock", MISSING_OR_MALFORMED)
def test_audit_section_save_without_version_is_stale(world, client, lock):
    assignment, section = _id(world, "open_assignment"), world.samples["audit_section"].value
    before = world.digest(["case_answer"], [("assignment", assignment)])
    response_row = db.session.execute(
        sa.text("SELECT id, lock_version FROM case_response WHERE assignment_id = :a"), {"a": assignment}
    ).one()
    answers = db.session.execute(
        sa.text("SELECT question_key, value, comment FROM case_answer WHERE response_id = :r ORDER BY question_key"),
        {"r": response_row.id},
    ).all()
    assert answers, "the demo's draft has answers that a blank save would wipe"
    _sign_in(client, world, "auditor", "riverside-police")
    response = client.post(f"/audits/tasks/{assignment}/sections/{section}", data=_with_lock({"action": "later"}, lock))
    assert "Your changes have not been saved" in response.get_data(as_text=True)
    assert world.digest(["case_answer"], [("assignment", assignment)]) == before
    assert (
        db.session.execute(
            sa.text(
                "SELECT question_key, value, comment FROM case_answer WHERE response_id = :r ORDER BY question_key"
            ),
            {"r": response_row.id},
        ).all()
        == answers
    )
    assert (
        db.session.execute(
            sa.text("SELECT lock_version FROM case_response WHERE id = :r"), {"r": response_row.id}
        ).scalar_one()
        == response_row.lock_version
    )


@pytest.mark.parametrize("lock", MISSING_OR_MALFORMED)
def test_audit_submission_without_version_is_stale(world, client, lock):
    assignment = _id(world, "open_assignment")
    before = world.digest(["case_answer"], [("assignment", assignment)])
    _sign_in(client, world, "auditor", "riverside-police")
    response = client.post(f"/audits/tasks/{assignment}/check", data=_with_lock({}, lock))
    assert response.status_code == 200 and "submitted" not in response.headers.get("Location", "")
    assert world.digest(["case_answer"], [("assignment", assignment)]) == before
    assert (
        db.session.execute(
            sa.text("SELECT state FROM case_response WHERE assignment_id = :a"), {"a": assignment}
        ).scalar_one()
        != "submitted"
    )


def _statement_sections(statement_id: int) -> dict:
    from app.statements.models import Statement

    db.session.expire_all()
    return dict(db.session.get(Statement, statement_id).sections or {})


@pytest.mark.parametrize("lock", [None, "", "0123456789abcdef"])
def test_statement_section_save_without_the_current_version_is_stale(world, client, lock):
    statement_id, section = _id(world, "draft_statement"), world.samples["statement_section"].value
    saved = _statement_sections(statement_id)
    _sign_in(client, world, "org_lead", "oakfield-school")
    response = client.post(
        f"/statements/manage/{statement_id}/sections/{section}",
        data=_with_lock(
            {section: "Typed on a page that did not say which draft it came from.", "action": "later"}, lock
        ),
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Your changes have not been saved" in body and "Typed on a page" in body
    assert _statement_sections(statement_id) == saved


def test_statement_section_save_after_someone_else_saved_is_stale(world, client):
    from app.statements import services
    from app.statements.models import Statement

    statement_id, section = _id(world, "draft_statement"), world.samples["statement_section"].value
    _sign_in(client, world, "org_lead", "oakfield-school")
    page = client.get(f"/statements/manage/{statement_id}/sections/{section}").get_data(as_text=True)
    loaded = re.search(r'name="lock_version" value="([0-9a-f]+)"', page).group(1)
    statement = db.session.get(Statement, statement_id)
    services.save_sections(
        statement, {section: {"value": "A colleague's text."}}, expected_version=services.draft_version(statement)
    )
    db.session.commit()
    response = client.post(
        f"/statements/manage/{statement_id}/sections/{section}",
        data={section: "My text.", "action": "later", "lock_version": loaded},
    )
    assert response.status_code == 409 and "A colleague&#39;s text." in response.get_data(as_text=True)
    assert _statement_sections(statement_id)[section] == "A colleague's text."
    fresh = re.search(r'name="lock_version" value="([0-9a-f]+)"', response.get_data(as_text=True)).group(1)
    again = client.post(
        f"/statements/manage/{statement_id}/sections/{section}",
        data={section: "My text.", "action": "later", "lock_version": fresh},
    )
    assert again.status_code == 302, "saving again from the conflict page goes ahead knowingly"
    assert _statement_sections(statement_id)[section] == "My text."


def test_statement_risks_refill_without_version_is_stale(world, client):
    from app.statements import services

    statement_id = _id(world, "draft_statement")
    saved = _statement_sections(statement_id)
    _sign_in(client, world, "org_lead", "oakfield-school")
    # Choosing "Replace with my risk assessment" only asks first (replace-risks page); nothing is replaced.
    response = client.post(
        f"/statements/manage/{statement_id}/sections/{services.RISKS_KEY}", data={"action": "refill"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/replace-risks")
    response = client.post(f"/statements/manage/{statement_id}/replace-risks", data={})
    assert response.status_code == 200 and "Someone else changed this statement" in response.get_data(as_text=True)
    assert _statement_sections(statement_id) == saved
