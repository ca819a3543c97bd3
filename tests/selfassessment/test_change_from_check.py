"""A lead changes one standard from check your answers and is brought back there once it is saved."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import sqlalchemy as sa

from app.selfassessment.models import Return, ReturnAnswer, ReturnState
from app.utils import today
from tests.selfassessment.factories import (
    complete_return,
    instrument_for,
    make_campaign,
    return_for,
    section_form,
)


def _ready_to_check(make, login_as):
    org = make.make_org(org_type="school", name="Oakwood School")
    lead = make.make_user(roles=["org_lead"], organisation=org)
    ret = complete_return(return_for(make_campaign(), org), actor=lead)
    login_as(lead)
    sections = instrument_for(ret).sections_for("school")
    return ret, sections


def _section_url(ret, section_key: str) -> str:
    return f"/self-assessment/returns/{ret.id}/sections/{section_key}"


def _lock(page_text: str) -> str:
    return re.search(r'name="lock_version" value="(\d+)"', page_text).group(1)


def test_change_then_save_returns_to_check_answers_showing_the_change(client, make, login_as, db):
    ret, sections = _ready_to_check(make, login_as)
    first = sections[0]
    check = client.get(f"/self-assessment/returns/{ret.id}/check").get_data(as_text=True)
    links = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', check) if _section_url(ret, first.key) in h]
    assert links and all("return_to=check" in link for link in links)

    page = client.get(links[0].split("#")[0]).get_data(as_text=True)
    assert re.search(r'name="return_to" value="check"', page)
    data = section_form(
        ret, first, evidence="Board minutes from May show the change.", return_to="check", lock_version=_lock(page)
    )
    response = client.post(_section_url(ret, first.key), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/self-assessment/returns/{ret.id}/check")
    assert "Board minutes from May show the change." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_invalid_change_stays_on_the_section_with_the_error_and_keeps_the_marker(client, make, login_as, db):
    ret, sections = _ready_to_check(make, login_as)
    first = sections[0]
    page = client.get(_section_url(ret, first.key) + "?return_to=check").get_data(as_text=True)
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">([^<]+)</a>', page)
    assert back.groups() == (f"/self-assessment/returns/{ret.id}/check", "Back to check your answers")
    data = section_form(ret, first, evidence="", return_to="check", lock_version=_lock(page))
    response = client.post(_section_url(ret, first.key), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter the evidence for" in page
    assert re.search(r'name="return_to" value="check"', page)

    data = section_form(ret, first, evidence="Now with evidence.", return_to="check", lock_version=_lock(page))
    response = client.post(_section_url(ret, first.key), data=data)
    assert response.headers["Location"].endswith(f"/self-assessment/returns/{ret.id}/check")


def test_adding_an_action_from_a_change_keeps_the_marker(client, make, login_as, db):
    ret, sections = _ready_to_check(make, login_as)
    first = sections[0]
    key = first.questions[0].key
    due = today() + timedelta(days=30)
    data = section_form(
        ret,
        first,
        command=f"add-action:{key}",
        return_to="check",
        **{
            f"{key}__action_description": "Train the deputy",
            f"{key}__action_owner": "Head",
            f"{key}__action_due-day": str(due.day),
            f"{key}__action_due-month": str(due.month),
            f"{key}__action_due-year": str(due.year),
        },
    )
    response = client.post(_section_url(ret, first.key), data=data)
    assert response.status_code == 302
    assert "return_to=check" in response.headers["Location"]


def test_save_and_come_back_later_from_a_change_goes_to_the_task_list(client, make, login_as, db):
    ret, sections = _ready_to_check(make, login_as)
    first = sections[0]
    data = section_form(ret, first, command="later", return_to="check")
    response = client.post(_section_url(ret, first.key), data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/self-assessment/returns/{ret.id}")


def test_a_forged_return_to_is_ignored(client, make, login_as, db):
    ret, sections = _ready_to_check(make, login_as)
    first = sections[0]
    page = client.get(_section_url(ret, first.key) + "?return_to=https://evil.example").get_data(as_text=True)
    assert "evil.example" not in page
    for forged in ("https://evil.example", "//evil.example", "/self-assessment/my-returns"):
        db.session.refresh(ret)
        response = client.post(_section_url(ret, first.key), data=section_form(ret, first, return_to=forged))
        assert response.status_code == 302
        assert response.headers["Location"].endswith(_section_url(ret, sections[1].key))


def test_a_save_without_lock_version_is_refused_as_stale(client, make, login_as, db):
    ret, sections = _ready_to_check(make, login_as)
    first = sections[0]
    key = first.questions[0].key
    for lock in (None, "", "x1"):
        data = section_form(ret, first, evidence="Should not be saved.")
        if lock is None:
            del data["lock_version"]
        else:
            data["lock_version"] = lock
        response = client.post(_section_url(ret, first.key), data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "Someone else saved this return after you opened this page" in page
        db.session.expire_all()
        evidence = db.session.execute(
            sa.select(ReturnAnswer.evidence).where(ReturnAnswer.return_id == ret.id, ReturnAnswer.question_key == key)
        ).scalar_one()
        assert evidence != "Should not be saved."


def test_submitting_without_lock_version_is_refused_as_stale(client, make, login_as, db):
    ret, _sections = _ready_to_check(make, login_as)
    response = client.post(
        f"/self-assessment/returns/{ret.id}/check", data={"confirmed": "y", "declaration_name": "Morgan Oakwood"}
    )
    assert response.status_code == 409
    assert "Someone else saved this return after you opened this page" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Return, ret.id).state != ReturnState.submitted
