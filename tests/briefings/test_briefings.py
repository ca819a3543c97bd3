"""Learning briefings through the app: drafting from a round, editing (two tabs), publishing, who reads what,
sending to organisation leads and their confirmations."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.briefings import services
from app.briefings.models import Briefing, BriefingRecipient, BriefingState
from app.errors import InvalidTransition, PermissionDenied
from app.notifications.models import OutboxMessage

SECTIONS = {
    "looked_at": "Three strategy discussions audited by police and a school.",
    "found": "- Police shared information the same day.\n- Schools were rarely invited.",
    "good_looks_like": "Everyone who knows the child is invited.",
    "do_differently": "- Invite the school and the GP.",
    "get_help": "Ask your designated safeguarding lead.",
}


def _draft(client, login_as, world) -> Briefing:
    login_as(world.qa)
    response = client.post("/briefings/new", data={"round_id": str(world.round.id)})
    assert response.status_code == 302
    return _only_briefing()


def _only_briefing() -> Briefing:
    from app.extensions import db

    db.session.expire_all()
    return db.session.execute(sa.select(Briefing)).scalar_one()


def _form(briefing: Briefing, **changes) -> dict:
    data = {"title": "What we learned about strategy discussions", **SECTIONS, "lock_version": briefing.lock_version}
    data.update(changes)
    return data


def _published(db, world) -> Briefing:
    briefing = services.start_briefing(world.round, actor=world.qa)
    services.save_briefing(
        briefing, title="Strategy briefing", sections=SECTIONS, expected_version=briefing.lock_version, actor=world.qa
    )
    services.publish_briefing(briefing, expected_version=briefing.lock_version, actor=world.qa)
    db.session.commit()
    return briefing


# --- drafting ----------------------------------------------------------------------------------------------------


def test_the_draft_is_filled_in_from_the_round(client, login_as, world):
    briefing = _draft(client, login_as, world)
    assert briefing.state == BriefingState.draft
    assert "3 cases by 2 agencies" in briefing.looked_at
    assert "Riverside Test Police" in briefing.looked_at and "Test Oak School" in briefing.looked_at
    assert world.round.instrument_version.title in briefing.looked_at
    assert "Police shared information the same day." in briefing.found
    assert "Schools were rarely invited." in briefing.found
    assert briefing.good_looks_like == "- Invite everyone who knows the child."
    assert "Not in the briefing" not in " ".join(text for _, _, text in briefing.sections)
    page = client.get(f"/briefings/{briefing.id}/edit").get_data(as_text=True)
    assert "Police shared information the same day." in page
    assert "govuk-character-count" in page


def test_a_round_still_being_audited_cannot_be_briefed(db, client, login_as, world):
    from app.audits.models import RoundState

    world.round.state = RoundState.open
    db.session.commit()
    login_as(world.qa)
    response = client.post("/briefings/new", data={"round_id": str(world.round.id)})
    assert response.status_code == 200
    assert db.session.execute(sa.select(sa.func.count()).select_from(Briefing)).scalar_one() == 0


@pytest.mark.parametrize("role", ["auditor", "org_lead", "signatory"])
def test_only_qa_and_admin_draft_edit_publish_or_send(db, client, login_as, world, role):
    draft = services.start_briefing(world.round, actor=world.qa)
    db.session.commit()
    login_as(role)
    assert client.get("/briefings/new").status_code == 403
    assert client.post("/briefings/new", data={"round_id": str(world.round.id)}).status_code == 403
    assert client.post(f"/briefings/{draft.id}/edit", data=_form(draft)).status_code == 403
    assert client.post(f"/briefings/{draft.id}/publish", data={"lock_version": draft.lock_version}).status_code == 403
    assert client.post(f"/briefings/{draft.id}/send", data={"audience": "all"}).status_code == 403
    db.session.expire_all()
    assert draft.state == BriefingState.draft and draft.title.startswith("7-minute briefing")
    assert db.session.execute(sa.select(sa.func.count()).select_from(Briefing)).scalar_one() == 1
    with pytest.raises(PermissionDenied):
        services.start_briefing(world.round, actor=world.school_lead)


def test_admin_may_draft(client, login_as, world):
    login_as("admin")
    assert client.post("/briefings/new", data={"round_id": str(world.round.id)}).status_code == 302


# --- who reads what ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["auditor", "org_lead", "signatory"])
def test_drafts_are_seen_by_nobody_but_qa_and_admin(db, client, login_as, world, role):
    draft = services.start_briefing(world.round, actor=world.qa)
    db.session.commit()
    login_as(role)
    assert client.get(f"/briefings/{draft.id}").status_code == 404
    assert client.get(f"/briefings/{draft.id}/print").status_code == 404
    assert draft.title not in client.get("/briefings/").get_data(as_text=True)
    for staff in (world.qa, "admin"):
        login_as(staff)
        assert client.get(f"/briefings/{draft.id}").status_code == 200
        assert draft.title in client.get("/briefings/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["auditor", "org_lead", "signatory", "qa", "admin"])
def test_every_signed_in_user_reads_a_published_briefing(db, client, login_as, world, role):
    briefing = _published(db, world)
    login_as(role)
    index = client.get("/briefings/").get_data(as_text=True)
    assert "Strategy briefing" in index
    assert "Learning briefings" in index  # the menu item
    page = client.get(f"/briefings/{briefing.id}")
    assert page.status_code == 200
    assert "Schools were rarely invited." in page.get_data(as_text=True)
    printed = client.get(f"/briefings/{briefing.id}/print").get_data(as_text=True)
    assert "css/briefing.css" in printed
    for _, heading, _ in briefing.sections:
        assert heading in printed
    assert "<li>Invite the school and the GP.</li>" in printed


def test_signed_out_visitors_are_sent_to_sign_in(db, client, world):
    briefing = _published(db, world)
    response = client.get(f"/briefings/{briefing.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_print_stylesheet_sets_one_a4_page(client):
    css = client.get("/static/css/briefing.css").get_data(as_text=True)
    assert "@page { size: A4" in css
    assert re.search(r"@media print \{[^}]*govuk-template__header", css)


# --- editing ----------------------------------------------------------------------------------------------------


def test_qa_edits_each_section_and_previews(client, login_as, world):
    briefing = _draft(client, login_as, world)
    response = client.post(f"/briefings/{briefing.id}/edit", data=_form(briefing))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/briefings/{briefing.id}")
    briefing = _only_briefing()
    assert briefing.found == SECTIONS["found"] and briefing.title == "What we learned about strategy discussions"
    preview = client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert "<li>Police shared information the same day.</li>" in preview
    assert "Publish" in preview


def test_a_section_longer_than_a_page_allows_is_refused(client, login_as, world):
    briefing = _draft(client, login_as, world)
    response = client.post(
        f"/briefings/{briefing.id}/edit", data=_form(briefing, found="x" * (services.SECTION_MAX + 1))
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert _only_briefing().found != "x" * (services.SECTION_MAX + 1)


def test_a_second_tab_cannot_save_over_the_first(client, login_as, world):
    briefing = _draft(client, login_as, world)
    opened = briefing.lock_version  # both tabs opened the page at this version
    first = client.post(f"/briefings/{briefing.id}/edit", data=_form(briefing, found="Saved in the first tab."))
    assert first.status_code == 302
    second = client.post(
        f"/briefings/{briefing.id}/edit", data=_form(briefing, lock_version=opened, found="Typed in the second tab.")
    )
    page = second.get_data(as_text=True)
    assert second.status_code == 200
    assert "Someone else saved this briefing" in page
    assert "Typed in the second tab." in page  # what they typed is kept on the form
    assert "What is saved now" in page and "Saved in the first tab." in page
    assert _only_briefing().found == "Saved in the first tab."
    # Having seen the other save, saving again replaces it knowingly.
    current = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page) or re.search(
        r'name="lock_version" value="(\d+)"', page
    )
    assert current and int(current.group(1)) == _only_briefing().lock_version
    again = client.post(
        f"/briefings/{briefing.id}/edit",
        data=_form(briefing, lock_version=current.group(1), found="Typed in the second tab."),
    )
    assert again.status_code == 302
    assert _only_briefing().found == "Typed in the second tab."


@pytest.mark.parametrize("posted", [None, "", "not-a-version"])
def test_a_save_that_does_not_say_its_version_is_stale(client, login_as, world, posted):
    briefing = _draft(client, login_as, world)
    data = _form(briefing, found="From a page of unknown age.")
    if posted is None:
        del data["lock_version"]
    else:
        data["lock_version"] = posted
    response = client.post(f"/briefings/{briefing.id}/edit", data=data)
    assert response.status_code == 200 and "Someone else saved this briefing" in response.get_data(as_text=True)
    assert _only_briefing().found != "From a page of unknown age."


# --- publishing -------------------------------------------------------------------------------------------------


def test_publishing_needs_every_section_then_shows_a_confirmation(client, login_as, world):
    briefing = _draft(client, login_as, world)
    client.post(f"/briefings/{briefing.id}/edit", data=_form(briefing, get_help=""))
    briefing = _only_briefing()
    assert "Publish “" in client.get(f"/briefings/{briefing.id}/publish").get_data(as_text=True)
    refused = client.post(f"/briefings/{briefing.id}/publish", data={"lock_version": briefing.lock_version})
    assert refused.status_code == 200 and "Enter ‘Where to get help’" in refused.get_data(as_text=True)
    assert _only_briefing().state == BriefingState.draft

    client.post(f"/briefings/{briefing.id}/edit", data=_form(briefing))
    briefing = _only_briefing()
    stale = client.post(f"/briefings/{briefing.id}/publish", data={"lock_version": briefing.lock_version - 1})
    assert stale.status_code == 200 and _only_briefing().state == BriefingState.draft

    done = client.post(f"/briefings/{briefing.id}/publish", data={"lock_version": briefing.lock_version})
    assert done.headers["Location"].endswith(f"/briefings/{briefing.id}/published")
    panel = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "govuk-panel" in panel and "Briefing published" in panel
    briefing = _only_briefing()
    assert briefing.state == BriefingState.published and briefing.published_at is not None


def test_a_published_briefing_cannot_be_edited(db, client, login_as, world):
    briefing = _published(db, world)
    login_as(world.qa)
    response = client.post(f"/briefings/{briefing.id}/edit", data=_form(briefing, found="Changed afterwards."))
    assert response.status_code == 302
    assert _only_briefing().found == SECTIONS["found"]
    with pytest.raises(InvalidTransition):
        services.save_briefing(
            briefing, title="x", sections=SECTIONS, expected_version=briefing.lock_version, actor=world.qa
        )


# --- sending and confirming ----------------------------------------------------------------------------------


def _sent_to(briefing_id) -> set[int]:
    from app.extensions import db

    return set(
        db.session.execute(
            sa.select(BriefingRecipient.organisation_id).where(BriefingRecipient.briefing_id == briefing_id)
        ).scalars()
    )


def _emails(db) -> list[OutboxMessage]:
    return list(
        db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.subject.like("Learning briefing%"))).scalars()
    )


def test_qa_sends_to_chosen_types_then_to_everyone(db, client, login_as, world):
    briefing = _published(db, world)
    login_as(world.qa)
    assert client.post(f"/briefings/{briefing.id}/send", data={"audience": "chosen"}).status_code == 200
    assert _sent_to(briefing.id) == set()

    response = client.post(f"/briefings/{briefing.id}/send", data={"audience": "chosen", "org_types": ["school"]})
    assert response.status_code == 302
    assert _sent_to(briefing.id) == {world.school.id}
    emails = _emails(db)
    assert [e.recipient for e in emails] == [world.school_lead.email]
    assert f"/briefings/{briefing.id}" in emails[0].body and emails[0].body.count("http") == 1

    client.post(f"/briefings/{briefing.id}/send", data={"audience": "all"})
    assert _sent_to(briefing.id) == {world.school.id, world.police.id, world.charity.id}
    assert sorted(e.recipient for e in _emails(db)) == sorted(
        u.email for u in (world.school_lead, world.police_lead, world.charity_lead)
    )
    again = client.post(f"/briefings/{briefing.id}/send", data={"audience": "all"})
    assert again.status_code == 200 and "already been sent" in again.get_data(as_text=True)
    assert len(_emails(db)) == 3


def test_a_draft_cannot_be_sent(db, world):
    draft = services.start_briefing(world.round, actor=world.qa)
    with pytest.raises(InvalidTransition):
        services.send_briefing(draft, org_types=None, actor=world.qa)


def test_a_lead_confirms_once_for_their_organisation_and_qa_sees_who(db, client, login_as, world):
    briefing = _published(db, world)
    services.send_briefing(briefing, org_types=["school", "police"], actor=world.qa)
    db.session.commit()

    login_as(world.school_lead)
    page = client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert "We have cascaded this to our staff" in page
    assert client.post(f"/briefings/{briefing.id}/confirm").status_code == 302
    db.session.expire_all()
    school = db.session.execute(
        sa.select(BriefingRecipient).where(BriefingRecipient.organisation_id == world.school.id)
    ).scalar_one()
    assert school.confirmed_by_id == world.school_lead.id and school.confirmed_at is not None
    event = db.session.execute(
        sa.select(ActivityEvent).where(ActivityEvent.verb == "cascaded", ActivityEvent.object_id == briefing.id)
    ).scalar_one()
    assert event.actor_id == world.school_lead.id and "Test Oak School" in event.summary
    assert "confirmed on" in client.get(f"/briefings/{briefing.id}").get_data(as_text=True)

    # One confirmation per organisation: a second is refused and changes nothing.
    confirmed_at = school.confirmed_at
    login_as("org_lead", organisation=world.school, name="Second Oak Lead")
    second = client.post(f"/briefings/{briefing.id}/confirm", follow_redirects=True)
    assert "already confirmed this" in second.get_data(as_text=True)
    db.session.expire_all()
    assert school.confirmed_by_id == world.school_lead.id and school.confirmed_at == confirmed_at

    login_as(world.qa)
    page = client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    table = page.split('id="organisations"', 1)[1]
    assert re.search(r"Test Oak School.*Confirmed\s*</strong>\s*by Lead of Test Oak School on", table, re.S)
    assert re.search(r"Riverside Test Police.*Not yet confirmed", table, re.S)
    assert "Test Youth Charity" not in table
    assert "Sent to 2 organisations: 1 confirmed, 1 not yet confirmed." in table


def test_leads_of_organisations_it_was_not_sent_to_cannot_confirm(db, client, login_as, world):
    briefing = _published(db, world)
    services.send_briefing(briefing, org_types=["school"], actor=world.qa)
    db.session.commit()
    login_as(world.charity_lead)
    page = client.get(f"/briefings/{briefing.id}").get_data(as_text=True)
    assert "We have cascaded this to our staff" not in page
    assert client.post(f"/briefings/{briefing.id}/confirm").status_code == 403
    login_as("auditor", organisation=world.school)
    assert client.post(f"/briefings/{briefing.id}/confirm").status_code == 403
    db.session.expire_all()
    assert (
        db.session.execute(
            sa.select(sa.func.count()).select_from(BriefingRecipient).where(BriefingRecipient.confirmed_at.is_not(None))
        ).scalar_one()
        == 0
    )
