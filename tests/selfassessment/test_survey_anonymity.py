"""Attacks on the practitioner survey's anonymity, driven through the app as the organisation's lead: someone who
can create response codes, answer the survey and read the results at any time (README, "Practitioner survey
anonymity"). No sequence of submissions and views may tell them one respondent's answer for certain."""

from __future__ import annotations

import random
import re
import statistics

import pytest
import sqlalchemy as sa

from app.accounts.models import Organisation
from app.selfassessment import services, snapshots
from app.selfassessment.models import SurveyResponse, SurveySnapshot
from tests.findings.test_round_findings import text_of
from tests.selfassessment.factories import (
    complete_return,
    make_campaign,
    return_for,
    survey_form,
    survey_link,
    survey_version,
)

CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@pytest.fixture
def lead_setup(client, make, login_as, db):
    """A school whose lead is signed in, in an open campaign with a survey (another school is invited too)."""
    org = make.make_org(org_type="school", name="Padded School")
    make.make_org(org_type="school", name="Other School")
    lead = make.make_user(roles=["org_lead"], organisation=org)
    campaign = make_campaign()
    ret = return_for(campaign, org)
    login_as(lead)
    return org, campaign, ret, survey_link(campaign, org)


def _create_codes(client, ret, n: int) -> list[str]:
    """What the lead does: ask for codes on the page, and copy them from it."""
    page = client.post(f"/self-assessment/returns/{ret.id}/survey/codes", data={"count": str(n)}).get_data(as_text=True)
    codes = list(dict.fromkeys(CODE.findall(page)))
    assert len(codes) == n
    return codes


def _answer(client, link, code, value="agree", overrides=None):
    return client.post(f"/survey/{link.token}", data=survey_form(value, overrides, code=code))


def _stable(html: str) -> str:
    """The page without what changes on every request anyway (CSP nonce, CSRF token)."""
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def _statement_cells(page: str) -> list[list[str]]:
    """The results table's rows, cell texts."""
    table = page.split("Share of practitioners agreeing with each statement")[1].split("</table>")[0]
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody")[1], re.S)
    ]


# (a) padding -------------------------------------------------------------------------------------------------


def test_padding_with_known_answers_does_not_reveal_the_real_one(client, db, lead_setup, monkeypatch):
    org, campaign, ret, link = lead_setup
    monkeypatch.setattr(snapshots, "_random", random.Random(20261202))  # real noise, reproducible
    results = f"/self-assessment/returns/{ret.id}/survey"
    codes = _create_codes(client, ret, 5)
    for code in codes[:4]:
        assert _answer(client, link, code, "agree").status_code == 302
    # the one real practitioner disagrees with everything
    assert _answer(client, link, codes[4], "disagree").status_code == 302

    # while open: no figures at all, so nothing to subtract the known answers from
    page = client.get(results).get_data(as_text=True)
    assert "%" not in page.split("Practitioner survey results</h1>")[1]

    assert client.post(f"{results}/close").status_code == 302
    page = client.get(results).get_data(as_text=True)
    rows = _statement_cells(page)
    assert rows
    # With exact figures every statement would read 80% (4 known agrees + 1 disagree, out of 5), telling the lead
    # the real answer; the frozen figures are noised, so they do not.
    exact = [["80%", "5"] for _ in rows]
    assert [row[1:3] for row in rows] != exact
    assert sum(row[1] == "80%" for row in rows) < len(rows)


def test_the_noise_is_real(app):
    """Two-sided geometric noise, from `secrets`: often non-zero, centred on zero, with the variance of its epsilon."""
    with app.app_context():
        assert isinstance(snapshots._random, random.SystemRandom)
        epsilon = 1.0
        draws = [snapshots.geometric_noise(epsilon) for _ in range(4000)]
    # α = e^(−ε) ≈ 0.37 for ε = 1
    assert 0.45 < sum(d != 0 for d in draws) / len(draws) < 0.63  # P(0) = (1 - α) / (1 + α) ≈ 0.46
    assert abs(statistics.fmean(draws)) < 0.15
    assert 1.4 < statistics.pvariance(draws) < 2.3  # 2α / (1 - α)² ≈ 1.84
    assert min(draws) < -2 and max(draws) > 2


def test_each_count_in_the_snapshot_is_noised(client, db, lead_setup, monkeypatch):
    org, campaign, ret, link = lead_setup
    monkeypatch.setattr(snapshots, "geometric_noise", lambda epsilon: 2)
    codes = _create_codes(client, ret, 6)
    for code in codes:
        _answer(client, link, code, "agree")
    client.post(f"/self-assessment/returns/{ret.id}/survey/close")
    page = client.get(f"/self-assessment/returns/{ret.id}/survey").get_data(as_text=True)
    assert "About 8 people answered" in page  # 6 answered, noised once
    # agree 6+2, strongly agree 0+2, disagree 0+2, strongly disagree 0+2: 10 of 14 agree; 14 answers shown
    assert _statement_cells(page)[0][1:3] == ["71.4%", "14"]


# (b) differencing --------------------------------------------------------------------------------------------


def test_pages_do_not_change_with_a_response_and_never_change_after_closing(client, db, lead_setup):
    org, campaign, ret, link = lead_setup
    complete_return(ret, rag="green", submit=True)
    pages = (
        f"/self-assessment/returns/{ret.id}",
        f"/self-assessment/returns/{ret.id}/survey",
        f"/findings/campaigns/{campaign.id}",
    )
    codes = _create_codes(client, ret, 10)
    for code in codes[:9]:
        _answer(client, link, code, "agree")
    before = {url: _stable(client.get(url).get_data(as_text=True)) for url in pages}
    assert _answer(client, link, codes[9], "disagree").status_code == 302  # the 10th, a real practitioner
    after = {url: _stable(client.get(url).get_data(as_text=True)) for url in pages}
    assert after == before

    assert client.post(f"/self-assessment/returns/{ret.id}/survey/close", follow_redirects=True).status_code == 200
    closed = {url: _stable(client.get(url).get_data(as_text=True)) for url in pages}
    assert "Share of practitioners agreeing" in closed[pages[1]]
    # viewed again, and after the campaign closes: the same figures, drawn once
    assert {url: _stable(client.get(url).get_data(as_text=True)) for url in pages} == closed
    services.close_campaign(campaign)
    db.session.commit()
    assert _statement_cells(client.get(pages[1]).get_data(as_text=True)) == _statement_cells(closed[pages[1]])
    # and nobody can answer any more
    assert _answer(client, link, "AAAA-BBBB-CCCC").status_code == 410


# (c) ballot stuffing -----------------------------------------------------------------------------------------


def test_a_code_answers_once_and_no_code_cannot_answer(client, db, lead_setup, make, monkeypatch):
    org, campaign, ret, link = lead_setup
    [code] = _create_codes(client, ret, 1)
    count = lambda: db.session.execute(sa.select(sa.func.count(SurveyResponse.id))).scalar_one()  # noqa: E731

    response = _answer(client, link, None)
    assert response.status_code == 200 and "Enter your response code" in response.get_data(as_text=True)
    response = _answer(client, link, "ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 200 and "already been used" in response.get_data(as_text=True)
    assert count() == 0

    # the per-practitioner link fills the code in
    assert code in client.get(f"/survey/{link.token}?code={code}").get_data(as_text=True)
    assert _answer(client, link, code.lower().replace("-", " ")).status_code == 302
    assert count() == 1
    response = _answer(client, link, code)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page and 'href="#code"' in page
    assert count() == 1

    # a code only works on its own organisation's survey
    other = db.session.execute(sa.select(Organisation).where(Organisation.name == "Other School")).scalar_one()
    other_campaign_link = survey_link(campaign, other)
    [other_code] = _create_codes(client, ret, 1)
    assert _answer(client, other_campaign_link, other_code).status_code == 200
    assert count() == 1


def test_codes_are_for_the_organisation_lead_or_the_partnership(client, make, login_as, lead_setup):
    org, campaign, ret, link = lead_setup
    login_as(make.make_user(roles=["org_lead"], organisation=make.make_org(org_type="school")))
    assert client.post(f"/self-assessment/returns/{ret.id}/survey/codes", data={"count": "3"}).status_code == 403
    assert client.post(f"/self-assessment/returns/{ret.id}/survey/close").status_code == 403
    login_as("qa")
    assert len(_create_codes(client, ret, 2)) == 2


# (d) no small cells ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("noise", [0, -3])
def test_no_count_below_the_minimum_is_ever_shown(client, db, lead_setup, monkeypatch, noise):
    org, campaign, ret, link = lead_setup
    monkeypatch.setattr(snapshots, "geometric_noise", lambda epsilon: noise)
    codes = _create_codes(client, ret, 7)
    for code in codes[:6]:
        _answer(client, link, code, "agree")
    _answer(client, link, codes[6], "dont_know")  # one "Don't know" on every statement
    client.post(f"/self-assessment/returns/{ret.id}/survey/close")
    page = client.get(f"/self-assessment/returns/{ret.id}/survey").get_data(as_text=True)
    rows = _statement_cells(page)
    assert rows
    for row in rows:
        assert row[3] == "Fewer than 5"  # Don't know: 1, never "1"
        for cell in row[1:]:
            if cell.endswith("%"):
                continue
            assert cell in ("Fewer than 5", "No responses") or int(cell) >= 5, row


def test_nothing_answered_says_no_responses(client, db, lead_setup):
    org, campaign, ret, link = lead_setup
    services.close_campaign(campaign)
    db.session.commit()
    page = text_of(client.get(f"/self-assessment/returns/{ret.id}/survey"))
    assert "No responses" in page and "Fewer than" not in page


def test_noise_that_leaves_nothing_to_divide_shows_fewer_not_an_empty_percentage(
    client, db, login_as, lead_setup, monkeypatch
):
    """Enough practitioners answered, but the noise took every count of a statement or theme to zero: there is no
    percentage to show, so it reads "Fewer than 5" on both pages, never a blank or "None%" (and never a crash)."""
    org, campaign, ret, link = lead_setup
    complete_return(ret, rag="green", submit=True)
    monkeypatch.setattr(snapshots, "geometric_noise", lambda epsilon: -100)
    for code in _create_codes(client, ret, 6):
        assert _answer(client, link, code, "agree").status_code == 302
    client.post(f"/self-assessment/returns/{ret.id}/survey/close")
    snapshot = db.session.execute(sa.select(SurveySnapshot)).scalars().first()
    figures = snapshot.figures
    for entry in [*figures["statements"].values(), *figures["themes"].values()]:
        assert entry["status"] != "shown" or entry["percent"] is not None, entry
    page = text_of(client.get(f"/self-assessment/returns/{ret.id}/survey"))
    assert "None" not in page and "Fewer than 5" in page
    login_as("qa")
    for url in (f"/self-assessment/campaigns/{campaign.id}/triangulation", f"/findings/campaigns/{campaign.id}"):
        response = client.get(url)
        assert response.status_code == 200
        assert "None%" not in text_of(response)


# (e) one triangulation ---------------------------------------------------------------------------------------


def test_findings_and_self_assessment_show_the_same_triangulation(client, db, make, login_as, lead_setup):
    """Six practitioners answered, but only two of them the statements on policies: neither page may show a
    policies figure (the findings page used to check only the organisation's total)."""
    org, campaign, ret, link = lead_setup
    complete_return(ret, rag="green", submit=True)
    codes = _create_codes(client, ret, 6)
    policies = [q.key for q in survey_version().parsed.questions() if "policies" in q.themes]
    blank = {key: "dont_know" for key in policies}
    for n, code in enumerate(codes):
        assert _answer(client, link, code, "agree", overrides=None if n < 2 else blank).status_code == 302
    client.post(f"/self-assessment/returns/{ret.id}/survey/close")

    login_as("qa")
    triangulation = text_of(client.get(f"/self-assessment/campaigns/{campaign.id}/triangulation"))
    findings = text_of(client.get(f"/findings/campaigns/{campaign.id}"))
    findings_row = findings.split("Triangulation by organisation and theme")[1].split("Padded School")[1]
    from app.selfassessment import queries

    rows = [r for r in queries.triangulation(campaign.id) if r.organisation_id == org.id]
    assert rows
    for row in rows:
        line = triangulation.split(f"Padded School {row.theme_title} ")[1].split("Padded School")[0]
        shown = f"{row.agree_percent:g}%" if row.status == "shown" else "Fewer than 5"
        assert shown in line, (row.theme, line)
        assert (f"{row.agree_percent:g}% agree" if row.status == "shown" else "Fewer than 5") in findings_row
    policy = next(r for r in rows if r.theme == "policies")
    assert policy.status == "fewer" and policy.agree_percent is None
    assert f"Padded School {policy.theme_title} Green Green Fewer than 5" in triangulation


def test_a_theme_counts_practitioners_across_its_statements(client, db, login_as, lead_setup, monkeypatch):
    """Policies has two statements. Three practitioners answered one of them and three others the other: fewer than
    five answered each statement, but six answered the theme, so its figure is shown (and a statement's own figure
    is not). Counting the most answers to one statement would hide it."""
    org, campaign, ret, link = lead_setup
    complete_return(ret, rag="green", submit=True)
    monkeypatch.setattr(snapshots, "geometric_noise", lambda epsilon: 0)
    policies = [q.key for q in survey_version().parsed.questions() if "policies" in q.themes]
    assert len(policies) == 2
    codes = _create_codes(client, ret, 6)
    for n, code in enumerate(codes):
        blank = {policies[n % 2]: "dont_know"}
        assert _answer(client, link, code, "agree", overrides=blank).status_code == 302
    client.post(f"/self-assessment/returns/{ret.id}/survey/close")
    figures = db.session.execute(sa.select(SurveySnapshot.figures)).scalars().first()
    assert [figures["statements"][key]["status"] for key in policies] == ["fewer", "fewer"]
    assert figures["themes"]["policies"] == {"status": "shown", "percent": 100.0}

    login_as("qa")
    triangulation = text_of(client.get(f"/self-assessment/campaigns/{campaign.id}/triangulation"))
    assert "Padded School Policies and procedures Green Green 100% 6" in triangulation


# the partnership -------------------------------------------------------------------------------------------


def test_organisations_see_the_partnership_only_as_frozen_when_the_campaign_closed(
    client, db, make, login_as, lead_setup
):
    """Differencing the partnership's figures before and after someone answers is the padding attack again, one
    level up: organisation leads see them only from the one snapshot taken when the campaign closed."""
    org, campaign, ret, link = lead_setup
    other = db.session.execute(sa.select(Organisation).where(Organisation.name == "Other School")).scalar_one()
    for code in _create_codes(client, ret, 6):
        _answer(client, link, code, "agree")
    login_as("qa")
    other_ret = return_for(campaign, other)
    for code in _create_codes(client, other_ret, 6):
        _answer(client, survey_link(campaign, other), code, "disagree")
    assert client.post(f"/self-assessment/returns/{ret.id}/survey/close").status_code == 302
    login_as(make.make_user(roles=["org_lead"], organisation=org))

    results = f"/self-assessment/returns/{ret.id}/survey"
    trends = "/findings/trends/practitioner-survey"
    page = client.get(results).get_data(as_text=True)
    assert "All organisations: agree" not in page and "once the whole campaign has closed" in page
    assert campaign.title not in text_of(client.get(trends))  # no partnership survey figures for an open campaign
    findings = f"/findings/campaigns/{campaign.id}"
    assert "practitioners agreeing All organisations" not in text_of(client.get(findings))

    services.close_campaign(campaign)
    db.session.commit()
    page = client.get(results).get_data(as_text=True)
    assert "All organisations: agree" in page
    frozen = _statement_cells(page)
    assert campaign.title in text_of(client.get(trends))
    assert "practitioners agreeing All organisations" in text_of(client.get(findings))
    services.open_campaign(campaign)  # re-opened: the survey stays over, with no new links
    services.close_campaign(campaign)
    db.session.commit()
    assert _statement_cells(client.get(results).get_data(as_text=True)) == frozen
    assert (
        len(
            db.session.execute(
                sa.select(SurveySnapshot).where(
                    SurveySnapshot.campaign_id == campaign.id, SurveySnapshot.survey_link_id.is_(None)
                )
            ).all()
        )
        == 1
    )


def test_a_survey_nobody_answered_says_no_responses_in_the_triangulation(client, db, login_as, lead_setup):
    org, campaign, ret, link = lead_setup
    complete_return(ret, rag="green", submit=True)
    services.close_campaign(campaign)
    db.session.commit()
    login_as("qa")
    triangulation = text_of(client.get(f"/self-assessment/campaigns/{campaign.id}/triangulation"))
    findings = text_of(client.get(f"/findings/campaigns/{campaign.id}"))
    assert "Padded School Leadership and accountability Green Green No responses No responses" in triangulation
    assert "Other School" in triangulation and "Fewer than 5" not in triangulation
    assert (
        findings.split("Triangulation by organisation and theme")[1]
        .split("Padded School")[1]
        .strip()
        .startswith("No responses")
    )
