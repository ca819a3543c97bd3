"""A round's findings page states how far the agencies agreed, with the audit round page's figures, and warns
when alpha rests on too few cases (the demo round: test_round_agreement_demo.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.audits import services
from app.audits.agreement import MIN_CASES_FOR_ALPHA
from app.findings import figures
from app.utils import utcnow
from tests.audits.factories import complete_answers, make_round, score


def _figure(page: str, name: str) -> str:
    match = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', page)
    assert match, f"no figure {name} on the page"
    return match.group(1).strip()


def _warned(page: str) -> bool:
    return 'data-warning="few-cases"' in page


# --- few cases and enough --------------------------------------------------------------------------------------


def _rated_round(cases: int):
    """A round of `cases` cases that police and health both rated, disagreeing on one criterion in every third."""
    setup = make_round(agencies=("police", "health"), references=tuple(f"CR-{900100 + i:06d}" for i in range(cases)))
    for index in range(cases):
        score(setup.assignment(index, "police"), complete_answers(), actor=setup.auditors["police"])
        health = complete_answers(convened_promptly="partly" if index % 3 == 0 else "yes")
        score(setup.assignment(index, "health"), health, actor=setup.auditors["health"])
    services.start_moderation(setup.round, actor=setup.qa)
    return setup


@pytest.mark.parametrize("cases, warned", [(MIN_CASES_FOR_ALPHA - 1, True), (MIN_CASES_FOR_ALPHA, False)])
def test_warning_when_too_few_cases_make_alpha_meaningless(client, login_as, db, cases, warned):
    setup = _rated_round(cases)
    login_as(setup.qa)
    findings_page = client.get(f"/findings/rounds/{setup.round.id}").text
    round_page = client.get(f"/audits/{setup.round.id}").text

    assert _figure(findings_page, "agreement-n") == str(cases)
    assert _figure(findings_page, "agreement-alpha") == _figure(round_page, "round-alpha") != "–"
    assert _warned(findings_page) is warned
    assert _warned(round_page) is warned
    assert figures.round_agreement_figures(setup.round)["few_cases"] is warned


def test_no_agreement_figures_before_two_agencies_rated_a_case(client, login_as, db):
    setup = make_round(agencies=("police", "health"), references=("CR-900201",))
    score(setup.assignment(0, "police"), complete_answers(), actor=setup.auditors["police"])
    login_as(setup.qa)
    page = client.get(f"/findings/rounds/{setup.round.id}").text
    assert "No case has been rated by two or more agencies yet" in page
    assert 'data-figure="agreement-alpha"' not in page and not _warned(page)


def test_after_the_retention_purge_the_findings_page_states_the_kept_figures(client, login_as, db, runner):
    setup = _rated_round(3)
    login_as(setup.qa)
    before = client.get(f"/findings/rounds/{setup.round.id}").text
    services.close_round(
        setup.round, actor=setup.qa, reasons={c.id: "Not moderated in this test." for c in setup.cases}
    )
    setup.round.closed_at = utcnow() - timedelta(days=3 * 365)
    db.session.commit()
    result = runner.invoke(args=["data", "purge", "--older-than", "2"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert setup.round.purged_at is not None

    after = client.get(f"/findings/rounds/{setup.round.id}").text
    for name in ("agreement-percent", "agreement-alpha", "agreement-n", "agreement-convened_promptly-percent"):
        assert _figure(after, name) == _figure(before, name)
    assert "kept when the round’s case-level records were removed" in after
    assert _warned(after)
