"""Moderation meeting records: the date, the panel present, the practitioners who joined and whether the family's
feedback was sought; shown on the round page and the round's findings report."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.audits import queries, services
from app.audits.panel_models import FamilyFeedback, PanelMeeting
from app.errors import DomainError, InvalidTransition
from app.utils import govuk_date, today
from tests.audits.factories import make_round

PANEL = "A Khan, QA sub-group chair (police); B Osei, designated nurse; C Lewis, head of service (council)"


def _form(day, **overrides) -> MultiDict:
    data = MultiDict(
        [
            ("held_on", str(day.day)),
            ("held_on", str(day.month)),
            ("held_on", str(day.year)),
            ("panel", PANEL),
            ("practitioners", "The allocated social worker; the school's DSL"),
            ("family_feedback", "received"),
        ]
    )
    for key, value in overrides.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def test_record_meeting_checks_its_fields(db):
    setup = make_round()
    with pytest.raises(DomainError) as refused:
        services.record_meeting(setup.round, held_on=None, panel=PANEL, family_feedback="sought", actor=setup.qa)
    assert refused.value.field == "held_on"
    with pytest.raises(DomainError) as refused:
        services.record_meeting(
            setup.round, held_on=today() + timedelta(days=1), panel=PANEL, family_feedback="sought", actor=setup.qa
        )
    assert refused.value.field == "held_on"
    with pytest.raises(DomainError) as refused:
        services.record_meeting(setup.round, held_on=today(), panel=" ", family_feedback="sought", actor=setup.qa)
    assert refused.value.field == "panel"
    with pytest.raises(DomainError) as refused:
        services.record_meeting(setup.round, held_on=today(), panel=PANEL, family_feedback="maybe", actor=setup.qa)
    assert refused.value.field == "family_feedback"
    meeting = services.record_meeting(
        setup.round, held_on=today(), panel=PANEL, family_feedback="not_sought", actor=setup.qa
    )
    assert meeting.family_feedback == FamilyFeedback.not_sought
    assert queries.panel_report(setup.round).meetings == [meeting]


def test_no_meeting_is_recorded_in_a_draft_round(db):
    setup = make_round(open_it=False)
    with pytest.raises(InvalidTransition):
        services.record_meeting(setup.round, held_on=today(), panel=PANEL, family_feedback="sought", actor=setup.qa)


def test_qa_records_and_corrects_a_meeting_shown_on_the_round_page(client, login_as, db):
    setup = make_round()
    login_as(setup.qa)
    url = f"/audits/{setup.round.id}/meetings/new"
    assert client.get(url).status_code == 200
    page = client.post(url, data=_form(today(), panel=""))
    assert page.status_code == 200
    assert "There is a problem" in page.text and "Enter who was on the panel" in page.text
    assert "The allocated social worker" in page.text  # nothing typed is lost
    assert db.session.execute(sa.select(sa.func.count()).select_from(PanelMeeting)).scalar_one() == 0
    day = today() - timedelta(days=2)
    assert client.post(url, data=_form(day)).status_code == 302
    meeting = db.session.execute(sa.select(PanelMeeting)).scalar_one()
    page = client.get(f"/audits/{setup.round.id}")
    assert f"Meeting of {govuk_date(day)}" in page.text
    assert "B Osei, designated nurse" in page.text
    assert "Sought and received" in page.text
    assert client.get(f"/audits/meetings/{meeting.id}/edit").status_code == 200
    assert (
        client.post(f"/audits/meetings/{meeting.id}/edit", data=_form(day, family_feedback="sought")).status_code == 302
    )
    db.session.refresh(meeting)
    assert meeting.family_feedback == FamilyFeedback.sought


def test_an_auditor_cannot_record_a_meeting(client, login_as, db):
    setup = make_round()
    login_as(setup.auditors["police"])
    assert client.post(f"/audits/{setup.round.id}/meetings/new", data=_form(today())).status_code == 403
    assert db.session.execute(sa.select(sa.func.count()).select_from(PanelMeeting)).scalar_one() == 0


def test_the_round_findings_report_shows_the_meetings_and_escalated_cases(client, login_as, db):
    setup = make_round(references=("CR-000101", "CR-000102", "CR-000103"))
    services.record_meeting(
        setup.round, held_on=today(), panel=PANEL, practitioners=None, family_feedback="not_sought", actor=setup.qa
    )
    concern = services.raise_concern(setup.round.cases[0], description="At risk now", actor=setup.qa)
    services.record_outcome(concern, owner="J Patel", escalated="yes", escalated_to="MASH", escalated_on=today())
    db.session.commit()
    login_as(setup.qa)
    page = client.get(f"/findings/rounds/{setup.round.id}")
    assert page.status_code == 200
    assert "1 of 3 cases was escalated as live concerns." in page.text
    assert f"Meeting of {govuk_date(today())}" in page.text
    assert "A Khan, QA sub-group chair" in page.text
    assert "Not sought" in page.text
    assert "At risk now" not in page.text  # the report counts concerns; what they are stays on the concern
