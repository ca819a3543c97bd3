"""Following a child across rounds: a case linked to the same child's case in an earlier round shows that audit's
round, date and agreed grade to those who may see it."""

from __future__ import annotations

import re
from datetime import date

from app.audits import services
from app.audits.models import RoundState
from tests import factories
from tests.audits.factories import complete_answers, make_round, moderate, score


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _earlier_and_later(db):
    """An earlier round, moderated ("Outstanding" agreed for CR-000101), and a later one auditing the same child."""
    earlier = make_round(references=("CR-000101", "CR-000102"), agencies=("police",))
    score(earlier.assignment(0, "police"), complete_answers(), actor=earlier.auditors["police"])
    score(earlier.assignment(1, "police"), complete_answers(), actor=earlier.auditors["police"])
    services.start_moderation(earlier.round, actor=earlier.qa)
    moderate(earlier.round.cases[0], actor=earlier.qa, grade="outstanding")
    earlier.round.title = "Strategy discussions – spring 2025"
    earlier.round.period_start, earlier.round.period_end = date(2025, 1, 1), date(2025, 3, 31)
    later = make_round(references=("CR-000201",), agencies=("police",))
    db.session.flush()
    return earlier, later


def test_staff_link_a_case_to_the_same_childs_earlier_case_and_see_its_agreed_grade(client, login_as, db):
    earlier, later = _earlier_and_later(db)
    case = later.round.cases[0]
    login_as(later.qa)
    page = _text(client.get(f"/audits/cases/{case.id}"))
    assert "Earlier audit of this child" in page and "Link the earlier case" in page

    response = client.post(f"/audits/cases/{case.id}/previous", data={"reference": " cr-000101 "})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.previous_case_id == earlier.round.cases[0].id
    html = client.get(f"/audits/cases/{case.id}").get_data(as_text=True)
    assert f'<a class="govuk-link" href="/audits/cases/{earlier.round.cases[0].id}">Case CR-000101</a>' in html
    page = _text(client.get(f"/audits/cases/{case.id}"))
    assert "Round Strategy discussions – spring 2025" in page
    assert "Period audited 1 January 2025 to 31 March 2025" in page
    assert "Agreed grade Outstanding" in page
    assert "Case CR-000101" in page


def test_an_earlier_case_not_yet_agreed_says_so(client, login_as, db):
    earlier, later = _earlier_and_later(db)
    case = later.round.cases[0]
    services.link_previous_case(case, reference="CR-000102", actor=later.qa)
    login_as(later.qa)
    page = _text(client.get(f"/audits/cases/{case.id}"))
    assert "Agreed grade Not agreed" in page and "Moderated Not moderated" in page


def test_a_reference_not_in_an_earlier_round_is_refused_on_the_form(client, login_as, db):
    earlier, later = _earlier_and_later(db)
    case = later.round.cases[0]
    login_as(later.qa)
    for reference in ("CR-000999", "CR-000201"):  # unknown; only in this round itself
        page = _text(client.post(f"/audits/cases/{case.id}/previous", data={"reference": reference}))
        assert "There is a problem" in page
        assert f"No case {reference} in a round that started before this one" in page
    db.session.refresh(case)
    assert case.previous_case_id is None


def test_a_later_round_is_not_an_earlier_one(db):
    earlier, later = _earlier_and_later(db)
    assert services.earlier_case(earlier.round.cases[0], "CR-000201") is None
    later.round.state = RoundState.draft
    db.session.flush()
    assert services.earlier_case(later.round.cases[0], "CR-000101") is not None


def test_the_link_can_be_removed(client, login_as, db):
    earlier, later = _earlier_and_later(db)
    case = later.round.cases[0]
    services.link_previous_case(case, reference="CR-000101", actor=later.qa)
    login_as(later.qa)
    assert client.post(f"/audits/cases/{case.id}/previous/remove").status_code == 302
    db.session.refresh(case)
    assert case.previous_case_id is None


def test_only_staff_link_cases_and_an_auditor_elsewhere_never_sees_the_earlier_grade(client, login_as, db):
    earlier, later = _earlier_and_later(db)
    case = later.round.cases[0]
    outsider = factories.make_user(roles=["auditor"], organisation=factories.make_org(org_type="school"))
    login_as(outsider)
    assert client.post(f"/audits/cases/{case.id}/previous", data={"reference": "CR-000101"}).status_code == 403
    services.link_previous_case(case, reference="CR-000101", actor=later.qa)
    from app.audits.queries import previous_case_view

    assert previous_case_view(outsider, case).visible is False
    assert previous_case_view(outsider, case).grade is None
    # the auditor whose organisation audited the earlier case (now in moderation) may see it
    assert previous_case_view(earlier.auditors["police"], case).grade == "Outstanding"
