"""Findings figures are kept between requests and recomputed as soon as anything they are computed from changes
(app/findings/freshness.py): a kept figure must never be an out-of-date one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts import services as accounts
from app.audits import services as audits
from app.audits.models import AuditRound, ResponseState, RoundState
from app.findings import figures
from app.findings.models import FiguresCache
from app.selfassessment import services as selfassessment
from app.selfassessment import survey_services
from app.selfassessment.models import SurveyLink
from tests.audits.factories import complete_answers, score
from tests.findings import factories as f
from tests.selfassessment.factories import complete_return, no_noise
from tests.downloads import prepared_download


def _kept(db, **parent) -> FiguresCache | None:
    return db.session.execute(sa.select(FiguresCache).filter_by(**parent)).scalar_one_or_none()


def _statements(db, fn) -> int:
    return len(_statement_texts(db, fn))


def _statement_texts(db, fn) -> list[str]:
    texts = []

    def note(_conn, _cursor, statement, *_args):
        texts.append(statement)

    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return texts


def _agency(data, name):
    return next(a for a in data["agencies"] if a["name"] == name)


def test_round_figures_are_kept_and_served_without_recomputing(client, login_as, db, small_round):
    rnd = small_round.round
    login_as("qa")
    assert client.get(f"/findings/rounds/{rnd.id}").status_code == 200
    kept = _kept(db, round_id=rnd.id)
    assert kept is not None and kept.figures["summary"]["submitted"] == 4

    computing = _statements(db, lambda: figures.round_snapshot(db.session.get(AuditRound, rnd.id)))
    serving = _statements(db, lambda: figures.round_figures(db.session.get(AuditRound, rnd.id)))
    assert serving <= 3 < computing
    assert figures.round_figures(rnd)["questions"] == figures.round_snapshot(rnd)["questions"]


# A round's figures are worked out from its answers and moderation, or, for a tallied round, the counts kept of them.
WORKED_OUT_FROM = (
    "case_answer",
    "moderated_answer",
    "round_answer_tally",
    "case_tally",
    "case_agreement_unit",
    "case_drift",
)


def _reads_what_figures_are_worked_out_from(statement: str) -> bool:
    return any(table in statement for table in WORKED_OUT_FROM)


def test_a_second_visit_to_the_findings_page_reads_no_answers(client, login_as, db, small_round):
    """The page states how far the agencies agreed: that is kept with the round's other figures, so serving the
    page again reads no answer (it used to work out the agreement from every answer on every visit)."""
    rnd = small_round.round
    login_as("qa")
    first = client.get(f"/findings/rounds/{rnd.id}")
    assert first.status_code == 200 and "agreement" in first.get_data(as_text=True).lower()
    texts = _statement_texts(db, lambda: client.get(f"/findings/rounds/{rnd.id}"))
    assert texts
    assert not [t for t in texts if _reads_what_figures_are_worked_out_from(t)], texts
    kept = figures.round_figures(db.session.get(AuditRound, rnd.id))
    assert figures.round_agreement_figures(rnd)["percent"] == kept["agreement"]["overall"]["percent"] is not None


def test_a_draft_save_keeps_the_figures_and_a_submission_replaces_them(db, make, small_round):
    rnd = small_round.round
    rnd.state = RoundState.open
    db.session.commit()
    before = figures.round_figures(rnd)
    assert before["summary"]["submitted"] == 4
    token = db.session.execute(sa.select(AuditRound.figures_token).filter_by(id=rnd.id)).scalar_one()

    draft = next(a for a in small_round.cases[2].assignments if a.organisation_id == small_round.police.id)
    assert draft.response.state == ResponseState.draft
    score(draft, complete_answers(), actor=None, submit=False)
    db.session.commit()
    assert db.session.execute(sa.select(AuditRound.figures_token).filter_by(id=rnd.id)).scalar_one() == token
    assert figures.round_figures(rnd)["summary"]["submitted"] == 4

    audits.submit_response(draft, lock_version=draft.response.lock_version)
    db.session.commit()
    after = figures.round_figures(rnd)
    assert after["summary"]["submitted"] == 5
    assert after["summary"]["scored"] > before["summary"]["scored"]


def test_returning_a_submitted_audit_and_moderating_replace_the_figures(db, small_round):
    rnd = small_round.round
    rnd.state = RoundState.open
    db.session.commit()
    assert figures.round_figures(rnd)["summary"]["submitted"] == 4
    submitted = next(a for a in small_round.cases[1].assignments if a.organisation_id == small_round.police.id)
    audits.return_response(submitted, reason="Please add the date of the discussion.")
    db.session.commit()
    assert figures.round_figures(rnd)["summary"]["submitted"] == 3

    rnd.state = RoundState.moderation
    db.session.commit()
    grades = {g["value"]: g["count"] for g in figures.round_figures(rnd)["agreed"]["grades"]}
    assert grades["good"] == 1
    audits.save_moderation(
        small_round.cases[2],
        ratings={"convened_promptly": "yes", "right_agencies_involved": "yes"},
        overall_grade="good",
    )
    db.session.commit()
    grades = {g["value"]: g["count"] for g in figures.round_figures(rnd)["agreed"]["grades"]}
    assert grades["good"] == 2


def test_renaming_an_organisation_reaches_kept_round_and_campaign_figures(
    client, login_as, db, small_round, small_campaign
):
    assert _agency(figures.round_figures(small_round.round), "Riverside Test Police")
    assert any(
        r["name"] == "Test Oakfield School" for r in figures.campaign_figures(small_campaign.campaign)["returns"]
    )
    police = small_round.police
    accounts.update_organisation(
        police,
        name="Riverside Constabulary",
        slug=police.slug,
        org_type=police.org_type,
        areas=police.areas,
        active=True,
    )
    school = small_campaign.school
    accounts.update_organisation(
        school, name="Oakfield Academy", slug=school.slug, org_type=school.org_type, areas=school.areas, active=True
    )
    db.session.commit()

    assert _agency(figures.round_figures(small_round.round), "Riverside Constabulary")
    assert any(r["name"] == "Oakfield Academy" for r in figures.campaign_figures(small_campaign.campaign)["returns"])
    login_as("qa")
    page = client.get(f"/findings/rounds/{small_round.round.id}").get_data(as_text=True)
    assert "Riverside Constabulary" in page and "Riverside Test Police" not in page


def test_a_transaction_that_changed_the_data_keeps_nothing_it_saw(db, small_round):
    rnd = small_round.round
    assert figures.round_figures(rnd)["summary"]["submitted"] == 4
    kept_stamp = _kept(db, round_id=rnd.id).stamp
    case = small_round.cases[1]
    f.add_response(case, small_round.health, {"convened_promptly": "yes"})  # not committed
    assert figures.round_figures(rnd)["summary"]["submitted"] == 5
    # (Here the keeping would share the test's transaction; in a server it commits on a connection of its own.)
    assert db.session.execute(sa.select(FiguresCache.stamp).filter_by(round_id=rnd.id)).scalar_one() == kept_stamp
    db.session.rollback()
    assert figures.round_figures(db.session.get(AuditRound, rnd.id))["summary"]["submitted"] == 4


def test_changed_settings_recompute_kept_figures(app, db, small_round):
    rnd = small_round.round
    assert figures.round_figures(rnd)["settings"]["min_cell_size"] == app.config["MIN_CELL_SIZE"]
    original = app.config["MIN_CELL_SIZE"]
    app.config["MIN_CELL_SIZE"] = original + 7
    try:
        assert figures.round_figures(rnd)["settings"]["min_cell_size"] == original + 7
    finally:
        app.config["MIN_CELL_SIZE"] = original


def test_campaign_figures_follow_submissions_challenges_and_the_survey(db, small_campaign, monkeypatch):
    campaign = small_campaign.campaign
    before = figures.campaign_figures(campaign)
    assert before["summary"]["received"] == 2
    assert _kept(db, campaign_id=campaign.id) is not None

    college = small_campaign.returns["college"]
    token = db.session.execute(sa.select(type(campaign).figures_token).filter_by(id=campaign.id)).scalar_one()
    college.answers[0].evidence = "A draft note nobody else sees yet."
    db.session.commit()
    assert db.session.execute(sa.select(type(campaign).figures_token).filter_by(id=campaign.id)).scalar_one() == token

    complete_return(college, submit=True)
    assert figures.campaign_figures(campaign)["summary"]["received"] == 3

    school = small_campaign.returns["school"]
    senior = lambda data: next(c for c in data["criteria"] if c["key"] == "s11_1_strategy_and_resources")  # noqa: E731
    assert senior(figures.campaign_figures(campaign))["moderated"]["red"] == 0
    selfassessment.challenge_answer(
        school,
        "s11_1_strategy_and_resources",
        moderated_rag="red",
        comment="No budget set aside for safeguarding training.",
    )
    db.session.commit()
    assert senior(figures.campaign_figures(campaign))["moderated"]["red"] == 1

    def charity():
        return next(
            o
            for o in figures.campaign_figures(campaign)["survey"]["organisations"]
            if o["id"] == small_campaign.charity.id
        )

    assert figures.campaign_figures(campaign)["survey"]["organisations_counted"] == 1
    link = db.session.execute(
        sa.select(SurveyLink).filter_by(campaign_id=campaign.id, organisation_id=small_campaign.charity.id)
    ).scalar_one()
    [code] = survey_services.create_response_codes(link, 1)
    survey_services.record_survey_response(link, {"know_safeguarding_lead": {"value": "agree"}}, code=code)
    db.session.commit()
    # a response reaches the partnership's (staff-only) figures; the charity's own wait for its survey to close
    assert figures.campaign_figures(campaign)["survey"]["organisations_counted"] == 2
    assert charity()["shown"] is False and charity()["status"] == "open"

    no_noise(monkeypatch)
    survey_services.close_survey(link)
    db.session.commit()
    assert charity()["shown"] is True and charity()["responses"] == 5
    # the campaign closing freezes the partnership's results for organisations to compare with
    assert figures.campaign_figures(campaign)["survey_partnership"] is None
    survey_services.close_campaign_surveys(campaign)
    db.session.commit()
    assert figures.campaign_figures(campaign)["survey_partnership"]


def test_the_retention_snapshot_replaces_kept_figures(db, small_round):
    from app.findings import services

    rnd = small_round.round
    figures.round_figures(rnd)
    assert _kept(db, round_id=rnd.id) is not None
    services.snapshot_round_figures(rnd)
    db.session.commit()
    assert _kept(db, round_id=rnd.id) is None


def test_figures_held_by_the_process_are_served_with_one_statement_until_something_changes(db, small_round):
    rnd = small_round.round
    figures.round_figures(rnd)
    db.session.execute(sa.delete(FiguresCache))  # what is kept in the table is only a saving, like what is held
    db.session.commit()
    served = _statement_texts(db, lambda: figures.round_figures(rnd))
    assert not [s for s in served if "figures_cache" in s or _reads_what_figures_are_worked_out_from(s)], served
    assert figures.round_figures(rnd)["summary"]["submitted"] == 4

    police = small_round.police
    accounts.update_organisation(
        police,
        name="Riverside Constabulary",
        slug=police.slug,
        org_type=police.org_type,
        areas=police.areas,
        active=True,
    )
    db.session.commit()
    assert _agency(figures.round_figures(rnd), "Riverside Constabulary")


def test_a_new_round_or_campaign_never_shares_a_stamp_with_an_earlier_one(db, make, small_round, small_campaign):
    # Ids can come round again (SQLite reuses the highest after a delete), so a period's first token is random.
    tokens = {small_round.round.figures_token, small_campaign.campaign.figures_token}
    new = [f.make_round(organisations=[small_round.police]) for _ in range(3)]
    db.session.flush()
    tokens |= {r.figures_token for r in new}
    assert None not in tokens and len(tokens) == 5


def test_pages_and_workbooks_leave_the_figures_they_share_as_they_were(
    client, login_as, db, make, small_round, small_campaign
):
    import copy

    rnd, campaign = small_round.round, small_campaign.campaign
    before = copy.deepcopy((figures.round_figures(rnd), figures.campaign_figures(campaign)))
    login_as("qa")
    pages = [
        f"/findings/rounds/{rnd.id}",
        f"/findings/rounds/{rnd.id}/findings.xlsx",
        f"/findings/campaigns/{campaign.id}",
        f"/findings/campaigns/{campaign.id}/findings.xlsx",
        f"/findings/organisations/{small_round.police.id}",
        f"/findings/organisations/{small_campaign.school.id}",
    ]
    for page in pages:
        if page.endswith(".xlsx"):
            assert prepared_download(client, page).status_code == 200, page
        else:
            assert client.get(page).status_code == 200, page
    login_as(make.make_user(roles=["org_lead"], organisation=small_round.police))
    assert client.get(f"/findings/rounds/{rnd.id}").status_code == 200
    assert prepared_download(client, f"/findings/rounds/{rnd.id}/findings.xlsx").status_code == 200
    login_as(make.make_user(roles=["org_lead"], organisation=small_campaign.school))
    assert client.get(f"/findings/campaigns/{campaign.id}").status_code == 200
    assert client.get(f"/findings/organisations/{small_campaign.school.id}").status_code == 200

    assert (figures.round_figures(rnd), figures.campaign_figures(campaign)) == before


def test_figures_served_are_read_only_so_no_request_changes_another_s(client, login_as, db, small_round):
    import copy

    rnd = small_round.round
    login_as("qa")
    assert client.get(f"/findings/rounds/{rnd.id}").status_code == 200
    served = figures.round_figures(rnd)
    with pytest.raises(TypeError):
        served["summary"]["submitted"] = 0
    with pytest.raises(TypeError):
        served["agencies"].append({"name": "Injected"})
    with pytest.raises(TypeError):
        served["questions"][0].update(met=0)
    with pytest.raises(TypeError):
        served.pop("summary")
    own = copy.deepcopy(served)  # a request that needs to change them works on a copy of its own
    own["summary"]["submitted"] = 0
    own["agencies"].append({"name": "Injected"})
    assert figures.round_figures(rnd)["summary"]["submitted"] == 4
    assert figures.round_figures(rnd) == served
    page = client.get(f"/findings/rounds/{rnd.id}").get_data(as_text=True)
    assert "Injected" not in page


def test_a_new_figures_version_recomputes_kept_figures(db, small_round, monkeypatch):
    from app.findings import freshness

    rnd = small_round.round
    figures.round_figures(rnd)
    stamp = _kept(db, round_id=rnd.id).stamp
    monkeypatch.setattr(freshness, "FIGURES_VERSION", freshness.FIGURES_VERSION + 1)
    computing = _statement_texts(db, lambda: figures.round_figures(rnd))
    assert any(_reads_what_figures_are_worked_out_from(s) for s in computing)
    db.session.expire_all()
    assert _kept(db, round_id=rnd.id).stamp != stamp
