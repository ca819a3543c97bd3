"""Moderating questions about each agency's own work: one agreed answer per agency, not per case. Each agency's
answer stands unless the panel changes it for that agency; questions about the case keep one agreed answer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audits import services
from app.audits.models import ModeratedAnswer, Moderation
from app.utils import utcnow
from tests.audits.test_about_agency import _round
from tests.audits.test_agreement import _figure
from tests.audits.test_moderation import _block
from tests.findings.test_export import rows_of, workbook_of
from tests.findings.test_round_findings import text_of
from tests.downloads import prepared_download

REPORT = "Did your agency provide its report on time?"


def _checked(block: str, name: str) -> str | None:
    found = re.search(rf'name="{name}" type="radio" value="(\w+)" checked', block)
    return found.group(1) if found else None


def _ids(setup) -> tuple[int, int]:
    return setup.orgs["police"].id, setup.orgs["health"].id


def _post(setup, **fields):
    """The moderation form as posted: plan_clear agreed yes, each agency's own report answer kept unless changed."""
    police, health = _ids(setup)
    data = {
        "rating__plan_clear": "yes",
        f"rating__report_on_time__{police}": "yes",
        f"rating__report_on_time__{health}": "no",
    }
    for name, value in fields.items():
        data[name.replace("POLICE", str(police)).replace("HEALTH", str(health))] = value
    return data


def _moderate(client, setup, case, **fields):
    return client.post(f"/audits/cases/{case.id}/moderate", data=_post(setup, **fields))


def _agreed(db, case) -> dict[tuple[str, int | None], str]:
    rows = db.session.execute(sa.select(ModeratedAnswer).join(Moderation).where(Moderation.case_id == case.id))
    return {(m.question_key, m.organisation_id): m.value for m in rows.scalars()}


def test_each_agency_starts_from_its_own_answer_and_a_change_for_one_agency_changes_only_its_answer(
    client, login_as, db
):
    setup = _round(db)
    police, health = _ids(setup)
    case = setup.round.cases[0]
    login_as(setup.qa)
    report = _block(client.get(f"/audits/cases/{case.id}/moderate").text, "report_on_time")
    assert _checked(report, f"rating__report_on_time__{police}") == "yes"
    assert _checked(report, f"rating__report_on_time__{health}") == "no"
    assert f"Agreed answer for {setup.orgs['police'].name}" in report

    response = _moderate(
        client,
        setup,
        case,
        rating__report_on_time__POLICE="no",
        comment__report_on_time__POLICE="The report arrived two days late.",
    )
    assert response.status_code == 302
    # One agreed answer for the case question; for the agency question only the changed agency has its own row.
    assert _agreed(db, case) == {("plan_clear", None): "yes", ("report_on_time", police): "no"}

    report = _block(client.get(f"/audits/cases/{case.id}/moderate").text, "report_on_time")
    assert _checked(report, f"rating__report_on_time__{police}") == "no"
    assert _checked(report, f"rating__report_on_time__{health}") == "no"
    assert "The report arrived two days late." in report

    # Putting the agency's own answer back lets it stand again.
    _moderate(client, setup, case)
    assert _agreed(db, case) == {("plan_clear", None): "yes"}


def test_a_change_without_a_reason_is_shown_in_the_error_summary_and_nothing_posted_is_lost(client, login_as, db):
    setup = _round(db)
    _police, health = _ids(setup)
    case = setup.round.cases[1]
    login_as(setup.qa)
    data = _post(
        setup,
        rating__report_on_time__HEALTH="yes",
        rating__plan_clear="",
        comment__report_on_time__POLICE="Checked against the minutes.",
    )
    page = client.post(f"/audits/cases/{case.id}/moderate", data=data)
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert f'href="#comment__report_on_time__{health}"' in page.text
    assert f"Give the reason for changing the answer agreed for {setup.orgs['health'].name}" in page.text
    # In the order of the page: the agency question comes before the case question in the instrument.
    assert page.text.index(f'href="#comment__report_on_time__{health}"') < page.text.index('href="#rating__plan_clear"')
    report = _block(page.text, "report_on_time")
    assert _checked(report, f"rating__report_on_time__{health}") == "yes"
    assert "Checked against the minutes." in report
    assert db.session.execute(sa.select(Moderation)).first() is None


def test_agreed_figures_count_one_answer_per_agency_per_case_and_one_per_case_question(client, login_as, db):
    setup = _round(db)
    first, second = setup.round.cases
    login_as(setup.qa)
    _moderate(client, setup, first, rating__report_on_time__POLICE="no", comment__report_on_time__POLICE="Late.")
    _moderate(client, setup, second)
    page = text_of(client.get(f"/findings/rounds/{setup.round.id}"))
    # Agencies' own reports: police yes twice, health no twice (50%). Agreed: the panel changed police's first
    # report to no, the other three stand: 1 of 4 (2 agencies × 2 cases).
    assert re.search(re.escape(REPORT) + r" 50% 25% \(1 of 4\)", page)
    # The case question: one agreed answer per case.
    assert re.search(r"Was the child protection plan clear\? 75% 100% \(2 of 2\)", page)


def test_the_export_lists_the_agreed_answer_of_each_agency(client, login_as, db):
    setup = _round(db)
    first, second = setup.round.cases
    login_as(setup.qa)
    _moderate(client, setup, first, rating__report_on_time__POLICE="no", comment__report_on_time__POLICE="Late.")
    _moderate(client, setup, second)
    wb = workbook_of(prepared_download(client, f"/findings/rounds/{setup.round.id}/findings.xlsx"))
    agreed = rows_of(wb["Agreed"])
    assert "plan_clear" in agreed[0] and "report_on_time" not in agreed[0]  # one answer per case: none for agencies
    police, health = setup.orgs["police"].name, setup.orgs["health"].name
    by_agency = rows_of(wb["Agreed by agency"])
    assert by_agency[0] == [
        "Case reference",
        "Agency",
        "report_on_time",
        "report_on_time__changed",
        "report_on_time__panel_reason",
    ]
    assert sorted(by_agency[1:]) == sorted(
        [
            ["CR-000101", police, "no", "Yes", "Late."],
            ["CR-000101", health, "no", "No", None],
            ["CR-000102", police, "yes", "No", None],
            ["CR-000102", health, "no", "No", None],
        ]
    )


def test_drift_compares_each_agency_with_the_answer_agreed_for_it(client, login_as, db):
    setup = _round(db)
    first, second = setup.round.cases
    login_as(setup.qa)
    _moderate(
        client,
        setup,
        first,
        rating__report_on_time__POLICE="no",
        comment__report_on_time__POLICE="Late.",
        rating__report_on_time__HEALTH="yes",
        comment__report_on_time__HEALTH="On time.",
    )
    _moderate(client, setup, second)
    page = client.get(f"/audits/{setup.round.id}").text
    # Police: its first report changed (1 of 2), the case question agreed with it twice: 1 of 4.
    assert _figure(page, f"drift-{setup.orgs['police'].slug}") == "25.0%"
    # Health: its first report changed, and it said no where the panel agreed yes on the second case: 2 of 4.
    assert _figure(page, f"drift-{setup.orgs['health'].slug}") == "50.0%"


def test_after_closing_the_change_is_shown_and_the_purge_keeps_the_agreed_answer_but_not_the_reason(
    client, login_as, db, runner
):
    setup = _round(db)
    first, second = setup.round.cases
    police = setup.orgs["police"]
    login_as(setup.qa)
    _moderate(client, setup, first, rating__report_on_time__POLICE="no", comment__report_on_time__POLICE="Late report.")
    _moderate(client, setup, second)
    services.close_round(setup.round, actor=setup.qa)
    db.session.commit()

    report = _block(client.get(f"/audits/cases/{first.id}/moderate").text, "report_on_time")
    assert "Changed by the panel" in report and "Late report." in report and 'type="radio"' not in report
    login_as(setup.auditors["health"])
    page = client.get(f"/audits/tasks/{setup.assignment(0, 'health').id}/all-agencies").text
    assert f"Agreed for {police.name}:</strong> No (changed by the panel)" in page

    setup.round.closed_at = utcnow() - timedelta(days=3 * 365)
    db.session.commit()
    assert runner.invoke(args=["data", "purge", "--older-than", "2"]).exit_code == 0
    db.session.expire_all()
    rows = db.session.execute(sa.select(ModeratedAnswer).where(ModeratedAnswer.organisation_id == police.id))
    assert [(m.value, m.comment) for m in rows.scalars()] == [("no", None)]


def test_only_qa_and_admins_moderate_agency_answers(client, login_as, db):
    setup = _round(db)
    case = setup.round.cases[0]
    login_as(setup.auditors["police"])
    response = _moderate(
        client, setup, case, rating__report_on_time__HEALTH="yes", comment__report_on_time__HEALTH="Mine now."
    )
    assert response.status_code == 403
    assert db.session.execute(sa.select(Moderation)).first() is None


@pytest.mark.parametrize("organisation", [None, "police"])
def test_the_database_refuses_a_second_agreed_answer_for_the_same_case_or_agency(db, organisation):
    setup = _round(db)
    case = setup.round.cases[0]
    org_id = setup.orgs[organisation].id if organisation else None
    moderation = services.save_moderation(case, ratings={"plan_clear": "yes"}, actor=setup.qa)
    other = setup.orgs["health"].id
    db.session.add_all(
        [
            ModeratedAnswer(
                moderation_id=moderation.id, question_key="report_on_time", organisation_id=org_id, value="no"
            ),
            ModeratedAnswer(
                moderation_id=moderation.id, question_key="report_on_time", organisation_id=other, value="yes"
            ),
        ]
    )
    db.session.flush()  # a case row and an agency row, or two agencies' rows, live side by side
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            ModeratedAnswer(
                moderation_id=moderation.id, question_key="report_on_time", organisation_id=org_id, value="yes"
            )
        )
        db.session.flush()
