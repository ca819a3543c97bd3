"""Learning re-tested: an action on a case-audit finding names the criterion that should improve; the next round with
the same audit tool shows it before and after, on the action and on that round's findings page."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.actions.models import ActionItem
from app.audits.models import RoundState
from app.findings import services
from app.questionnaire import latest_version
from tests.findings import factories as f
from tests.findings.test_round_findings import text_of

CRITERION = "right_agencies_involved"
CRITERION_TEXT = "Were the right agencies invited, and did they take part"


def _round(orgs, start: date, values, *, state=RoundState.closed, title=None):
    """A round of the current strategy discussion audit (a Partly answer counts half): one case per value of the
    criterion, answered by the first organisation."""
    rnd = f.make_round(
        organisations=orgs,
        version=latest_version("strategy-discussion"),
        state=state,
        title=title or f"Strategy discussions {start:%B %Y}",
        period_start=start,
    )
    for value in values:
        f.add_response(f.add_case(rnd), orgs[0], {CRITERION: value, "convened_promptly": "yes"})
    return rnd


def _setup(db, make, after_values):
    police = make.make_org(name="Retest Police", org_type="police")
    before = _round([police], date(2025, 1, 1), ["yes", "no", "no", "partly", "no"])  # 1.5 of 5: 30%
    after = _round([police], date(2025, 7, 1), after_values) if after_values else None
    qa = make.make_user(roles=["qa"])
    finding = services.add_finding(
        heading="area_for_improvement", text="Schools were not invited.", round_id=before.id, actor=qa
    )
    db.session.commit()
    return police, before, after, finding, qa


def _add_action(client, finding, police, criterion=CRITERION):
    return client.post(
        f"/findings/items/{finding.id}/actions/new",
        data={
            "description": "Invite schools to every strategy discussion",
            "owner_organisation_id": str(police.id),
            "owner_name": "MASH manager",
            "due_date": ["28", "2", "2027"],
            "retest_question_key": criterion,
        },
    )


def test_an_action_on_a_round_finding_names_the_criterion_to_retest(client, login_as, db, make):
    police, before, after, finding, qa = _setup(db, make, None)
    login_as(qa)
    form = text_of(client.get(f"/findings/items/{finding.id}/actions/new"))
    assert "Criterion that should improve (optional)" in form and CRITERION_TEXT in form
    assert "How was the strategy discussion held" not in form  # not a scored criterion

    bad = _add_action(client, finding, police, criterion="overall_judgement")
    assert bad.status_code == 200
    assert "There is a problem" in text_of(bad) and "Select a criterion of this round’s audit tool" in text_of(bad)
    assert db.session.execute(sa.select(ActionItem).where(ActionItem.finding_id == finding.id)).first() is None

    assert _add_action(client, finding, police).status_code == 302
    action = db.session.execute(sa.select(ActionItem).where(ActionItem.finding_id == finding.id)).scalar_one()
    assert action.retest_question_key == CRITERION
    page = text_of(client.get(f"/findings/actions/{action.id}"))
    assert f"re-tests “{CRITERION_TEXT}" in page
    assert "before 30% meeting (1 met, 1 partly, of 5)" in page
    assert "Not re-tested yet" in page


def test_a_campaign_finding_action_names_no_criterion(client, login_as, db, make):
    campaign = f.make_campaign()
    qa = login_as("qa")
    finding = services.add_finding(heading="learning", text="Training records.", campaign_id=campaign.id, actor=qa)
    db.session.commit()
    assert "Criterion that should improve" not in text_of(client.get(f"/findings/items/{finding.id}/actions/new"))


def test_the_next_round_shows_the_learning_embedded(client, login_as, db, make):
    police, before, after, finding, qa = _setup(db, make, ["yes", "yes", "yes", "partly", "no"])  # 70%
    login_as(qa)
    _add_action(client, finding, police)
    action = db.session.execute(sa.select(ActionItem).where(ActionItem.finding_id == finding.id)).scalar_one()

    page = text_of(client.get(f"/findings/actions/{action.id}"))
    assert f"after ({after.title}) 70% meeting (3 met, 1 partly, of 5). Learning embedded: yes" in page

    later = text_of(client.get(f"/findings/rounds/{after.id}"))
    assert "Learning re-tested" in later
    assert "rose by at least 10 percentage points, or reached 80%" in later
    assert (
        f"{CRITERION_TEXT}? Invite schools to every strategy discussion {before.title}: 30% meeting "
        "(1 met, 1 partly, of 5) 70% meeting (3 met, 1 partly, of 5) Yes"
    ) in later
    # the earlier round is not re-tested by itself
    assert "No action on an earlier round’s findings names a criterion" in text_of(
        client.get(f"/findings/rounds/{before.id}")
    )


def test_no_better_is_not_yet_embedded(client, login_as, db, make):
    police, before, after, finding, qa = _setup(db, make, ["yes", "no", "partly", "no", "no"])  # 30%
    login_as(qa)
    _add_action(client, finding, police)
    action = db.session.execute(sa.select(ActionItem).where(ActionItem.finding_id == finding.id)).scalar_one()
    assert "Learning embedded: not yet" in text_of(client.get(f"/findings/actions/{action.id}"))
    assert "Not yet" in text_of(client.get(f"/findings/rounds/{after.id}"))


def test_the_margin_is_a_partnership_setting(client, login_as, db, make):
    from app.accounts.settings import save_settings

    police, before, after, finding, qa = _setup(db, make, ["yes", "yes", "no", "partly", "no"])  # 50%: +20
    login_as(qa)
    _add_action(client, finding, police)
    action = db.session.execute(sa.select(ActionItem).where(ActionItem.finding_id == finding.id)).scalar_one()
    assert "Learning embedded: yes" in text_of(client.get(f"/findings/actions/{action.id}"))
    save_settings({"learning_embedded_margin": "25"}, actor=make.make_user(roles=["admin"]))
    db.session.commit()
    assert "Learning embedded: not yet" in text_of(client.get(f"/findings/actions/{action.id}"))


def test_too_few_answers_are_neither_shown_nor_judged(client, login_as, db, make):
    police, before, after, finding, qa = _setup(db, make, ["yes", "yes", "yes"])  # 3 answers, fewer than 5
    login_as(qa)
    _add_action(client, finding, police)
    action = db.session.execute(sa.select(ActionItem).where(ActionItem.finding_id == finding.id)).scalar_one()
    page = text_of(client.get(f"/findings/actions/{action.id}"))
    assert "fewer than 5 answers" in page and "cannot tell" in page
    assert "100%" not in page


def test_a_later_round_not_yet_in_moderation_does_not_retest(client, login_as, db, make):
    police, before, _, finding, qa = _setup(db, make, None)
    _round([police], date(2025, 7, 1), ["yes"] * 5, state=RoundState.open)
    login_as(qa)
    _add_action(client, finding, police)
    action = db.session.execute(sa.select(ActionItem).where(ActionItem.finding_id == finding.id)).scalar_one()
    assert "Not re-tested yet" in text_of(client.get(f"/findings/actions/{action.id}"))


def test_another_organisations_lead_sees_no_action_on_the_later_round(client, login_as, db, make):
    police, before, after, finding, qa = _setup(db, make, ["yes", "yes", "yes", "partly", "no"])
    login_as(qa)
    _add_action(client, finding, police)
    health = make.make_org(name="Retest Health", org_type="health_trust")
    after.organisations = [police, health]
    db.session.commit()
    login_as(make.make_user(roles=["org_lead"], organisation=health))
    later = text_of(client.get(f"/findings/rounds/{after.id}"))
    assert "An action of another organisation" in later
    assert "Invite schools" not in later
    # health took no part in the earlier round: its figures are not shown to them
    assert f"{before.title}: not shown" in later and "Cannot tell" in later
