"""The studio offers every question type the engine has registered, with the settings that type can have: a type
added in one place (app.questionnaire.types) can be authored in the browser with no change to the studio."""

from __future__ import annotations

import re

import pytest

from app.questionnaire import QuestionType, register
from app.questionnaire.types import unregister
from tests.questionnaire.test_custom_type import Postcode
from tests.studio.test_studio import BASE, _draft, _new_draft, _post


class Rating(QuestionType):
    """A made-up type with limits: the studio shows the length setting because the type says it takes one."""

    name = "reference_code"
    label = "Reference code"
    takes_max_length = True


@pytest.fixture
def registered():
    register(Postcode)
    register(Rating)
    yield
    unregister("postcode")
    unregister("reference_code")


def _type_choices(client, draft_id) -> list[str]:
    page = client.get(f"{BASE}/drafts/{draft_id}/sections/0/questions/new").get_data(as_text=True)
    return re.findall(r'name="type" type="radio" value="([^"]+)"', page)


def test_the_type_page_lists_the_built_in_types_and_yes_or_no(client, login_as, db):
    login_as("qa")
    draft_id = _new_draft(client)
    _post(client, db, draft_id, "/sections/new", {"title": "One", "key": "one"})
    assert _type_choices(client, draft_id) == [
        "scale",
        "choice",
        "yes_no",
        "multi_choice",
        "text",
        "long_text",
        "number",
        "date",
    ]


def test_a_registered_type_is_offered_and_authored_with_its_own_settings(client, login_as, db, registered):
    login_as("qa")
    draft_id = _new_draft(client)
    _post(client, db, draft_id, "/sections/new", {"title": "Home", "key": "home"})
    assert _type_choices(client, draft_id)[-2:] == ["postcode", "reference_code"]
    page = client.get(f"{BASE}/drafts/{draft_id}/sections/0/questions/new").get_data(as_text=True)
    assert "Postcode" in page and "Reference code" in page

    form = client.get(f"{BASE}/drafts/{draft_id}/sections/0/questions/new/reference_code").get_data(as_text=True)
    assert 'name="max_length"' in form and 'name="scale"' not in form and 'name="min"' not in form
    form = client.get(f"{BASE}/drafts/{draft_id}/sections/0/questions/new/postcode").get_data(as_text=True)
    assert 'name="max_length"' not in form and 'name="overall"' not in form

    response = _post(
        client,
        db,
        draft_id,
        "/sections/0/questions/new/postcode",
        {"text": "What is the child's home postcode?", "key": "home_postcode", "required": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    response = _post(
        client,
        db,
        draft_id,
        "/sections/0/questions/new/reference_code",
        {"text": "Case reference", "key": "case_ref", "max_length": "12"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    questions = _draft(db, draft_id).definition["sections"][0]["questions"]
    assert questions == [
        {"key": "home_postcode", "type": "postcode", "text": "What is the child's home postcode?", "required": True},
        {"key": "case_ref", "type": "reference_code", "text": "Case reference", "required": False, "max_length": 12},
    ]
    assert "No problems found" in client.get(f"{BASE}/drafts/{draft_id}").get_data(as_text=True)


def test_an_unregistered_type_has_no_question_page(client, login_as, db):
    login_as("qa")
    draft_id = _new_draft(client)
    _post(client, db, draft_id, "/sections/new", {"title": "Home", "key": "home"})
    assert client.get(f"{BASE}/drafts/{draft_id}/sections/0/questions/new/postcode").status_code == 404
