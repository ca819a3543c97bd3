"""A campaign through its year: the due date moved, one organisation's extension (reminders, overdue tags and
"submitted on time" follow it), organisations added or changed while a campaign is open, and triangulation
filtered and paged."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.errors import InvalidTransition
from app.selfassessment import services
from app.selfassessment.models import Return
from app.selfassessment.reminders import due_reminders as sa_reminders
from app.utils import govuk_date, today
from tests.selfassessment.factories import complete_return, make_campaign, return_for


def _date_fields(name, when):
    return {name: [str(when.day), str(when.month), str(when.year)]}


def _org_with_lead(make, name, org_type="school"):
    org = make.make_org(org_type=org_type, name=name)
    lead = make.make_user(roles=["org_lead"], organisation=org, email=f"lead@{org.slug}.example")
    return org, lead


# ---------------------------------------------------------------------------------------------
# The campaign's due date
# ---------------------------------------------------------------------------------------------
def test_staff_move_the_due_date_and_overdue_tags_follow(client, login_as, make, db):
    make.make_org(org_type="school", name="Late School")
    campaign = make_campaign(due_in_days=-2, org_types=["school"])
    login_as("qa")
    assert "Overdue" in client.get(f"/self-assessment/campaigns/{campaign.id}").get_data(as_text=True)
    new_date = today() + timedelta(days=20)
    response = client.post(
        f"/self-assessment/campaigns/{campaign.id}/due-date", data=_date_fields("due_date", new_date)
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert campaign.due_date == new_date
    board = client.get(f"/self-assessment/campaigns/{campaign.id}").get_data(as_text=True)
    assert govuk_date(new_date) in board and "Overdue</strong>" not in board
    assert (
        db.session.execute(sa.select(ActivityEvent.summary).where(ActivityEvent.verb == "due_date_changed"))
        .scalar_one()
        .endswith(f"to {govuk_date(new_date)}")
    )


def test_a_past_or_missing_due_date_is_explained_and_nothing_changes(client, login_as, db):
    campaign = make_campaign(due_in_days=30)
    before = campaign.due_date
    login_as("admin")
    page = client.post(
        f"/self-assessment/campaigns/{campaign.id}/due-date", data=_date_fields("due_date", today() - timedelta(days=1))
    ).get_data(as_text=True)
    assert "There is a problem" in page and "The due date must be today or in the future" in page
    page = client.post(f"/self-assessment/campaigns/{campaign.id}/due-date", data={}).get_data(as_text=True)
    assert "Enter the date returns are due" in page
    db.session.expire_all()
    assert campaign.due_date == before


def test_a_closed_campaigns_due_date_stays(db):
    campaign = make_campaign()
    services.close_campaign(campaign)
    with pytest.raises(InvalidTransition):
        services.change_due_date(campaign, today() + timedelta(days=5))


# ---------------------------------------------------------------------------------------------
# One organisation's extension
# ---------------------------------------------------------------------------------------------
def test_extension_moves_one_returns_reminders_and_overdue_tag(client, login_as, make, db):
    late_org, late_lead = _org_with_lead(make, "Extended School")
    other_org, other_lead = _org_with_lead(make, "Other School")
    campaign = make_campaign(due_in_days=-1, org_types=["school"])
    extended = return_for(campaign, late_org)
    kinds = {(r.recipient, r.kind) for r in sa_reminders(today())}
    assert (late_lead.email, "return_overdue") in kinds and (other_lead.email, "return_overdue") in kinds

    login_as("qa")
    new_date = today() + timedelta(days=10)
    response = client.post(
        f"/self-assessment/returns/{extended.id}/extension",
        data={**_date_fields("extended_to", new_date), "reason": "Designated lead on long-term sick leave."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert extended.due_date == new_date and extended.extension_reason.startswith("Designated lead")

    reminders = {r.recipient: r for r in sa_reminders(today())}
    assert reminders[late_lead.email].kind == "return_due_soon"
    assert reminders[late_lead.email].due_date == new_date
    assert govuk_date(new_date) in reminders[late_lead.email].body
    assert reminders[other_lead.email].kind == "return_overdue"
    # No reminder at all once the extended date is more than 14 days away.
    far = today() + timedelta(days=40)
    services.extend_return(extended, far, reason="Further delay agreed by the chair.")
    db.session.commit()
    assert late_lead.email not in {r.recipient for r in sa_reminders(today())}

    board = client.get(f"/self-assessment/campaigns/{campaign.id}").get_data(as_text=True)
    assert f"Extended to {govuk_date(far)}" in board and "1 organisation has an extension" in board
    review = client.get(f"/self-assessment/returns/{extended.id}/review").get_data(as_text=True)
    assert "Further delay agreed by the chair." in review

    login_as(late_lead)
    mine = client.get("/self-assessment/my-returns").get_data(as_text=True)
    assert f"{govuk_date(far)} (extended)" in mine and "Overdue" not in mine
    task_list = client.get(f"/self-assessment/returns/{extended.id}").get_data(as_text=True)
    assert f"due {govuk_date(far)} (extended from {govuk_date(campaign.due_date)})" in task_list


def test_extension_needs_a_later_date_and_a_reason(client, login_as, make, db):
    org = make.make_org(org_type="school", name="Ashgrove School")
    campaign = make_campaign(due_in_days=10, org_types=["school"])
    ret = return_for(campaign, org)
    login_as("qa")
    page = client.post(
        f"/self-assessment/returns/{ret.id}/extension",
        data={**_date_fields("extended_to", campaign.due_date), "reason": ""},
    ).get_data(as_text=True)
    assert "There is a problem" in page and "Enter the reason for the extension" in page
    page = client.post(
        f"/self-assessment/returns/{ret.id}/extension",
        data={**_date_fields("extended_to", campaign.due_date), "reason": "Staff changes."},
    ).get_data(as_text=True)
    assert "The new date must be after the campaign’s due date" in page
    assert "Staff changes." in page  # what was typed is kept
    db.session.expire_all()
    assert ret.extended_to is None


def test_extension_is_removed_and_submitted_returns_need_none(client, login_as, make, db):
    org = make.make_org(org_type="school", name="Ashgrove School")
    campaign = make_campaign(due_in_days=5, org_types=["school"])
    ret = return_for(campaign, org)
    services.extend_return(ret, today() + timedelta(days=30), reason="Inspection week.")
    db.session.commit()
    login_as("admin")
    assert client.post(f"/self-assessment/returns/{ret.id}/extension/remove").status_code == 302
    db.session.expire_all()
    assert ret.extended_to is None and ret.due_date == campaign.due_date
    complete_return(ret, submit=True)
    with pytest.raises(InvalidTransition):
        services.extend_return(ret, today() + timedelta(days=30), reason="Too late for this.")


def test_submitted_on_time_counts_against_the_returns_own_due_date(client, login_as, make, db):
    on_time_org = make.make_org(org_type="school", name="Extended School")
    late_org = make.make_org(org_type="school", name="Late School")
    make.make_org(org_type="school", name="Silent School")
    campaign = make_campaign(due_in_days=3, org_types=["school"])
    services.extend_return(return_for(campaign, on_time_org), today() + timedelta(days=20), reason="Agreed.")
    db.session.commit()
    services.change_due_date(campaign, today())
    db.session.commit()
    # The campaign's date passes: submitting now is late for one, still on time for the extended one.
    complete_return(return_for(campaign, on_time_org), submit=True)
    complete_return(return_for(campaign, late_org), submit=True)
    ret = return_for(campaign, late_org)
    ret.submitted_at = ret.submitted_at + timedelta(days=2)
    db.session.commit()
    from app.selfassessment import queries

    board = queries.campaign_board(campaign, on=today() + timedelta(days=1))
    assert board.timeliness == {"on_time": 1, "late": 1, "overdue": 1, "extended": 1}


# ---------------------------------------------------------------------------------------------
# Organisations added or changed while a campaign is open
# ---------------------------------------------------------------------------------------------
def _new_org_form(**overrides):
    data = {"name": "Hillside Academy", "slug": "hillside-academy", "org_type": "school", "areas": "", "active": "y"}
    data.update(overrides)
    return data


def test_an_organisation_added_while_a_campaign_is_open_gets_its_return(client, login_as, db):
    campaign = make_campaign(org_types=["school"])
    draft = make_campaign(cycle="2026-27", org_types=["school"], open_it=False)
    login_as("admin")
    response = client.post("/admin/organisations/new", data=_new_org_form(), follow_redirects=True)
    assert "Hillside Academy has a return to complete in" in response.get_data(as_text=True)
    returns = db.session.execute(sa.select(Return).where(Return.campaign_id.in_([campaign.id, draft.id]))).scalars()
    assert [(r.campaign_id, r.organisation.name) for r in returns] == [(campaign.id, "Hillside Academy")]
    org_id = db.session.execute(sa.select(Return.organisation_id)).scalar_one()
    from tests.selfassessment.factories import survey_link

    assert survey_link(campaign, db.session.get(Return, return_for_id(db, campaign, org_id)).organisation)


def return_for_id(db, campaign, org_id):
    return db.session.execute(
        sa.select(Return.id).where(Return.campaign_id == campaign.id, Return.organisation_id == org_id)
    ).scalar_one()


def test_an_organisation_of_a_type_not_invited_gets_none(client, login_as, db):
    make_campaign(org_types=["school"])
    login_as("admin")
    client.post("/admin/organisations/new", data=_new_org_form(org_type="charity", slug="kestrel", name="Kestrel"))
    assert db.session.execute(sa.select(sa.func.count(Return.id))).scalar_one() == 0


def test_type_change_and_reactivation_start_a_return_once(client, login_as, make, db):
    charity = make.make_org(org_type="charity", name="Kestrel Youth Club", slug="kestrel")
    asleep = make.make_org(org_type="school", name="Dormant School", slug="dormant", active=False)
    campaign = make_campaign(org_types=["school"])
    assert db.session.execute(sa.select(sa.func.count(Return.id))).scalar_one() == 0
    login_as("admin")
    page = client.post(
        f"/admin/organisations/{charity.id}",
        data=_new_org_form(name="Kestrel Youth Club", slug="kestrel", org_type="school"),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Kestrel Youth Club has a return to complete" in page
    client.post(f"/admin/organisations/{asleep.id}", data=_new_org_form(name="Dormant School", slug="dormant"))
    owners = set(db.session.execute(sa.select(Return.organisation_id)).scalars())
    assert owners == {charity.id, asleep.id}
    # Saving again (a name change) starts nothing more: one return each.
    client.post(f"/admin/organisations/{charity.id}", data=_new_org_form(name="Kestrel Club", slug="kestrel"))
    assert db.session.execute(sa.select(sa.func.count(Return.id))).scalar_one() == 2
    # A type the campaign does not invite: the return is kept, and the administrator is told.
    page = client.post(
        f"/admin/organisations/{charity.id}",
        data=_new_org_form(name="Kestrel Club", slug="kestrel", org_type="charity"),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "the return Kestrel Club already has in it is kept" in page
    assert return_for(campaign, charity) is not None


# ---------------------------------------------------------------------------------------------
# Triangulation: filters, paging, and "No responses"
# ---------------------------------------------------------------------------------------------
def test_triangulation_filters_pages_and_says_no_responses(client, login_as, make, db, monkeypatch):
    from tests.selfassessment.factories import no_noise, survey_link, survey_responses

    no_noise(monkeypatch)
    school = make.make_org(org_type="school", name="Ashgrove School")
    charity = make.make_org(org_type="charity", name="Kestrel Youth Club")
    campaign = make_campaign(org_types=["school", "charity"])
    complete_return(return_for(campaign, school), rag="amber", submit=True)
    complete_return(return_for(campaign, charity), rag="green", submit=True)
    survey_responses(survey_link(campaign, school), 6, value="agree")
    services.close_campaign(campaign)  # the charity's survey closes with no answers at all
    db.session.commit()
    login_as("qa")
    url = f"/self-assessment/campaigns/{campaign.id}/triangulation"
    page = client.get(url).get_data(as_text=True)
    assert "Ashgrove School" in page and "Kestrel Youth Club" in page
    assert "No responses" in page and "Fewer than 5" not in page
    only_schools = client.get(url, query_string={"org_type": "school"}).get_data(as_text=True)
    assert "Ashgrove School" in only_schools and "Kestrel Youth Club" not in only_schools
    amber_red = client.get(url, query_string={"show": "amber_red"}).get_data(as_text=True)
    assert "Ashgrove School" in amber_red and "Kestrel Youth Club" not in amber_red
    nothing = client.get(url, query_string={"show": "mismatches"}).get_data(as_text=True)
    assert "Nothing matches these filters." in nothing
    from app.selfassessment import queries

    theme = queries.shared_themes(campaign)[0]
    one_theme = client.get(url, query_string={"theme": theme}).get_data(as_text=True)
    assert one_theme.count('<tr class="govuk-table__row">') == 3  # the head and one row per organisation
    monkeypatch.setattr("app.paging.PAGE_SIZE", 1)
    first = client.get(url, query_string={"theme": theme}).get_data(as_text=True)
    assert "page 1 of 2" in first and "Kestrel Youth Club" not in first
    assert f"theme={theme}" in first and "page=2" in first
    second = client.get(url, query_string={"theme": theme, "page": 2}).get_data(as_text=True)
    assert "Kestrel Youth Club" in second and "Ashgrove School" not in second
