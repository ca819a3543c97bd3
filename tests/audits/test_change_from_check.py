"""Changing an answer from check your answers: the Change link leads to the section and saving it leads back."""

from __future__ import annotations

import html
import re

from app.audits.queries import answers_of, instrument_of
from tests.audits.factories import complete_answers, make_round, score, section_post


def _ready_to_check(client, login_as):
    setup = make_round()
    assignment = setup.assignment(0, "police")
    score(assignment, complete_answers(), actor=setup.auditors["police"], submit=False)
    login_as(setup.auditors["police"])
    return assignment


def _change_link(page_text: str, assignment, section_key: str) -> str:
    links = [
        html.unescape(h)
        for h in re.findall(r'href="([^"]+)"', page_text)
        if f"/audits/tasks/{assignment.id}/sections/{section_key}" in h
    ]
    assert links, "every answer of the section has a Change link"
    return links[0]


def _lock(page_text: str) -> str:
    return re.search(r'name="lock_version" value="(\d+)"', page_text).group(1)


def _post(client, assignment, section_key, answers, *, lock, action="continue", return_to="check"):
    data = section_post(instrument_of(assignment.case.round), section_key, answers, lock_version=lock, action=action)
    if return_to is not None:
        data["return_to"] = return_to
    return client.post(f"/audits/tasks/{assignment.id}/sections/{section_key}", data=data)


def test_change_then_save_returns_to_check_answers_showing_the_change(client, login_as, db):
    assignment = _ready_to_check(client, login_as)
    check = client.get(f"/audits/tasks/{assignment.id}/check").text
    link = _change_link(check, assignment, "convening")
    assert "return_to=check" in link

    page = client.get(link.split("#")[0])
    assert page.status_code == 200
    assert re.search(r'name="return_to" value="check"', page.text)

    changed = complete_answers(convened_promptly="no")
    changed["convened_promptly"]["comment"] = "Held a week after the referral."
    response = _post(client, assignment, "convening", changed, lock=_lock(page.text))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/audits/tasks/{assignment.id}/check")
    assert "Held a week after the referral." in client.get(response.headers["Location"]).text
    db.session.expire_all()
    assert answers_of(assignment.response)["convened_promptly"]["value"] == "no"


def test_an_invalid_change_stays_on_the_section_with_the_error_and_keeps_the_marker(client, login_as, db):
    assignment = _ready_to_check(client, login_as)
    page = client.get(f"/audits/tasks/{assignment.id}/sections/convening?return_to=check")
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">([^<]+)</a>', page.text)
    assert back.groups() == (f"/audits/tasks/{assignment.id}/check", "Back to check your answers")
    changed = complete_answers(convened_promptly="no")  # a "no" needs a comment
    changed["convened_promptly"]["comment"] = None
    response = _post(client, assignment, "convening", changed, lock=_lock(page.text))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Explain why the standard was not met for" in response.text
    assert re.search(r'name="return_to" value="check"', response.text)

    changed["convened_promptly"]["comment"] = "Now explained."
    response = _post(client, assignment, "convening", changed, lock=_lock(response.text))
    assert response.headers["Location"].endswith(f"/audits/tasks/{assignment.id}/check")


def test_save_and_come_back_later_from_a_change_goes_to_the_task_list(client, login_as, db):
    assignment = _ready_to_check(client, login_as)
    page = client.get(f"/audits/tasks/{assignment.id}/sections/convening?return_to=check")
    response = _post(client, assignment, "convening", complete_answers(), lock=_lock(page.text), action="later")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/audits/tasks/{assignment.id}")


def test_without_the_marker_saving_walks_on_to_the_next_section(client, login_as, db):
    assignment = _ready_to_check(client, login_as)
    page = client.get(f"/audits/tasks/{assignment.id}/sections/convening")
    assert 'name="return_to"' not in page.text
    response = _post(client, assignment, "convening", complete_answers(), lock=_lock(page.text), return_to=None)
    assert response.headers["Location"].endswith(f"/audits/tasks/{assignment.id}/sections/information")


def test_a_forged_return_to_is_ignored(client, login_as, db):
    assignment = _ready_to_check(client, login_as)
    page = client.get(f"/audits/tasks/{assignment.id}/sections/convening?return_to=https://evil.example")
    assert page.status_code == 200
    assert "evil.example" not in page.text
    for forged in ("https://evil.example", "//evil.example", "/audits/tasks"):
        response = _post(client, assignment, "convening", complete_answers(), lock=_lock(page.text), return_to=forged)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/audits/tasks/{assignment.id}/sections/information")
        page = client.get(f"/audits/tasks/{assignment.id}/sections/convening")


def test_a_save_without_lock_version_is_refused_as_stale(client, login_as, db):
    assignment = _ready_to_check(client, login_as)
    before = answers_of(assignment.response)
    changed = complete_answers(convened_promptly="no")
    changed["convened_promptly"]["comment"] = "Should not be saved."
    for lock in (None, "", "not-a-number"):
        data = section_post(instrument_of(assignment.case.round), "convening", changed, lock_version="")
        if lock is None:
            del data["lock_version"]
        else:
            data["lock_version"] = lock
        response = client.post(f"/audits/tasks/{assignment.id}/sections/convening", data=data)
        assert response.status_code == 200
        assert "Your changes have not been saved" in response.text
        assert "Someone else saved changes to this audit after you opened this page" in response.text
        db.session.expire_all()
        assert answers_of(assignment.response) == before


def test_submitting_without_lock_version_is_refused_as_stale(client, login_as, db):
    assignment = _ready_to_check(client, login_as)
    response = client.post(f"/audits/tasks/{assignment.id}/check", data={})
    assert response.status_code == 200
    assert "Your audit has not been submitted" in response.text
    db.session.expire_all()
    assert assignment.response.state.value != "submitted"
