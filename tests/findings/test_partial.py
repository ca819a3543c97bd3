"""A scale's "partly" answers shown as their own band in round findings and weighted by partial_counts_as."""

from __future__ import annotations

import re

import pytest

from app.questionnaire import load_files
from tests.audits.factories import make_round, score
from tests.findings.test_round_findings import text_of
from tests.questionnaire.helpers import FIXTURES, write
from tests.downloads import prepared_download

PARTIAL_AUDIT = FIXTURES / "partial-audit.yaml"


def _answers(offered, recorded):
    return {"interview_offered": {"value": offered}, "interview_recorded": {"value": recorded}}


@pytest.mark.parametrize("weight, share", [("0.5", "50%"), ("0", "25%")])
def test_round_findings_show_met_partly_and_not_met_and_weight_partly(client, login_as, db, tmp_path, weight, share):
    text = PARTIAL_AUDIT.read_text().replace("partial_counts_as: 0.5", f"partial_counts_as: {weight}")
    key = f"fixture-partial-audit-{weight.replace('.', '')}"
    load_files([write(tmp_path, text.replace("key: fixture-partial-audit", f"key: {key}"))])
    setup = make_round(key=key, agencies=("police", "health"))
    score(setup.assignment(0, "police"), _answers("in_line", "partly"), actor=setup.auditors["police"])
    score(setup.assignment(0, "health"), _answers("partly", "not_in_line"), actor=setup.auditors["health"])

    login_as("qa")
    page = text_of(client.get(f"/findings/rounds/{setup.round.id}"))
    assert "Criteria meeting, partly meeting and not meeting the standard, by theme" in page
    assert "Meets Partly Does not meet Answers scored Share meeting the standard" in page
    # timeliness: 1 in line, 2 partly, 1 not in line; partly counts as the instrument says
    assert re.search(rf"Timeliness 1 2 1 4 {share}", page), page
    assert re.search(
        rf"Was a return interview offered within 72 hours\? 1 1 0 2 {'75%' if weight == '0.5' else '50%'}", page
    )
    assert re.search(rf"Timeliness {share} \(1 of 4\)", page)


def test_a_scale_without_partial_answers_has_no_partly_band(client, login_as, small_round):
    login_as("qa")
    page = text_of(client.get(f"/findings/rounds/{small_round.round.id}"))
    assert "partly meeting and not meeting" not in page


def _partial_round(tmp_path, key="fixture-partial-audit-export"):
    load_files([write(tmp_path, PARTIAL_AUDIT.read_text().replace("key: fixture-partial-audit", f"key: {key}"))])
    setup = make_round(key=key, agencies=("police", "health"))
    score(setup.assignment(0, "police"), _answers("in_line", "partly"), actor=setup.auditors["police"])
    score(setup.assignment(0, "health"), _answers("partly", "not_in_line"), actor=setup.auditors["health"])
    return setup


def test_the_round_workbook_has_the_partly_band(client, login_as, db, tmp_path):
    from tests.findings.test_export import rows_of, summary_value, workbook_of

    setup = _partial_round(tmp_path)
    login_as("qa")
    wb = workbook_of(prepared_download(client, f"/findings/rounds/{setup.round.id}/findings.xlsx"))
    summary = wb["Summary"]
    assert summary_value(summary, "Criteria meeting the standard") == 1
    assert summary_value(summary, "Criteria partly meeting the standard") == 2
    assert summary_value(summary, "Criteria not meeting the standard") == 1
    assert summary_value(summary, "A partly answer counts as") == "0.5 of an answer meeting the standard"
    themes = rows_of(wb["Themes"])
    header = themes[0]
    timeliness = next(r for r in themes if r[0] == "timeliness")
    assert header[2:6] == ["Criteria answered", "Meeting the standard", "Partly meeting", "% meeting the standard"]
    assert timeliness[2:6] == [4, 1, 2, 50]
    questions = rows_of(wb["Questions"])
    assert "Partly meeting" in questions[0]
    offered = next(r for r in questions[1:] if r[0] == "interview_offered")
    assert offered[questions[0].index("Partly meeting")] == 1


def test_a_workbook_without_partial_answers_has_no_partly_columns(client, login_as, small_round):
    from tests.findings.test_export import rows_of, workbook_of

    login_as("qa")
    wb = workbook_of(prepared_download(client, f"/findings/rounds/{small_round.round.id}/findings.xlsx"))
    assert "Partly meeting" not in rows_of(wb["Themes"])[0]
    assert "Partly meeting" not in rows_of(wb["Questions"])[0]
    assert all(r[0] != "Criteria partly meeting the standard" for r in rows_of(wb["Summary"]))


def test_the_trend_page_shows_partly_answers_and_how_they_count(client, login_as, db, tmp_path):
    from app.audits import services as audit_services

    setup = _partial_round(tmp_path, key="fixture-partial-audit-trend")
    audit_services.start_moderation(setup.round, confirm_unsubmitted=True)
    db.session.commit()
    login_as("qa")
    page = text_of(client.get("/findings/trends/fixture-partial-audit-trend"))
    assert "A partly answer counts as half of one meeting the standard" in page
    assert re.search(
        r"Was a return interview offered within 72 hours\? \(interview_offered\) 75% \(n=2; 1 partly\)", page
    ), page
