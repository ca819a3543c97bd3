"""Moderation: side-by-side answers, disagreements, the queue, the agreed outcome, and who may see what."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.activity.models import ActivityEvent
from app.audits import services
from app.audits.models import Moderation
from tests.audits.factories import SCALE_KEYS, complete_answers, make_round, moderate, score


def _block(page_text: str, key: str) -> str:
    start = page_text.index(f'id="question-{key}"')
    return page_text[
        page_text.rindex("<div", 0, start) : page_text.index('class="app-moderation-question', start + 1)
        if 'class="app-moderation-question' in page_text[start + 1 :]
        else len(page_text)
    ]


def test_moderation_page_shows_every_agency_side_by_side_with_disagreements_tagged(client, login_as, db):
    setup = make_round()
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    score(setup.assignment(0, "health"), complete_answers(convened_promptly="no"), actor=setup.auditors["health"])
    score(setup.assignment(0, "council"), complete_answers(), actor=setup.auditors["council"])
    services.start_moderation(setup.round, actor=setup.qa)
    db.session.commit()
    login_as(setup.qa)
    page = client.get(f"/audits/cases/{setup.round.cases[0].id}/moderate")
    assert page.status_code == 200
    for org in setup.orgs.values():
        assert org.name in page.text
    convened = _block(page.text, "convened_promptly")
    assert "Disagreement" in convened and "app-disagreement" in convened
    assert "Spread of scores: 2" in convened
    assert "Only partly shown in the record." in convened  # the agency's comment
    identity = _block(page.text, "identity_considered")
    assert "Disagreement" not in identity
    # Where every agency agrees the agreed rating starts at their answer.
    assert re.search(r'name="rating__identity_considered" type="radio" value="yes" checked', identity)
    assert not re.search(r'name="rating__convened_promptly" type="radio" value="\w+" checked', convened)


def test_disagreement_queue_lists_the_widest_spread_first(client, login_as, db):
    setup = make_round(agencies=("police", "health"), references=("CR-000101", "CR-000102"))
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    score(setup.assignment(0, "health"), complete_answers(clear_next_steps="partly"), actor=setup.auditors["health"])
    score(setup.assignment(1, "police"), complete_answers(), actor=setup.auditors["police"])
    score(
        setup.assignment(1, "health"),
        complete_answers(minutes_circulated="no", identity_considered="na"),
        actor=setup.auditors["health"],
    )
    services.start_moderation(setup.round, actor=setup.qa)
    db.session.commit()
    login_as(setup.qa)
    page = client.get(f"/audits/{setup.round.id}/disagreements")
    rows = re.findall(
        r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell"><a[^>]*>(CR-\d+)</a></td>\s*'
        r'<td class="govuk-table__cell">([^<]+)</td>\s*<td class="govuk-table__cell">([^<]+)</td>\s*'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>',
        page.text,
    )
    assert [(ref, spread) for ref, _q, _v, spread in rows] == [
        ("CR-000102", "2"),
        ("CR-000101", "1"),
        ("CR-000102", "0"),
    ]
    assert rows[0][1].startswith("Were formal minutes")
    assert rows[2][2] == "Not applicable, Yes"


def test_recording_the_agreed_outcome(client, login_as, db):
    setup = make_round(agencies=("police", "health"))
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    score(setup.assignment(0, "health"), complete_answers(convened_promptly="no"), actor=setup.auditors["health"])
    services.start_moderation(setup.round, actor=setup.qa)
    db.session.commit()
    qa = login_as(setup.qa)
    case = setup.round.cases[0]

    page = client.post(f"/audits/cases/{case.id}/moderate", data={"rating__identity_considered": "yes"})
    assert page.status_code == 200
    assert "Select the agreed rating for “Was the strategy discussion convened promptly" in page.text
    assert 'href="#rating__convened_promptly"' in page.text
    assert "Select the agreed overall grade" in page.text
    assert db.session.execute(sa.select(Moderation)).first() is None

    data = {f"rating__{key}": "yes" for key in SCALE_KEYS if key != "convened_promptly"}
    data.update(
        {
            "rating__convened_promptly": "partly",
            "comment__convened_promptly": "Held the next morning.",
            "overall_grade": "requires_improvement",
            "strengths": "Good information sharing.",
            "areas_for_improvement": "Timeliness.",
            "learning": "Use the out-of-hours protocol.",
        }
    )
    assert client.post(f"/audits/cases/{case.id}/moderate", data=data).status_code == 302
    moderation = db.session.execute(sa.select(Moderation)).scalar_one()
    agreed = {m.question_key: m for m in moderation.answers}
    assert (
        agreed["convened_promptly"].value,
        agreed["convened_promptly"].score,
        agreed["convened_promptly"].comment,
    ) == ("partly", 1, "Held the next morning.")
    assert agreed["overall_judgement"].value == "requires_improvement"
    assert moderation.overall_grade == "requires_improvement"
    assert moderation.moderator_id == qa.id and moderation.learning == "Use the out-of-hours protocol."
    assert db.session.execute(sa.select(ActivityEvent).where(ActivityEvent.verb == "moderated")).scalar_one()

    page = client.get(f"/audits/{setup.round.id}")
    assert "Moderated" in page.text


def test_moderation_is_refused_unless_the_round_is_in_moderation(client, login_as, db):
    setup = make_round(agencies=("police",))
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    db.session.commit()
    login_as(setup.qa)
    page = client.post(f"/audits/cases/{setup.round.cases[0].id}/moderate", data={"overall_grade": "good"})
    assert "Cases can only be moderated while the round is in moderation." in page.text
    assert db.session.execute(sa.select(Moderation)).first() is None


def test_auditors_see_other_agencies_answers_only_once_moderation_starts(client, login_as, db, make):
    setup = make_round(agencies=("police", "health"), references=("CR-000101", "CR-000102"))
    setup.round.cases[1].assignments[:] = [
        a for a in setup.round.cases[1].assignments if a.organisation_id == setup.orgs["health"].id
    ]
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    score(setup.assignment(0, "health"), complete_answers(clear_next_steps="no"), actor=setup.auditors["health"])
    db.session.commit()
    police_assignment = setup.assignment(0, "police")
    login_as(setup.auditors["police"])
    assert client.get(f"/audits/tasks/{police_assignment.id}/all-agencies").status_code == 403

    services.start_moderation(setup.round, actor=setup.qa, confirm_unsubmitted=True)
    moderate(setup.round.cases[0], actor=setup.qa, clear_next_steps="partly")
    db.session.commit()
    page = client.get(f"/audits/tasks/{police_assignment.id}/all-agencies")
    assert page.status_code == 200
    assert setup.orgs["health"].name in page.text and "Disagreement" in page.text
    assert "Agreed rating:</strong> Partly" in page.text
    # A case their organisation did not audit stays closed to them.
    health_only = setup.round.cases[1].assignments[0]
    assert client.get(f"/audits/tasks/{health_only.id}/all-agencies").status_code == 403
    stranger = make.make_user(roles=["auditor"], org_type="school")
    login_as(stranger)
    assert client.get(f"/audits/tasks/{police_assignment.id}/all-agencies").status_code == 403
